// libFuzzer target: what the server does with a `hello` token it did not
// necessarily issue — session::TokenSealer::open, then dialog::decode_state on
// whatever came out. The first input byte picks the path:
//   0: the rest is a token from the wire (garbage, truncated, foreign);
//   1: the rest is a tamper mask XORed over a genuine token, which must then
//      open to the genuine state or not at all;
//   else: the rest is state bytes given straight to decode_state (a token
//      only ever holds what the server sealed, but a leaked key must not turn
//      into memory corruption), which must round-trip through encode_state.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dialog/state.hpp"
#include "session/token.hpp"

namespace {

namespace dialog = guidechat::dialog;
namespace session = guidechat::session;

void require(bool ok) {
  if (!ok) std::abort();
}

const session::Clock::time_point kNow{std::chrono::seconds(1'800'000'000)};

const session::TokenSealer& sealer() {
  static const session::TokenSealer s =
      *session::TokenSealer::from_material("fuzzing key material, not a secret");
  return s;
}

void check_state(std::string_view bytes) {
  auto state = dialog::decode_state(bytes);
  if (!state.ok()) {
    require(!state.error().empty());
    return;
  }
  const std::string again = dialog::encode_state(*state);
  auto back = dialog::decode_state(again);
  require(back.ok());
  require(*back == *state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0]) {
    case 0: {
      auto opened = sealer().open(rest, kNow);
      if (opened.ok()) check_state(*opened);
      break;
    }
    case 1: {
      dialog::State genuine;
      genuine.flow = "symptom-check";
      genuine.node = "speech";
      genuine.answers.push_back({"duration", {"weeks"}});
      const std::string state = dialog::encode_state(genuine);
      std::string token = sealer().seal(state, kNow, std::chrono::hours(1));
      for (std::size_t i = 0; i < rest.size() && i < token.size(); ++i) token[i] ^= rest[i];
      auto opened = sealer().open(token, kNow);
      // GCM: any change to nonce, ciphertext or tag is caught; base64url may
      // map a change in the last character's unused bits to the same bytes.
      if (opened.ok()) require(*opened == state);
      break;
    }
    default:
      check_state(rest);
      break;
  }
  return 0;
}
