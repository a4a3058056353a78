// Wire protocol between `espsim serve` (one simulated card) and its clients
// (libespdrv's sim: backend), over a UNIX stream socket.
//
// Every message is a frame: u32 length of what follows, u32 kind, body; all
// integers in host byte order (both ends are on one machine).
//   kind IOCTL   request: u32 cmd, then _IOC_SIZE(cmd) bytes of the uapi struct
//                reply:   i32 status (0 or -errno), then the struct as the core left it
//   kind INJECT  request: u8 inbound, u8 0, u16 sa handle, then the packet
//                reply:   u8 result (drop code), u8 0, u16 sa, u32 0, u64 card cycles, then the packet out
//   kind EVENTS  request: u32 timeout in ms, u32 most events wanted
//                reply:   u32 count, then count struct esp_event
// Requests are answered in order. INJECTs a client sends without waiting for their replies
// (already queued on the socket when the server reads) go into the card as one stream, back
// to back; their card cycles are then each packet's (the cycle after its last output beat).
// A frame longer than kMaxFrame or of unknown kind closes the connection.
#pragma once

#include <cstdint>

namespace espdrv::sim {

enum Kind : uint32_t { kIoctl = 1, kInject = 2, kEvents = 3 };

constexpr uint32_t kMaxFrame = 64 * 1024;
constexpr uint32_t kMaxEventsPerRead = 256;
constexpr uint32_t kMaxEventWaitMs = 60 * 1000;

} // namespace espdrv::sim
