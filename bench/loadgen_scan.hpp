// A minimal, allocation-free reader of the few fields the load generator needs
// from a server frame (type, reply_to / id, error code, the pending ask and
// its first option, the first flow of a welcome). A full JSON parse of every
// reply would cost the client more CPU than the echo server's whole turn, and
// the client shares the machine with the server it measures, so it would
// penalise the bigger guidechat replies unfairly.
//
// Thread-safety: free function, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace guidechat::bench {

// Views into the scanned frame: valid while the frame's buffer is.
struct FrameView {
  std::string_view type;                    // "reply", "error", "welcome" or an echoed client type
  std::optional<std::int64_t> correlation;  // reply_to (reply/error) or id (echo)
  std::string_view code;                    // error code
  bool has_ask = false;
  std::string_view ask_id;
  std::string_view first_option;  // of the pending ask
  std::string_view first_label;   // of that option, raw JSON string content
  std::string_view first_flow;    // of a welcome
};

// Reads `frame`; false when it is not a well-formed JSON object.
bool scan_frame(std::string_view frame, FrameView& out);

// True for the types a client sends (what an echo server sends back).
bool is_client_type(std::string_view type);

}  // namespace guidechat::bench
