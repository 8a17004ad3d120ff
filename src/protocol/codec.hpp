// JSON codec of the chat protocol: turns one client frame into a
// ClientMessage (or a ProtocolError with the exact code), and builds the
// server's welcome / reply / error frames.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "protocol/message.hpp"

namespace guidechat::protocol {

struct Parsed {
  std::optional<ClientMessage> message;  // set on success
  std::optional<ProtocolError> error;    // set on failure
  MessageId id;                          // the client's id when it could be read
};

// Never throws. Invalid UTF-8, deep nesting, wrong types, unknown types and
// over-long fields all come back as errors.
Parsed parse_client(std::string_view frame);

// `guides`: written when not empty (several guides loaded).
std::string build_welcome(std::string_view session, const std::vector<FlowInfo>& flows,
                          const std::vector<Part>& parts,
                          const std::vector<GuideInfo>& guides = {});
// `reset`: the reply starts the conversation afresh ("reset": true).
std::string build_reply(const MessageId& reply_to, std::string_view session,
                        const std::vector<Part>& parts, bool reset = false);
std::string build_error(const MessageId& reply_to, ErrorCode code, std::string_view message);

nlohmann::json part_to_json(const Part& part);
nlohmann::json reply_to_json(const MessageId& reply_to, std::string_view session,
                             const std::vector<Part>& parts);

}  // namespace guidechat::protocol
