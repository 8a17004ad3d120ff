#include "cli/output.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

#include "session/content.hpp"

namespace guidechat::cli {

namespace {

const char* level_banner(const std::string& level) {
  if (level == "urgent") return "*** GET HELP NOW ***";
  if (level == "doctor") return "*** SEE A DOCTOR ***";
  return "*** WHAT YOU CAN DO AT HOME ***";
}

}  // namespace

void print_parts(const std::vector<protocol::Part>& parts) {
  using protocol::PartType;
  for (const auto& p : parts) {
    switch (p.type) {
      case PartType::kText:
        std::cout << p.text << "\n";
        break;
      case PartType::kAnswer:
        std::cout << "\n" << p.text << "\n  (from the guide: \"" << p.source.title << "\")\n";
        break;
      case PartType::kOutcome:
        std::cout << "\n"
                  << level_banner(p.level) << "\n"
                  << p.text << "\n  (from "
                  << (p.source.guide_title.empty() ? "the guide" : p.source.guide_title) << ": \""
                  << p.source.title << "\")\n";
        break;
      case PartType::kContact:
        std::cout << "\n" << p.text << "\n";
        if (!p.emergency_phone.empty()) std::cout << "  Emergency: " << p.emergency_phone << "\n";
        if (!p.phone.empty()) std::cout << "  Phone: " << p.phone << "\n";
        if (!p.hours.empty()) std::cout << "  Hours: " << p.hours << "\n";
        if (!p.url.empty()) std::cout << "  " << p.url << "\n";
        break;
      case PartType::kAsk:
        std::cout << "\n" << p.text << "\n";
        for (std::size_t i = 0; i < p.options.size(); ++i) {
          std::cout << "  " << i + 1 << ") " << p.options[i].label << "\n";
        }
        std::cout << (p.multiple ? "(type one or more numbers, or answer in your own words)\n"
                                 : "(type a number, or answer in your own words)\n");
        break;
      case PartType::kFallback:
        std::cout << p.text << "\n";
        if (!p.suggestions.empty()) std::cout << "The guide covers, for example:\n";
        for (const auto& s : p.suggestions) std::cout << "  - " << s << "\n";
        break;
      case PartType::kSummary:
        std::cout << "\n--- Summary for the doctor ---\n";
        for (const auto& item : p.items) {
          std::cout << "- " << item.question << "\n    " << item.answer << "\n";
        }
        std::cout << p.text << "\n------------------------------\n";
        break;
    }
  }
}

void add_content_options(CLI::App* cmd, std::string* knowledge_dir, std::string* dialogs_dir) {
  auto paths = session::default_content_paths();
  *knowledge_dir = paths.knowledge.string();
  *dialogs_dir = paths.dialogs.string();
  cmd->add_option("--knowledge", *knowledge_dir, "Directory of guides (*.md)")
      ->envname("GUIDECHAT_KNOWLEDGE")
      ->capture_default_str();
  cmd->add_option("--dialogs", *dialogs_dir, "Directory of flows (*.json)")
      ->envname("GUIDECHAT_DIALOGS")
      ->capture_default_str();
}

Result<session::TokenSealer> sealer_from_env() {
  const char* key = std::getenv("GUIDECHAT_SESSION_KEY");
  if (key == nullptr || *key == '\0') return session::TokenSealer::random();
  auto sealer = session::TokenSealer::from_material(key);
  if (!sealer.ok()) return Error{"GUIDECHAT_SESSION_KEY: " + sealer.error()};
  return sealer;
}

}  // namespace guidechat::cli
