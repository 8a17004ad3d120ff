#include "session/token.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/limits.hpp"
#include "common/text.hpp"

namespace guidechat::session {

namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kExpiryBytes = 8;
// Encoded dialog states are tens of bytes (dialog/state.hpp); larger ones
// are sealed from the heap.
constexpr std::size_t kSmallState = 256;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void base64url_append(const unsigned char* in, std::size_t size, std::string* out) {
  out->reserve(out->size() + (size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < size; i += 3) {
    unsigned v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    for (int s = 18; s >= 0; s -= 6) out->push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i + 1 == size) {
    unsigned v = in[i] << 16;
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
  } else if (i + 2 == size) {
    unsigned v = (in[i] << 16) | (in[i + 1] << 8);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
  }
}

bool base64url_decode(std::string_view in, std::vector<unsigned char>* out) {
  if (in.size() % 4 == 1) return false;
  out->clear();
  out->reserve(in.size() * 3 / 4);
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') {
      d = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      d = c - '0' + 52;
    } else if (c == '-') {
      d = 62;
    } else if (c == '_') {
      d = 63;
    } else {
      return false;
    }
    v = (v << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<unsigned char>((v >> bits) & 0xFF));
    }
  }
  // The bits left over in the last character must be zero: otherwise one
  // token would have several spellings that all open.
  return (v & ((1u << bits) - 1)) == 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// AES-256-GCM, fetched once: EVP_aes_256_gcm() would look it up again on
// every initialisation.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

// Nonces come from a per-thread buffer of CSPRNG output refilled every
// kNonceBatch seals: one RAND_bytes call per token cost more than the
// encryption. The bytes are as random as RAND_bytes's; the server never
// forks after start (a forked child would repeat the parent's buffer).
constexpr std::size_t kNonceBatch = 256;

void next_nonce(unsigned char* nonce) {
  thread_local std::array<unsigned char, kNonceBatch * kNonceBytes> pool;
  thread_local std::size_t used = kNonceBatch;
  if (used == kNonceBatch) {
    if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) std::abort();
    used = 0;
  }
  std::copy_n(pool.data() + used * kNonceBytes, kNonceBytes, nonce);
  // Used bytes are wiped so that no nonce is ever handed out twice.
  std::fill_n(pool.data() + used * kNonceBytes, kNonceBytes, 0);
  ++used;
}

// This thread's encryption context, keyed for the sealer `key_id` (one
// key schedule per thread and key instead of one per seal).
EVP_CIPHER_CTX* thread_encrypt_context(const std::array<std::uint8_t, TokenSealer::kKeyBytes>& key,
                                       std::uint64_t key_id) {
  struct Slot {
    CipherCtx ctx{nullptr, &EVP_CIPHER_CTX_free};
    std::uint64_t key_id = 0;
  };
  thread_local Slot slot;
  if (!slot.ctx) slot.ctx.reset(EVP_CIPHER_CTX_new());
  if (!slot.ctx) return nullptr;
  if (slot.key_id != key_id) {
    if (EVP_EncryptInit_ex(slot.ctx.get(), aes_256_gcm(), nullptr, key.data(), nullptr) != 1) {
      slot.key_id = 0;
      return nullptr;
    }
    slot.key_id = key_id;
  }
  return slot.ctx.get();
}

std::atomic<std::uint64_t> g_next_key_id{1};

}  // namespace

TokenSealer::TokenSealer(const std::array<std::uint8_t, kKeyBytes>& key)
    : key_(key), key_id_(g_next_key_id.fetch_add(1)) {}

Result<TokenSealer> TokenSealer::from_material(std::string_view material) {
  material = text::trim(material);
  std::array<std::uint8_t, kKeyBytes> key{};
  bool hex = material.size() == 2 * kKeyBytes;
  for (std::size_t i = 0; hex && i < material.size(); ++i) hex = hex_value(material[i]) >= 0;
  if (hex) {
    for (std::size_t i = 0; i < kKeyBytes; ++i) {
      key[i] = static_cast<std::uint8_t>(hex_value(material[2 * i]) * 16 +
                                         hex_value(material[2 * i + 1]));
    }
    return TokenSealer(key);
  }
  if (material.size() < 16) {
    return Error{"session key must be 64 hex digits or a passphrase of at least 16 characters"};
  }
  // A passphrase is stretched with PBKDF2-HMAC-SHA256: each guess at it
  // costs an attacker holding a token the same fraction of a second. The
  // salt is fixed (every replica must derive the same key from the same
  // passphrase) but guidechat's own, so no table made for plain SHA-256 or
  // another product's derivation applies.
  if (PKCS5_PBKDF2_HMAC(material.data(), static_cast<int>(material.size()),
                        reinterpret_cast<const unsigned char*>(limits::kPassphraseSalt),
                        static_cast<int>(std::strlen(limits::kPassphraseSalt)),
                        limits::kPassphraseIterations, EVP_sha256(), static_cast<int>(key.size()),
                        key.data()) != 1) {
    return Error{"cannot derive the session key from the passphrase"};
  }
  return TokenSealer(key);
}

