// The first, tree-based implementation of the protocol codec, kept as a test
// oracle for the fast one (see reference_codec.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/codec.hpp"

namespace guidechat::protocol::reference {

Parsed parse_client(std::string_view frame);
std::string build_welcome(std::string_view session, const std::vector<FlowInfo>& flows,
                          const std::vector<Part>& parts,
                          const std::vector<GuideInfo>& guides = {});
// `reset`: the reply starts the conversation afresh ("reset": true).
std::string build_reply(const MessageId& reply_to, std::string_view session,
                        const std::vector<Part>& parts, bool reset = false);
std::string build_error(const MessageId& reply_to, ErrorCode code, std::string_view message);
nlohmann::json part_to_json(const Part& part);

// Everything a Parsed says (message fields, or error code, text and id) as
// one comparable string, for checking two parsers against each other.
std::string describe(const Parsed& p);

}  // namespace guidechat::protocol::reference
