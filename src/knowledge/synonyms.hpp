// Lay words and synonyms, kept as data (knowledge/synonyms.txt).
// (Being written: see the knowledge issue.)
#pragma once
namespace guidechat::knowledge {
class Synonyms {};
}  // namespace guidechat::knowledge