Result<TokenSealer> TokenSealer::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read session key file " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  auto sealer = from_material(ss.str());
  if (!sealer.ok()) return Error{path + ": " + sealer.error()};
  return sealer;
}

TokenSealer TokenSealer::random() {
  std::array<std::uint8_t, kKeyBytes> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) std::abort();
  return TokenSealer(key);
}

std::string TokenSealer::seal(std::string_view state, Clock::time_point now,
                              std::chrono::seconds ttl) const {
  std::int64_t expiry =
      std::chrono::duration_cast<std::chrono::seconds>((now + ttl).time_since_epoch()).count();
  // nonce | expiry | state | tag, encrypted in place; on the stack for the
  // usual few dozen bytes of state.
  const std::size_t plain_len = kExpiryBytes + state.size();
  const std::size_t total = kNonceBytes + plain_len + kTagBytes;
  std::array<unsigned char, kNonceBytes + kExpiryBytes + kSmallState + kTagBytes> small;
  std::vector<unsigned char> large;
  unsigned char* buf = small.data();
  if (total > small.size()) {
    large.resize(total);
    buf = large.data();
  }
  unsigned char* plain = buf + kNonceBytes;
  for (std::size_t i = 0; i < kExpiryBytes; ++i) {
    plain[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(expiry) >> (56 - 8 * i));
  }
  std::copy(state.begin(), state.end(), plain + kExpiryBytes);

  // A fresh random nonce per token: with 96 bits, collisions under one key
  // stay negligible for far more tokens than a clinic will ever issue.
  next_nonce(buf);
  EVP_CIPHER_CTX* ctx = thread_encrypt_context(key_, key_id_);
  int len = 0;
  bool ok = ctx != nullptr;
  // Only the nonce changes between seals: the key schedule is kept.
  ok = ok && EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, buf) == 1;
  ok = ok &&
       EVP_EncryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(kPrefix.data()),
                         static_cast<int>(kPrefix.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx, plain, &len, plain, static_cast<int>(plain_len)) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx, plain + len, &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, plain + plain_len) == 1;
  if (!ok) std::abort();  // only on OpenSSL allocation failure
  std::string token(kPrefix);
  base64url_append(buf, total, &token);
  return token;
}

Result<std::string> TokenSealer::open(std::string_view token, Clock::time_point now) const {
  if (token.size() > limits::kMaxTokenChars) return Error{"token too long"};
  if (token.substr(0, kPrefix.size()) != kPrefix) return Error{"unknown token version"};
  std::vector<unsigned char> raw;
  if (!base64url_decode(token.substr(kPrefix.size()), &raw)) return Error{"token is not base64url"};
  if (raw.size() < kNonceBytes + kExpiryBytes + kTagBytes) return Error{"token too short"};

  const std::size_t cipher_len = raw.size() - kNonceBytes - kTagBytes;
  std::vector<unsigned char> plain(cipher_len);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key_.data(), raw.data()) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                               reinterpret_cast<const unsigned char*>(kPrefix.data()),
                               static_cast<int>(kPrefix.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), plain.data(), &len, raw.data() + kNonceBytes,
                               static_cast<int>(cipher_len)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                                 raw.data() + kNonceBytes + cipher_len) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) == 1;
  if (!ok) return Error{"token is not authentic"};

  std::uint64_t expiry = 0;
  for (std::size_t i = 0; i < kExpiryBytes; ++i) expiry = (expiry << 8) | plain[i];
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (static_cast<std::int64_t>(expiry) < now_s) return Error{"token expired"};
  return std::string(plain.begin() + kExpiryBytes, plain.end());
}

}  // namespace guidechat::session
