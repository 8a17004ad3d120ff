// Search latency and index build time (docs/benchmarks.md, "Search").
//
//   search_bench [--knowledge DIR] [--sections N] [--per-guide N] [--queries N]
//
// 1. The bundled guide: start-up (load + build + first answer, as
//    `guidechat ask` does), then p50/p99 of Index::search over a fixed mix
//    of patient questions (typos, lay words, out-of-scope ones).
// 2. A generated corpus of N sections (default 10,000; deterministic: fixed
//    seed, so every run indexes the same text), in guides of --per-guide
//    sections (default 500; 10 gives a clinic network's many small guides):
//    build time and memory, then p50/p99 of searches of 2-5 of its words,
//    one in ten with a typo.
// 3. Both again from 2 threads at once (each thread its own connection).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#include "knowledge/guide.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"

using namespace guidechat::knowledge;
using Clock = std::chrono::steady_clock;

namespace {

// This process's resident memory (or its peak, "VmHWM:"), from /proc.
long rss_kib(const char* field = "VmRSS:") {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, field, std::strlen(field)) == 0)
      kib = std::atol(line + std::strlen(field));
  }
  std::fclose(f);
  return kib;
}

double us_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// CPU time of this thread (or process), in microseconds: on a machine shared
// with other work, wall-clock tails measure the scheduler more than search.
double cpu_us(clockid_t clock = CLOCK_THREAD_CPUTIME_ID) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Stats {
  double p50 = 0, p99 = 0, mean = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  s.max = v.back();
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  return s;
}

void print(const char* what, const Stats& s, std::size_t n) {
  std::printf("%-34s p50 %8.1f us  p99 %8.1f us  mean %8.1f us  max %8.1f us  (n=%zu)\n", what,
              s.p50, s.p99, s.mean, s.max, n);
}

struct Times {
  std::vector<double> wall, cpu;
};

// Times `n` searches cycling through `questions`, after a warm-up.
Times run_searches(const Index& index, const std::vector<std::string>& questions, std::size_t n,
                   std::size_t offset) {
  for (std::size_t i = 0; i < std::min<std::size_t>(questions.size(), 200); ++i) {
    (void)index.search(questions[i], 3);
  }
  Times times;
  times.wall.reserve(n);
  times.cpu.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& q = questions[(i + offset) % questions.size()];
    double c0 = cpu_us();
    auto t0 = Clock::now();
    auto r = index.search(q, 3);
    times.wall.push_back(us_since(t0));
    times.cpu.push_back(cpu_us() - c0);
    if (r.confidence < 0) std::abort();  // keep the call
  }
  return times;
}

Times run_threads(const Index& index, const std::vector<std::string>& questions, std::size_t n,
                  int threads) {
  std::vector<Times> per(static_cast<std::size_t>(threads));
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      per[static_cast<std::size_t>(t)] = run_searches(
          index, questions, n / static_cast<std::size_t>(threads), static_cast<std::size_t>(t) * 7);
    });
  }
  for (auto& t : ts) t.join();
  Times all;
  for (auto& p : per) {
    all.wall.insert(all.wall.end(), p.wall.begin(), p.wall.end());
    all.cpu.insert(all.cpu.end(), p.cpu.begin(), p.cpu.end());
  }
  return all;
}

void print(const std::string& what, const Times& t) {
  print((what + ", wall").c_str(), stats(t.wall), t.wall.size());
  print((what + ", cpu").c_str(), stats(t.cpu), t.cpu.size());
}

const std::vector<std::string> kGuideQuestions = {
    "when should I see a doctor",
    "wen shud i see a docter",
    "muscle relaxers for twitching",
    "can physio strengthen my face",
    "what causes facial spasms",
    "simptoms",
    "my eyelid keeps twitching when I'm tired",
    "home remedies",
    "does stress make it worse",
    "how long does a spasm last",
    "excercises for my face",
    "what is hemifacial spasm",
    "capital of France",
    "how much insulin should I take",
    "best yoga poses for back pain",
    "eye drops for dry eyes",
    "\"NEAR(\" OR -x:* ^ '; DROP TABLE passages;--",
    "is it serious if my mum can't chew properly because of the spasms in her cheek",
};

// A deterministic corpus: pseudo-words from syllables, Zipf-distributed,
// with some of the guide's words mixed in.
struct Corpus {
  std::vector<std::string> vocab;
  std::vector<Guide> guides;
  std::vector<std::string> questions;
};

