// One output of the RTL top against the model's (tb_engine_top, tb_engine_live): result code,
// SA, direction and bytes, with both sides named when they differ.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>

#include "packet_engine.h"

namespace esp::sim {

inline void same_result(const esp::PacketEngine::PacketResult& rtl, const esp::PacketEngine::PacketResult& model,
                        std::size_t index) {
  INFO("packet " << index << ": RTL result " << int(rtl.result) << " sa " << rtl.sa << " " << rtl.bytes.size()
                 << " bytes; model result " << int(model.result) << " sa " << model.sa << " "
                 << model.bytes.size() << " bytes");
  REQUIRE(int(rtl.result) == int(model.result));
  REQUIRE(rtl.sa == model.sa);
  REQUIRE(rtl.inbound == model.inbound);
  REQUIRE(rtl.bytes == model.bytes);
}

}  // namespace esp::sim
