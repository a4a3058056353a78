// Helpers the RTL top's tests share (tb_engine_top, tb_engine_live): an SA command that
// polls SA_STATUS.BUSY, and one output of the RTL top checked against the model's.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>

#include <cstdint>

#include "esp_contract.h"
#include "packet_engine.h"

namespace esp::sim {

// SA commands take the RTL 2-6 cycles (SA_STATUS.BUSY), the model none: poll as the driver
// does, then return the error code.
inline std::uint32_t sa_command_settled(esp::PacketEngine& e, unsigned op, unsigned handle) {
    e.write_reg(ESP_REG_SA_CMD, (op << ESP_REG_SA_CMD_OP_LSB) | (handle & ESP_REG_SA_CMD_HANDLE_MASK));
    std::uint32_t status = e.read_reg(ESP_REG_SA_STATUS);
    for (int i = 0; i < 100 && (status & ESP_REG_SA_STATUS_BUSY_MASK); ++i) status = e.read_reg(ESP_REG_SA_STATUS);
    REQUIRE_FALSE(status & ESP_REG_SA_STATUS_BUSY_MASK);
    return (status >> ESP_REG_SA_STATUS_ERROR_LSB) & ESP_REG_SA_STATUS_ERROR_MASK;
}

inline void same_result(const esp::PacketEngine::PacketResult& rtl, const esp::PacketEngine::PacketResult& model,
                        std::size_t index) {
    INFO("packet " << index << ": RTL result " << int(rtl.result) << " sa " << rtl.sa << " " << rtl.bytes.size()
                   << " bytes; model result " << int(model.result) << " sa " << model.sa << " " << model.bytes.size()
                   << " bytes");
    REQUIRE(int(rtl.result) == int(model.result));
    REQUIRE(rtl.sa == model.sa);
    REQUIRE(rtl.inbound == model.inbound);
    REQUIRE(rtl.bytes == model.bytes);
}

} // namespace esp::sim