Corpus make_corpus(std::size_t sections, std::size_t per_guide) {
  Corpus c;
  std::mt19937 rng(20240601);
  const char* syll[] = {"ba", "ko", "ri",  "tu",  "mel", "san", "dor", "vi",  "pla", "gen",
                        "ta", "lo", "nex", "qua", "fi",  "rum", "sto", "lin", "ver", "ca"};
  std::uniform_int_distribution<int> nsyl(2, 4), pick(0, 19);
  for (int i = 0; c.vocab.size() < 6000; ++i) {
    std::string w;
    int n = nsyl(rng);
    for (int k = 0; k < n; ++k) w += syll[pick(rng)];
    c.vocab.push_back(w);
  }
  for (const char* w : {"spasm", "doctor", "twitching", "stress", "sleep", "eye", "muscle",
                        "therapy", "pain", "treatment", "symptoms", "causes"}) {
    c.vocab.push_back(w);
  }
  std::sort(c.vocab.begin(), c.vocab.end());
  c.vocab.erase(std::unique(c.vocab.begin(), c.vocab.end()), c.vocab.end());
  std::shuffle(c.vocab.begin(), c.vocab.end(), rng);
  // Zipf(1.0) over the vocabulary.
  std::vector<double> cdf(c.vocab.size());
  double sum = 0;
  for (std::size_t i = 0; i < cdf.size(); ++i) cdf[i] = (sum += 1.0 / static_cast<double>(i + 1));
  std::uniform_real_distribution<double> u(0, sum);
  auto word = [&] {
    auto it = std::lower_bound(cdf.begin(), cdf.end(), u(rng));
    return c.vocab[static_cast<std::size_t>(it - cdf.begin())];
  };
  std::uniform_int_distribution<int> title_len(2, 5), para_len(25, 80), paras(1, 3);
  for (std::size_t s = 0; s < sections; ++s) {
    if (s % per_guide == 0) {
      std::string md = "# Generated guide " + std::to_string(s / per_guide) + "\n\n";
      c.guides.push_back(parse_guide(md, "gen-" + std::to_string(s / per_guide) + ".md", nullptr));
    }
    std::string title;
    for (int k = title_len(rng); k > 0; --k) title += (title.empty() ? "" : " ") + word();
    Section sec;
    sec.guide = c.guides.back().id;
    sec.id = "s" + std::to_string(s) + "-" + slugify(title);
    sec.title = title;
    sec.file = c.guides.back().file;
    for (int p = paras(rng); p > 0; --p) {
      std::string text;
      for (int k = para_len(rng); k > 0; --k) text += (text.empty() ? "" : " ") + word();
      text += ".";
      sec.passages.push_back({text.substr(0, 600), 0});
    }
    c.guides.back().sections.push_back(std::move(sec));
  }
  std::uniform_int_distribution<int> qlen(2, 5);
  for (int q = 0; q < 2000; ++q) {
    std::string text = "how do I";
    for (int k = qlen(rng); k > 0; --k) {
      std::string w = word();
      if (q % 10 == 0 && k == 1 && w.size() > 4) std::swap(w[1], w[2]);  // a typo
      text += " " + w;
    }
    c.questions.push_back(text);
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string dir = std::string(GUIDECHAT_DATA_DIR) + "/knowledge";
  std::size_t sections = 10000, queries = 20000, per_guide = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--knowledge") dir = argv[i + 1];
    if (a == "--sections") sections = std::strtoul(argv[i + 1], nullptr, 10);
    if (a == "--queries") queries = std::strtoul(argv[i + 1], nullptr, 10);
    if (a == "--per-guide")
      per_guide = std::max<std::size_t>(1, std::strtoul(argv[i + 1], nullptr, 10));
  }

  // --- 1. The bundled guide --------------------------------------------------
  std::vector<double> startup, startup_cpu;
  std::shared_ptr<const Index> guide_index;
  for (int run = 0; run < 20; ++run) {
    double c0 = cpu_us();
    auto t0 = Clock::now();
    auto kb = KnowledgeBase::load(dir);
    if (!kb) {
      std::fprintf(stderr, "search_bench: %s\n", kb.error().c_str());
      return 2;
    }
    auto idx = Index::build(*kb, {});
    if (!idx) {
      std::fprintf(stderr, "search_bench: %s\n", idx.error().c_str());
      return 2;
    }
    (void)(*idx)->search("when should I see a doctor", 3);
    startup.push_back(us_since(t0));
    startup_cpu.push_back(cpu_us() - c0);
    guide_index = *idx;
  }
  auto st = stats(startup);
  std::printf("guide: %zu sections, %zu questions in the mix\n",
              guide_index->knowledge().sections().size(), kGuideQuestions.size());
  std::printf("%-34s p50 %8.1f us wall, %8.1f us cpu (load + build + first answer, 20 runs)\n",
              "guide start-up", st.p50, stats(startup_cpu).p50);
  print("guide search, 1 thread", run_searches(*guide_index, kGuideQuestions, queries, 0));
  print("guide search, 2 threads", run_threads(*guide_index, kGuideQuestions, queries, 2));

  // --- 2. A generated corpus --------------------------------------------------
  Corpus corpus = make_corpus(sections, per_guide);
  const std::size_t guides = corpus.guides.size();
  std::size_t passages = 0;
  for (const auto& g : corpus.guides) {
    for (const auto& s : g.sections) passages += s.passages.size();
  }
  auto lex = Lexicon::load(dir);
  auto kb = KnowledgeBase::from_guides(std::move(corpus.guides), Synonyms{},
                                       lex ? std::move(*lex) : Lexicon{});
  if (!kb) {
    std::fprintf(stderr, "search_bench: %s\n", kb.error().c_str());
    return 2;
  }
  const long rss0 = rss_kib();
  double c0 = cpu_us(CLOCK_PROCESS_CPUTIME_ID);
  auto t0 = Clock::now();
  auto big = Index::build(*kb, {});
  double build_ms = us_since(t0) / 1000.0;
  double build_cpu_ms = (cpu_us(CLOCK_PROCESS_CPUTIME_ID) - c0) / 1000.0;
  if (!big) {
    std::fprintf(stderr, "search_bench: %s\n", big.error().c_str());
    return 2;
  }
  std::printf("generated: %zu sections in %zu guides, %zu passages, seed 20240601\n", sections,
              guides, passages);
  std::printf("%-34s %8.1f ms wall, %8.1f ms cpu, +%ld KiB resident\n", "generated index build",
              build_ms, build_cpu_ms, rss_kib() - rss0);
  std::size_t big_queries = std::min<std::size_t>(queries, 5000);
  print("generated search, 1 thread", run_searches(**big, corpus.questions, big_queries, 0));
  print("generated search, 2 threads", run_threads(**big, corpus.questions, big_queries, 2));
  std::printf("%-34s %8ld KiB (peak %ld KiB)\n", "resident after the searches", rss_kib(),
              rss_kib("VmHWM:"));
  return 0;
}
