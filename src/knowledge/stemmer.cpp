#include "knowledge/stemmer.hpp"

#include <sqlite3.h>

namespace guidechat::knowledge {

struct Stemmer::Impl {
  fts5_tokenizer api{};
  Fts5Tokenizer* tokenizer = nullptr;
};

namespace {

fts5_api* fts5_api_from_db(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

int take_first(void* ctx, int /*flags*/, const char* token, int n, int /*start*/, int /*end*/) {
  auto* out = static_cast<std::string*>(ctx);
  if (out->empty()) out->assign(token, static_cast<std::size_t>(n));
  return SQLITE_OK;
}

int call_fn(void* ctx, int /*flags*/, const char* token, int n, int start, int end) {
  (*static_cast<const Stemmer::TokenFn*>(ctx))(std::string_view(token, static_cast<std::size_t>(n)),
                                               static_cast<std::size_t>(start),
                                               static_cast<std::size_t>(end));
  return SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<Stemmer>> Stemmer::open(sqlite3* db) {
  fts5_api* api = fts5_api_from_db(db);
  if (api == nullptr) return Error{"SQLite has no FTS5"};
  std::unique_ptr<Stemmer> s(new Stemmer());
  s->impl_ = std::make_unique<Impl>();
  void* user_data = nullptr;
  if (api->xFindTokenizer(api, "porter", &user_data, &s->impl_->api) != SQLITE_OK) {
    return Error{"SQLite's FTS5 has no porter tokenizer"};
  }
  if (s->impl_->api.xCreate(user_data, nullptr, 0, &s->impl_->tokenizer) != SQLITE_OK) {
    return Error{"cannot create the porter tokenizer"};
  }
  return s;
}

Stemmer::~Stemmer() {
  if (impl_ && impl_->tokenizer) impl_->api.xDelete(impl_->tokenizer);
}

std::string Stemmer::stem(std::string_view word) const {
  std::string out;
  impl_->api.xTokenize(impl_->tokenizer, &out, FTS5_TOKENIZE_DOCUMENT, word.data(),
                       static_cast<int>(word.size()), take_first);
  return out;
}

}  // namespace guidechat::knowledge

namespace guidechat::knowledge {

void Stemmer::each(std::string_view text, const TokenFn& fn) const {
  impl_->api.xTokenize(impl_->tokenizer, const_cast<TokenFn*>(&fn), FTS5_TOKENIZE_DOCUMENT,
                       text.data(), static_cast<int>(text.size()), call_fn);
}

}  // namespace guidechat::knowledge
