// libFuzzer target: protocol::parse_client, the first code every byte from
// the network reaches. Besides "never crashes" (ASan/UBSan do that part) it
// checks the codec's promises: exactly one of message/error, every accepted
// field within its limit, and every frame the server would answer with is
// valid JSON that echoes the client's id; and it must agree with the
// reference (tree-based) parser on every input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "../protocol/reference_codec.hpp"
#include "common/limits.hpp"
#include "common/text.hpp"
#include "protocol/codec.hpp"

namespace {

using guidechat::protocol::MessageId;
namespace limits = guidechat::limits;
namespace protocol = guidechat::protocol;

// A broken promise is a crash, so that libFuzzer saves the input.
void require(bool ok) {
  if (!ok) std::abort();
}

void require_id_echoed(const nlohmann::json& frame, const MessageId& id) {
  if (std::holds_alternative<std::monostate>(id)) {
    require(!frame.contains("reply_to"));
  } else if (const auto* s = std::get_if<std::string>(&id)) {
    require(frame.at("reply_to") == *s);
  } else {
    require(frame.at("reply_to") == std::get<std::int64_t>(id));
  }
}

void require_valid_message(const protocol::ClientMessage& m) {
  if (const auto* s = std::get_if<std::string>(&m.id)) require(s->size() <= limits::kMaxIdChars);
  switch (m.type) {
    case protocol::ClientType::kSay:
      require(!guidechat::text::trim(m.text).empty());
      require(m.text.size() <= limits::kMaxSayBytes);
      require(guidechat::text::valid_utf8(m.text));
      break;
    case protocol::ClientType::kChoose:
      require(!m.ask.empty() && m.ask.size() <= limits::kMaxIdChars);
      require(!m.options.empty());
      for (const auto& o : m.options) require(!o.empty() && o.size() <= limits::kMaxIdChars);
      break;
    case protocol::ClientType::kStart:
      require(!m.flow.empty() && m.flow.size() <= limits::kMaxIdChars);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const protocol::Parsed p = protocol::parse_client(frame);
  require(p.message.has_value() != p.error.has_value());
  // The one-pass reader says exactly what the first, tree-based one said.
  require(protocol::reference::describe(p) ==
          protocol::reference::describe(protocol::reference::parse_client(frame)));

  if (p.error) {
    require(!p.error->message.empty());
    require(!protocol::code_name(p.error->code).empty());
    const std::string out = protocol::build_error(p.id, p.error->code, p.error->message);
    require(out == protocol::reference::build_error(p.id, p.error->code, p.error->message));
    const auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    require(j.is_object() && j.at("type") == "error");
    require(j.at("code") == protocol::code_name(p.error->code));
    require_id_echoed(j, p.id);
    return 0;
  }

  // Accepted: the input was JSON, and everything in it respects the limits.
  require(nlohmann::json::accept(frame));
  require_valid_message(*p.message);
  // The server may echo the text back (e.g. a summary answer); the frame
  // must still be valid JSON holding exactly that text.
  const std::vector<protocol::Part> parts = {
      protocol::Part::Text(p.message->text + p.message->flow)};
  const std::string out = protocol::build_reply(p.id, "v1.token", parts);
  require(out == protocol::reference::build_reply(p.id, "v1.token", parts));
  const auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  require(j.is_object() && j.at("type") == "reply");
  require(j.at("parts").at(0).at("text") == p.message->text + p.message->flow);
  require_id_echoed(j, p.id);
  return 0;
}
