// Helpers shared by the server integration tests: finding parts in a reply
// and driving a guided flow to its outcome by always taking the first
// option, whatever the flows in dialogs/ say.
//
// Thread-safety: free functions; a WsClient is used by one thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws_client.hpp"

namespace guidechat::testing {

// The first part of `type` in a reply, or null.
inline nlohmann::json find_part(const nlohmann::json& reply, const std::string& type) {
  if (!reply.is_object() || !reply.contains("parts")) return nullptr;
  for (const auto& p : reply["parts"]) {
    if (p.value("type", "") == type) return p;
  }
  return nullptr;
}

// The choose message that answers `ask` with its first option.
inline nlohmann::json first_choice(const nlohmann::json& ask, int id) {
  return {{"type", "choose"},
          {"id", id},
          {"ask", ask["id"]},
          {"options", nlohmann::json::array({ask["options"][0]["id"]})}};
}

}  // namespace guidechat::testing
