#include "dialog/engine.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/limits.hpp"
#include "common/text.hpp"
#include "dialog/answer_matcher.hpp"
#include "dialog/phrases.hpp"
#include "dialog/router.hpp"
#include "dialog/summary.hpp"
#include "dialog/understanding.hpp"

namespace guidechat::dialog {

using protocol::ErrorCode;
using protocol::Part;

namespace {

// Info nodes can chain; a loop the checker would refuse must still not hang.
constexpr int kMaxSteps = 64;
constexpr double kScriptedScore = 1.0;  // guide text picked by the flow, not by search
// Parts a turn that walks a flow usually has (intro, info, ask; outcome,
// tips, closing text): room for them up front saves growing the vector
// (and moving parts) one at a time.
constexpr std::size_t kTypicalParts = 4;
// The trace's name for an answer that is not an option of its ask (callers
// check against the ask first, so never in practice).
constexpr std::string_view kUnknownOption = "?";
// Guides named by title in the greeting; more are summed up by "…".
constexpr std::size_t kGuidesNamed = 3;

// The id of the next node (a view of the flow's), or empty.
std::string_view route(const std::vector<Route>& routes, const std::vector<SlotAnswer>& answers) {
  for (const Route& r : routes) {
    if (r.when.holds(answers)) return r.next;
  }
  return {};
}

void set_answer(State* s, const std::string& slot, std::vector<std::string> ids) {
  for (SlotAnswer& a : s->answers) {
    if (a.slot == slot) {
      a.options = std::move(ids);
      return;
    }
  }
  s->answers.push_back({slot, std::move(ids)});
}

// `text` with each {name} replaced.
std::string fill(std::string text,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
  for (const auto& [name, value] : values) {
    for (auto at = text.find(name); at != std::string::npos;
         at = text.find(name, at + value.size())) {
      text.replace(at, name.size(), value);
    }
  }
  return text;
}

Turn fail(const State& state, ErrorCode code, std::string message) {
  Turn t;
  t.state = state;
  t.error = protocol::ProtocolError{code, std::move(message)};
  return t;
}

}  // namespace

struct Engine::Compiled {
  Compiled(const FlowSet& flows, const knowledge::Index* index)
      : breaks(flows.language().clause_breaks),
        router(flows),
        understander(flows.analyzer(), flows.topic(), index) {
    for (const auto& w : flows.language().corrections) corrections.add(w, 0);
    for (const auto& w : flows.language().back_references) back_references.add(w, 0);
    for (const auto& w : flows.language().additions) additions.add(w, 0);
    for (const Flow& f : flows.flows()) {
      for (const Node& n : f.nodes) {
        if (n.type == NodeType::kAsk) {
          matchers.emplace(
              &n, AnswerMatcher(n, flows.language(), flows.language_data(), flows.lexicon()));
        }
      }
    }
  }
  WordSet breaks;
  Router router;
  Understander understander;
  PhraseSet corrections;      // "actually", "oops": an earlier answer may be corrected
  PhraseSet back_references;  // "the last one": an earlier answer is named
  PhraseSet additions;        // "as well": a correction adds
  // By ask node: the flows are immutable and outlive this (the engine holds both).
  std::unordered_map<const Node*, AnswerMatcher> matchers;
};

namespace {

// Fills `p` (a new Part) as the ask part of `ask`.
void fill_ask(const Node& ask, Part* p) {
  p->type = protocol::PartType::kAsk;
  p->id = ask.id;
  p->text = ask.text;
  p->multiple = ask.multiple;
  p->free_text = true;
  p->options.reserve(ask.options.size());
  for (const auto& o : ask.options) p->options.push_back({o.id, o.label});
}

// Appends the ask part of `ask`, built in place: a Part is large, and moving
// one into the vector cost about as much as filling it.
void append_ask(const Node& ask, std::vector<Part>* parts) {
  fill_ask(ask, &parts->emplace_back());
}

}  // namespace

Part ask_part(const Node& ask) {
  Part p;
  fill_ask(ask, &p);
  return p;
}

Engine::Engine(std::shared_ptr<const FlowSet> flows, std::shared_ptr<const knowledge::Index> index)
    : flows_(std::move(flows)),
      index_(std::move(index)),
      compiled_(std::make_shared<Compiled>(*flows_, index_.get())) {}

std::vector<protocol::FlowInfo> Engine::flows() const {
  const bool several = index_ != nullptr && index_->knowledge().guides().size() > 1;
  std::vector<protocol::FlowInfo> out;
  for (const Flow& f : flows_->flows()) out.push_back({f.id, f.title, several ? f.guide : ""});
  return out;
}

std::vector<protocol::GuideInfo> Engine::guides() const {
  std::vector<protocol::GuideInfo> out;
  if (index_ == nullptr || index_->knowledge().guides().size() < 2) return out;
  for (const auto& g : index_->knowledge().guides()) out.push_back({g.id, g.title});
  return out;
}

std::vector<Part> Engine::greeting() const {
  // "{guides}": the guides' titles, so the greeting says what it knows
  // without naming a subject in the language data.
  std::string titles;
  if (index_ != nullptr) {
    const auto& guides = index_->knowledge().guides();
    for (std::size_t i = 0; i < guides.size() && i < kGuidesNamed; ++i) {
      titles += (i == 0 ? "" : (i + 1 == guides.size() ? " and " : ", ")) + guides[i].title;
    }
    if (guides.size() > kGuidesNamed) titles += ", …";
  }
  return {Part::Text(fill(flows_->language().greeting, {{"{guides}", titles}}))};
}

const Node* Engine::pending(const State& state, const Flow** flow) const {
  if (state.flow.empty() || state.node.empty()) return nullptr;
  const Flow* f = flows_->find(state.flow);
  if (f == nullptr) return nullptr;
  const Node* n = f->find(state.node);
  if (n == nullptr || n->type != NodeType::kAsk) return nullptr;
  *flow = f;
  return n;
}

Turn Engine::resume(const State& state) const {
  Turn t;
  t.state = state;
  const Flow* flow = nullptr;
  const Node* ask = pending(state, &flow);
  if (ask == nullptr) {
    // A token from before the flows were edited: keep the answers, drop the position.
    t.state.flow.clear();
    t.state.node.clear();
  }
  t.parts.push_back(Part::Text(flows_->language().welcome_back));
  if (ask != nullptr) append_ask(*ask, &t.parts);
  return t;
}

Turn Engine::handle(const State& state, const protocol::ClientMessage& message) const {
  State s = state;
  const Flow* flow = nullptr;
  if (pending(s, &flow) == nullptr) {
    // A content reload removed the question this conversation was on: say so
    // plainly instead of a bare "not the pending one".
    const Flow* f = s.flow.empty() ? nullptr : flows_->find(s.flow);
    bool gone = !s.node.empty() && (f == nullptr || f->find(s.node) == nullptr);
    if (gone && message.type == protocol::ClientType::kChoose) {
      return fail(state, ErrorCode::kUnknownAsk,
                  "the questions were updated since this conversation started; please start "
                  "them again");
    }
    s.flow.clear();
    s.node.clear();
  }
  switch (message.type) {
    case protocol::ClientType::kHello:
      return resume(state);
    case protocol::ClientType::kSay:
      return say(std::move(s), message.text, message.guide);
    case protocol::ClientType::kChoose:
      return choose(std::move(s), message);
    case protocol::ClientType::kStart: {
      const Flow* f = flows_->find(message.flow);
      if (f == nullptr) return fail(state, ErrorCode::kUnknownFlow, "no flow with that id");
      return start(std::move(s), *f);
    }
    case protocol::ClientType::kSummary: {
      Turn t;
      t.state = std::move(s);
      t.parts.push_back(build_summary(*flows_, t.state));
      const Flow* f = nullptr;
      if (const Node* ask = pending(t.state, &f)) append_ask(*ask, &t.parts);
      return t;
    }
    case protocol::ClientType::kReset: {
      Turn t;
      t.reset = true;
      t.parts.push_back(Part::Text(flows_->language().reset));
      return t;
    }
  }
  return fail(state, ErrorCode::kBadMessage, "unknown message type");
}

Turn Engine::start(State state, const Flow& flow) const {
  Turn t;
  t.parts.reserve(kTypicalParts);
  // A new run of a flow forgets that flow's earlier answers, so its routing
  // only ever sees answers given in this run.
  std::erase_if(state.answers, [&](const SlotAnswer& a) {
    return std::any_of(flow.nodes.begin(), flow.nodes.end(),
                       [&](const Node& n) { return n.type == NodeType::kAsk && n.slot == a.slot; });
  });
  t.state = std::move(state);
  if (!flow.intro.empty()) t.parts.push_back(Part::Text(flow.intro));
  enter(flow, flow.start, &t);
  return t;
}

Turn Engine::choose(State state, const protocol::ClientMessage& message) const {
  const Flow* flow = nullptr;
  const Node* ask = pending(state, &flow);
  if (ask == nullptr || message.ask != ask->id) {
    return fail(state, ErrorCode::kUnknownAsk, "that question is not the pending one");
  }
  if (message.options.empty()) return fail(state, ErrorCode::kBadOption, "choose an option");
  for (const auto& id : message.options) {
    if (ask->option(id) == nullptr) {
      return fail(state, ErrorCode::kBadOption, "unknown option for this question");
    }
  }
  std::vector<std::string> ids = normalize_choice(*ask, message.options);
  if (!ask->multiple && ids.size() != 1) {
    return fail(state, ErrorCode::kBadOption, "this question takes one option");
  }
  Turn t;
  t.parts.reserve(kTypicalParts);
  t.state = std::move(state);
  answer(*flow, *ask, std::move(ids), &t);
  return t;
}

void Engine::answer(const Flow& flow, const Node& ask, std::vector<std::string> ids,
                    Turn* turn) const {
  for (const auto& id : ids) {
    // The option's own id, not `id`: that one is moved into the state below.
    const AskOption* o = ask.option(id);
    turn->trace.push_back({flow.id, ask.id, o != nullptr ? o->id : kUnknownOption});
  }
  std::string_view next;
  if (!ask.multiple) {
    const AskOption* o = ask.option(ids.front());
    set_answer(&turn->state, ask.slot, std::move(ids));
    if (o != nullptr && !o->next.empty()) next = route(o->next, turn->state.answers);
  } else {
    set_answer(&turn->state, ask.slot, std::move(ids));
  }
  if (next.empty()) next = route(ask.next, turn->state.answers);
  enter(flow, next, turn);
}

void Engine::enter(const Flow& flow, std::string_view node_id, Turn* turn) const {
  State& s = turn->state;
  for (int step = 0; step < kMaxSteps; ++step) {
    const Node* n = flow.find(node_id);
    if (n == nullptr) break;
    turn->trace.push_back({flow.id, n->id, ""});
    switch (n->type) {
      case NodeType::kAsk:
        s.flow = flow.id;
        s.node = n->id;
        append_ask(*n, &turn->parts);
        return;
      case NodeType::kInfo:
        for (const auto& c : n->content) {
          turn->parts.push_back(
              Part::Answer(c.text, source(c.guide, c.section, c.title), kScriptedScore));
        }
        node_id = route(n->next, s.answers);
        continue;
      case NodeType::kOutcome: {
        s.flow.clear();
        s.node.clear();
        if (n->content.empty()) {  // refused by the checker: never show a sourceless outcome
          turn->parts.push_back(Part::Text(flows_->language().not_understood));
          return;
        }
        const GuideText& c = n->content.front();
        turn->parts.push_back(Part::Outcome(n->level, c.text, source(c.guide, c.section, c.title)));
        std::vector<const std::string*> shown{&c.text};
        for (const auto& tip : n->tips) {
          if (!tip.when.holds(s.answers)) continue;
          bool dup = std::any_of(shown.begin(), shown.end(),
                                 [&](const std::string* x) { return *x == tip.text; });
          if (dup) continue;
          shown.push_back(&tip.text);
          turn->parts.push_back(
              Part::Answer(tip.text, source(tip.guide, tip.section, tip.title), kScriptedScore));
        }
        turn->parts.push_back(Part::Text(flows_->language().after_outcome));
        return;
      }
      case NodeType::kSummary:
        s.flow.clear();
        s.node.clear();
        turn->parts.push_back(build_summary(*flows_, s));
        if (!n->text.empty()) turn->parts.push_back(Part::Text(n->text));
        return;
    }
  }
  // Only a flow that failed its checks gets here: end it rather than hang.
  s.flow.clear();
  s.node.clear();
  turn->parts.push_back(Part::Text(flows_->language().not_understood));
}

void Engine::escalate(const SafetyFindings& found, Turn* turn) const {
  State& s = turn->state;
  // What was said is remembered for the summary: emergency kinds, then the
  // guide's urgent signs, each once, in the files' order.
  std::vector<std::string> said;
  for (const SlotAnswer& a : s.answers) {
    if (a.slot == kRedFlagSlot) said = a.options;
  }
  for (const EmergencyKind* e : found.emergencies) said.push_back(e->id);
  said.insert(said.end(), found.urgent_signs.begin(), found.urgent_signs.end());
  std::vector<std::string> ordered;
  auto keep = [&](const std::string& id) {
    if (std::find(said.begin(), said.end(), id) != said.end()) ordered.push_back(id);
  };
  for (const auto& e : flows_->emergencies()) keep(e.id);
  for (const auto& f : flows_->red_flags()) keep(f.id);
  set_answer(&s, kRedFlagSlot, std::move(ordered));
  // A flow in progress is paused, not lost: its question stays pending, and
  // is asked again once the person goes on.
  if (!found.emergencies.empty()) {
    const Clinic& clinic = flows_->clinic();
    std::size_t shown = 0;
    for (const EmergencyKind* e : found.emergencies) {
      if (shown++ == limits::kMaxEmergenciesShown) break;
      Part p = Part::Outcome(
          "urgent", fill_numbers(e->text, clinic, flows_->unset_numbers()),
          {e->id, e->title, std::string(kEmergencyGuide), flows_->emergency_source()});
      p.emergency = e->id;
      turn->parts.push_back(std::move(p));
    }
    if (!clinic.emergency_number.empty() || !clinic.phone.empty()) {
      Part c = Part::Contact(clinic.name);
      c.emergency_phone = clinic.emergency_number;
      c.phone = clinic.phone;
      c.hours = clinic.hours;
      c.url = clinic.booking_url;
      turn->parts.push_back(std::move(c));
    }
    return;
  }
  const Node& u = flows_->urgent();
  turn->trace.push_back({"", u.id, ""});
  if (!u.content.empty()) {
    const GuideText& c = u.content.front();
    turn->parts.push_back(Part::Outcome(u.level, c.text, source(c.guide, c.section, c.title)));
  }
  turn->parts.push_back(Part::Text(flows_->language().after_outcome));
}

bool Engine::answer_question(const Question& q, Turn* turn, std::vector<std::string>* suggestions,
                             std::string* guide) const {
  if (index_ == nullptr) return false;
  // Each guide the question may be about is searched on its own; the most
  // confident answers, and a second guide when the question fits it as
  // well, or it is nearly as sure of its answer.
  struct Asked {
    knowledge::GuideFit fit;
    knowledge::SearchResult result;
  };
  std::vector<Asked> results;
  double best_fit = 0;
  for (const knowledge::GuideFit& f : guides_asked(q)) {
    results.push_back({f, index_->search_in(f.guide, q.search_text(), q.doctor ? 5 : 3)});
    best_fit = std::max(best_fit, f.share);
  }
  std::stable_sort(results.begin(), results.end(), [](const Asked& a, const Asked& b) {
    return a.result.confidence > b.result.confidence;
  });
  std::size_t answered = 0;
  for (const auto& [fit, r] : results) {
    const std::string& g = fit.guide;
    if (suggestions != nullptr && suggestions->empty()) *suggestions = r.suggestions;
    if (answered > 0 && fit.share < limits::kOtherGuideShare * best_fit &&
        r.confidence < limits::kOtherGuideShare * results.front().result.confidence)
      break;
    if (!answer_from(q, r, g, turn)) continue;
    if (guide != nullptr) *guide = ++answered == 1 ? g : "";
  }
  return answered > 0;
}

std::vector<knowledge::GuideFit> Engine::guides_asked(const Question& q) const {
  const auto& guides = index_->knowledge().guides();
  std::vector<knowledge::GuideFit> out;
  if (guides.size() == 1) return {{guides.front().id, 1.0}};
  // A widget kept to one guide (say's "guide") asks that guide only.
  if (const knowledge::Guide* g = index_->knowledge().guide(q.guide)) return {{g->id, 1.0}};
  // The guides whose words the question uses most (common words make the
  // share noisy, so a close second is searched too); the first guides
  // when it names none: "what brings it on?" fits any.
  std::vector<knowledge::GuideFit> fits = index_->guides_for(q.text);
  // A message naming a guide's own topic ("my eyelid keeps twitching ...
  // what can I do at home?") is asked of that guide first, as fitting best.
  if (!fits.empty() && !q.topic_guide.empty()) {
    auto it = std::find_if(fits.begin(), fits.end(),
                           [&](const knowledge::GuideFit& f) { return f.guide == q.topic_guide; });
    if (it != fits.end()) {
      knowledge::GuideFit pinned{it->guide, fits.front().share};
      fits.erase(it);
      fits.insert(fits.begin(), pinned);
    }
  }
  for (const auto& f : fits) {
    if (out.size() == limits::kMaxGuidesAnswered) break;
    if (f.share < limits::kGuideFitShare * fits.front().share) break;
    out.push_back(f);
  }
  return out;
}

bool Engine::answer_from(const Question& q, const knowledge::SearchResult& r,
                         const std::string& guide, Turn* turn) const {
  if (q.doctor) {
    // "When should he see a doctor?" is answered by the lead passage of the
    // guide's section about it (the one with the signs), whatever else the
    // words matched.
    const knowledge::Section* s = index_->knowledge().find(flows_->doctor_section(guide));
    if (s != nullptr && !s->passages.empty()) {
      double score = kScriptedScore;
      for (const auto& h : r.hits) {
        if (h.section == s) score = h.score;
      }
      add_answer(s->passages.front().text, *s, score, turn);
      return true;
    }
  }
  // What a question asks ("what causes", "how do I stop") is evidence too:
  // the gate is for questions the guides do not speak to at all.
  bool evidence = r.confidence >= limits::kAnswerConfidence ||
                  (!q.hints.empty() && q.about && r.confidence >= limits::kAnswerConfidenceAsked);
  if (r.hits.empty() || r.hits.front().section == nullptr || !evidence) return false;
  const auto& top = r.hits.front();
  add_answer(top.text, *top.section, top.score, turn);
  return true;
}

void Engine::add_answer(const std::string& text, const knowledge::Section& section, double score,
                        Turn* turn) const {
  for (const Part& p : turn->parts) {
    if (p.type == protocol::PartType::kAnswer && p.source.section == section.id &&
        (p.source.guide.empty() || p.source.guide == section.guide))
      return;
  }
  turn->parts.push_back(
      Part::Answer(text, source(section.guide, section.id, section.title), score));
}

protocol::Source Engine::source(const std::string& guide, const std::string& section,
                                const std::string& title) const {
  if (index_ == nullptr || index_->knowledge().guides().size() < 2) return {section, title};
  const knowledge::Guide* g = index_->knowledge().guide(guide);
  return {section, title, guide, g == nullptr ? std::string() : g->title};
}

Part Engine::contact_part() const {
  const Clinic& clinic = flows_->clinic();
  Part c = Part::Contact(flows_->language().contact);
  c.emergency_phone = clinic.emergency_number;
  c.phone = clinic.phone;
  c.hours = clinic.hours;
  c.url = clinic.booking_url;
  return c;
}

bool Engine::escalate_if_urgent(const language::Analysis& analysis, std::string_view text,
                                std::string_view guide, const Tokens& tokens, Turn* t) const {
  const Flow* flow = nullptr;
  const Node* ask = pending(t->state, &flow);
  SafetyFindings found = flows_->safety().check(analysis, ask != nullptr);
  // A guide's urgent signs are its own: with other guides loaded, "my heel
  // is agony every morning" is about heel pain, not about the spasms whose
  // sign is pain. Emergencies beyond the guides count whatever the topic.
  if (!found.urgent_signs.empty() && !about_urgent_guide(analysis, text, guide, flow)) {
    found.urgent_signs.clear();
  }
  if (!found.any()) return false;
  // A typed answer that is itself an urgent sign ("very strong, really
  // violent") is kept, and the paused flow goes on from the next question.
  if (ask != nullptr) {
    auto it = compiled_->matchers.find(ask);
    if (auto ids = it == compiled_->matchers.end() ? std::vector<std::string>{}
                                                   : it->second.match(analysis.tokens, tokens).ids;
        !ids.empty()) {
      Turn walked;
      walked.state = std::move(t->state);
      answer(*flow, *ask, std::move(ids), &walked);
      t->state = std::move(walked.state);
      t->trace = std::move(walked.trace);
    }
  }
  escalate(found, t);
  return true;
}

bool Engine::about_urgent_guide(const language::Analysis& analysis, std::string_view text,
                                std::string_view guide, const Flow* flow) const {
  const std::string& urgent = flows_->topic_guide();
  if (urgent.empty() || index_ == nullptr || index_->knowledge().guides().size() < 2) return true;
  if (index_->knowledge().guide(guide) != nullptr) return guide == urgent;
  if (flow != nullptr && flow->guide == urgent) return true;
  if (flows_->safety().names_topic(analysis)) return true;
  // When unsure, escalate: only a message that fits another guide clearly
  // better than this one is left to that guide.
  const std::vector<knowledge::GuideFit> fits = index_->guides_for(text);
  if (fits.empty() || fits.front().guide == urgent) return true;
  return std::any_of(fits.begin(), fits.end(), [&](const knowledge::GuideFit& f) {
    return f.guide == urgent && f.share >= limits::kUrgentGuideShare * fits.front().share;
  });
}

bool Engine::small_talk(const Intent& intent, Turn* t) const {
  if (intent.small_talk == nullptr) return false;
  const Flow* flow = nullptr;
  const Node* ask = pending(t->state, &flow);
  if (intent.small_talk->kind == "summary") return request(Understanding::Request::kSummary, t);
  if (intent.small_talk->kind == "reset") return request(Understanding::Request::kReset, t);
  if (intent.small_talk->kind == "stop" && ask != nullptr) {
    t->state.flow.clear();
    t->state.node.clear();
    ask = nullptr;
  }
  t->parts.push_back(Part::Text(intent.small_talk->reply));
  if (ask != nullptr) append_ask(*ask, &t->parts);
  return true;
}

bool Engine::request(Understanding::Request what, Turn* t, std::string_view guide) const {
  const Language& lang = flows_->language();
  const Flow* flow = nullptr;
  const Node* ask = pending(t->state, &flow);
  switch (what) {
    case Understanding::Request::kNone:
      return false;
    case Understanding::Request::kSummary:
      t->parts.push_back(Part::Text(lang.summary_intro));
      t->parts.push_back(build_summary(*flows_, t->state));
      break;
    case Understanding::Request::kReset:
      *t = Turn{};
      t->reset = true;
      t->parts.push_back(Part::Text(lang.reset));
      return true;
    case Understanding::Request::kCheck: {
      const knowledge::KnowledgeBase* kb = index_ ? &index_->knowledge() : nullptr;
      if (kb == nullptr || kb->guide(guide) == nullptr) guide = {};
      if (const Flow* f = flows_->for_role(kSymptomsRole, guide)) {
        *t = start(std::move(t->state), *f);
        return true;
      }
      return false;
    }
    case Understanding::Request::kContact:
      t->parts.push_back(contact_part());
      break;
  }
  if (ask != nullptr) append_ask(*ask, &t->parts);
  return true;
}

void Engine::reply_to_questions(const Understanding& u, Turn* t) const {
  const Language& lang = flows_->language();
  const Flow* flow = nullptr;
  const Node* ask = pending(t->state, &flow);
  std::vector<std::string> suggestions;
  std::string guide;  // the one guide answered from
  bool answered = false, doctor = false;
  if (!u.off_topic.empty()) {
    if (u.off_topic == "logistics") t->parts.push_back(contact_part());
    if (index_ != nullptr) suggestions = index_->topics();
  } else {
    for (const Question& q : u.questions) {
      answered = answer_question(q, t, &suggestions, &guide) || answered;
      doctor = doctor || q.doctor;
    }
  }
  if (ask != nullptr) {
    // Mid-flow: the pending question is asked again, never met with a fallback.
    if (!answered)
      t->parts.push_back(Part::Text(u.asked ? lang.not_in_guide : lang.not_understood));
    append_ask(*ask, &t->parts);
    return;
  }
  if (!answered) {
    if (u.off_topic != "logistics") {
      t->parts.push_back(Part::Fallback(lang.not_in_guide, std::move(suggestions)));
    }
    return;
  }
  // "When should he see a doctor?" goes on with the short triage.
  if (doctor && u.questions.size() == 1 && !guide.empty()) {
    if (const Flow* f = flows_->for_role(kDoctorRole, guide)) {
      Turn started = start(std::move(t->state), *f);
      t->state = std::move(started.state);
      t->parts.insert(t->parts.end(), started.parts.begin(), started.parts.end());
      t->trace.insert(t->trace.end(), started.trace.begin(), started.trace.end());
    }
    return;
  }
  if (u.symptoms) t->parts.push_back(Part::Text(lang.offer_check));
}

std::string Engine::labels(const Node& ask, const std::vector<std::string>& ids) const {
  std::string out;
  for (const auto& id : ids) {
    if (const AskOption* o = ask.option(id)) out += (out.empty() ? "" : ", ") + o->label;
  }
  return out;
}

bool Engine::take_typed_answer(const Flow& flow, const Node& ask, const language::Tokens& words,
                               const Tokens& tokens, Turn* t) const {
  const Language& lang = flows_->language();
  if (correct_earlier(flow, ask, words, tokens, t)) return true;
  auto it = compiled_->matchers.find(&ask);
  if (it == compiled_->matchers.end()) return false;
  AnswerMatcher::Match m = it->second.match(words, tokens);
  if (m.unsure) {
    t->parts.push_back(Part::Text(lang.clarify));
    append_ask(ask, &t->parts);
    return true;
  }
  if (m.ids.empty()) return false;
  // Say what was understood, so a misread answer is seen at once; an
  // outcome it leads to comes first.
  const std::string noted = fill(lang.noted, {{"{answer}", labels(ask, m.ids)}});
  answer(flow, ask, std::move(m.ids), t);
  bool outcome = std::any_of(t->parts.begin(), t->parts.end(),
                             [](const Part& p) { return p.type == protocol::PartType::kOutcome; });
  if (!outcome) t->parts.insert(t->parts.begin(), Part::Text(noted));
  return true;
}

bool Engine::correct_earlier(const Flow& flow, const Node& pending, const language::Tokens& words,
                             const Tokens& tokens, Turn* t) const {
  const Compiled& c = *compiled_;
  if (c.corrections.find(tokens).empty()) return false;
  const bool named = !c.back_references.find(tokens).empty();
  const bool pending_reads = !c.matchers.at(&pending).match(words, tokens).ids.empty();
  // The flow's answered questions, the latest first.
  for (auto a = t->state.answers.rbegin(); a != t->state.answers.rend(); ++a) {
    const Node* earlier = nullptr;
    for (const Node& n : flow.nodes) {
      if (n.type == NodeType::kAsk && n.slot == a->slot && &n != &pending) earlier = &n;
    }
    if (earlier == nullptr) continue;
    AnswerMatcher::Match m = c.matchers.at(earlier).match(words, tokens);
    // "actually no" may answer the pending question: only an answer that
    // names the earlier one ("the last one should be no") corrects it then.
    if (m.ids.empty() || (pending_reads && !named)) continue;
    std::vector<std::string> ids = m.ids;
    if (earlier->multiple && !c.additions.find(tokens).empty()) {
      ids.insert(ids.end(), a->options.begin(), a->options.end());
      ids = normalize_choice(*earlier, ids);
    }
    a->options = ids;
    const std::string& question =
        earlier->summary_label.empty() ? earlier->text : earlier->summary_label;
    t->parts.push_back(
        Part::Text(fill(flows_->language().corrected,
                        {{"{question}", question}, {"{answer}", labels(*earlier, ids)}})));
    append_ask(pending, &t->parts);
    return true;
  }
  return false;
}

Understanding Engine::understand(std::string_view text) const {
  return compiled_->understander.understand(flows_->analyzer().analyze(text));
}

Turn Engine::say(State state, std::string_view raw, std::string_view guide) const {
  const Language& lang = flows_->language();
  const Compiled& c = *compiled_;
  Turn t;
  t.state = std::move(state);
  std::string_view text = text::truncate_utf8(text::trim(raw), limits::kMaxQueryChars);
  Tokens tokens = tokenize(text, c.breaks);
  const Flow* flow = nullptr;
  const Node* ask = pending(t.state, &flow);

  // Emergencies and urgent signs win over everything else, in every state.
  const language::Analysis analysis = flows_->analyzer().analyze(text);
  if (escalate_if_urgent(analysis, text, guide, tokens, &t)) return t;
  if (tokens.words.empty()) {
    if (ask == nullptr) {
      t.parts = greeting();  // "{guides}" filled in, as in welcome
      return t;
    }
    t.parts.push_back(Part::Text(lang.not_understood));
    append_ask(*ask, &t.parts);
    return t;
  }
  if (!lang.english_only.empty() && flows_->analyzer().foreign_language(analysis.tokens)) {
    t.parts.push_back(Part::Text(lang.english_only));
    if (ask != nullptr) append_ask(*ask, &t.parts);
    return t;
  }
  if (ask != nullptr && take_typed_answer(*flow, *ask, analysis.tokens, tokens, &t)) return t;
  Intent intent = c.router.classify(tokens);
  if (small_talk(intent, &t)) return t;
  const bool other_guide = index_ != nullptr && index_->knowledge().guide(guide) != nullptr &&
                           intent.flow_request != nullptr && intent.flow_request->guide != guide;
  if (intent.flow_request != nullptr && !other_guide &&
      (ask == nullptr || intent.flow_request != flow)) {
    return start(std::move(t.state), *intent.flow_request);
  }
  Understanding u = c.understander.understand(analysis);
  for (Question& q : u.questions) {
    q.guide = guide;
    if (u.topic) q.topic_guide = flows_->topic_guide();
  }
  if (request(u.request, &t, guide)) return t;
  reply_to_questions(u, &t);
  return t;
}

}  // namespace guidechat::dialog
