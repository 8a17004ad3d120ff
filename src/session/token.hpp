// Sealed session tokens: the conversation state, with a format version and an
// expiry, encrypted and authenticated with AES-256-GCM (OpenSSL). The server
// keeps nothing; any replica holding the same key can open a token.
//
// Wire form: "v1." + base64url(nonce[12] | ciphertext | tag[16]), where the
// plaintext is expiry (unix seconds, 8 bytes big-endian) followed by the
// encoded state. The prefix is bound as additional authenticated data.
//
// Thread-safety: a TokenSealer is immutable; seal() and open() are const and
// safe to call concurrently (seal() uses a cipher context and a buffer of
// random nonces kept per thread; open() its own context per call).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace guidechat::session {

using Clock = std::chrono::system_clock;

class TokenSealer {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // `material`: 64 hex digits (the key itself) or any passphrase of at
  // least 16 characters (the key is derived with PBKDF2-HMAC-SHA256,
  // limits::kPassphraseIterations rounds: a fraction of a second).
  static Result<TokenSealer> from_material(std::string_view material);
  // Reads the key material from a file (trailing whitespace ignored).
  static Result<TokenSealer> from_file(const std::string& path);
  // A fresh random key: tokens die with the process.
  static TokenSealer random();

  std::string seal(std::string_view state, Clock::time_point now, std::chrono::seconds ttl) const;
  // The state sealed in `token`; an error when it is malformed, tampered
  // with, sealed with another key, or expired at `now`.
  Result<std::string> open(std::string_view token, Clock::time_point now) const;

 private:
  explicit TokenSealer(const std::array<std::uint8_t, kKeyBytes>& key);
  std::array<std::uint8_t, kKeyBytes> key_;
  std::uint64_t key_id_;  // names the key in each thread's cached cipher context
};

}  // namespace guidechat::session
