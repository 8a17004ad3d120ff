// The line-based data files (synonyms, word lists): read a line at a time,
// each without its comment ('#' to the end of the line), with its number for
// error messages.
//
// Thread-safety: a DataLines is used by one thread; it views the text it is
// given, which must outlive it.
#pragma once

#include <cstddef>
#include <string_view>

namespace guidechat::text {

class DataLines {
 public:
  explicit DataLines(std::string_view text) : text_(text) {}

  // The next line with its comment removed (it may be left empty); false at
  // the end of the text.
  bool next(std::string_view* line) {
    if (at_ >= text_.size()) return false;
    auto nl = text_.find('\n', at_);
    if (nl == std::string_view::npos) nl = text_.size();
    *line = text_.substr(at_, nl - at_);
    at_ = nl + 1;
    ++number_;
    if (auto hash = line->find('#'); hash != std::string_view::npos) *line = line->substr(0, hash);
    return true;
  }
  // The number of the line next() gave last, from 1.
  int number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  int number_ = 0;
};

}  // namespace guidechat::text
