// hls_compat.h: where the accelerator's HLS C++ gets ap_uint and hls::stream.
//
//   ap_uint       Xilinx's own ap_int.h when ESP_HLS_XILINX_TYPES is defined (CMake
//                 -DESP_XILINX_AP_TYPES=ON, include path ESP_AP_TYPES_DIR) or under
//                 Vitis HLS; otherwise esp_compat::ap_uint (esp_ap_compat.h), a
//                 bit-exact subset of it.
//   hls::stream   Xilinx's hls_stream.h under Vitis HLS (ESP_HLS_VITIS, __SYNTHESIS__);
//                 otherwise the project's own FIFO model (esp_stream_model.h).
//
// The sources use only what both ap_uint implementations provide (see esp_ap_compat.h),
// and the build and tests run with either (scripts/test.sh builds both).
//
// Pragmas: HLS code in this tree writes plain `#pragma HLS ...` as Vitis expects. g++
// would warn about them under -Wall (-Wunknown-pragmas), so the CMake target
// esp_hls_primitives adds -Wno-unknown-pragmas to its PUBLIC compile options; every HLS
// target (the ESP engine, the model) links esp_hls_primitives and inherits it.
#pragma once

#if defined(__SYNTHESIS__) || defined(ESP_HLS_VITIS)
#ifndef ESP_HLS_XILINX_TYPES
#define ESP_HLS_XILINX_TYPES 1
#endif
#include <hls_stream.h>
#else
#include "esp_stream_model.h"
#endif

#ifdef ESP_HLS_XILINX_TYPES
// g++ 12 reports flow warnings inside ap_private.h once its code is inlined into ours:
// -W(maybe-)uninitialized in its constructors (ap_private() leaves its word unset and
// later members read it) and -Waggressive-loop-optimizations in the reversed-range branch
// of range().get(). They carry the header's locations, so silencing them here leaves
// them on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Waggressive-loop-optimizations"
#include <ap_int.h>
#pragma GCC diagnostic pop
#else
#include "esp_ap_compat.h"
using esp_compat::ap_uint;
#endif
