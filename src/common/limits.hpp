// Every limit and default of guidechat, named in one place. Command-line
// flags and environment variables override the server ones; the rest are
// fixed properties of the product.
//
// Thread-safety: constants only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace guidechat::limits {

// --- Knowledge and search ---------------------------------------------------
// A passage shown as an answer stays short and to the point.
inline constexpr std::size_t kMaxPassageChars = 600;
// Longer user text is cut before it reaches the query builder.
inline constexpr std::size_t kMaxQueryChars = 1000;
// At most this many words of a query are used for search.
inline constexpr std::size_t kMaxQueryTerms = 32;
// Typo corrections tried for one search: the first words that are neither
// English nor the guide's get one (a scan of the known words of similar
// length, up to ~0.1 ms each); the rest are searched as typed. Real
// questions have one to three ("wen shud i see a docter").
inline constexpr std::size_t kMaxCorrectionsPerQuery = 4;
// Search confidence (0..1) at or above which the guide is taken to cover a
// question; below it the reply is a fallback with suggestions.
inline constexpr double kScopeThreshold = 0.6;
// The dialog answers a question from the guide at or above this search
// confidence; a question that says what it asks ("what causes", "how do I
// stop") needs less, since its kind of answer is known.
inline constexpr double kAnswerConfidence = 0.3;
inline constexpr double kAnswerConfidenceAsked = 0.1;
// With several guides, a question is searched in each guide whose share of
// its topic words is at least kGuideFitShare of the best guide's (at most
// kMaxGuidesAnswered), each on its own; it is answered from the most
// confident, and from a second whose share or confidence is at least
// kOtherGuideShare of the best ("what are the treatments?" fits each guide).
inline constexpr double kGuideFitShare = 0.5;
inline constexpr double kOtherGuideShare = 0.9;
inline constexpr std::size_t kMaxGuidesAnswered = 2;
// A guide's urgent signs are read for a message unless it fits another
// guide and this guide's share is below kUrgentGuideShare of that guide's
// (when unsure, escalate: set low).
inline constexpr double kUrgentGuideShare = 0.2;
// Search results cached per thread and index, by analysed query: patients
// ask the same few things in many words. An entry holds passage numbers and
// scores (not text) under its key, about 300 bytes for a real question, so
// the two generations kept (up to twice this) come to about 300 KB a thread.
inline constexpr std::size_t kSearchCacheEntries = 512;
// A longer key (a question of many topic words, hardly asked twice; real
// ones take 40-450 bytes) is not cached: whatever is typed, a thread's cache
// stays under about 1.5 MB.
inline constexpr std::size_t kMaxSearchCacheKeyBytes = 1024;

// --- Message analysis ---------------------------------------------------------
// Words of one message the analysis reads: every word of the longest `say`
// (kMaxSayBytes), so an emergency late in a long story is still seen.
inline constexpr std::size_t kMaxAnalysedWords = 1000;
// Words of one message matched as possible typos of the concepts' phrases
// ("siezure" ~ "seizure"): the first ones that are neither English nor
// found as typed. Each costs a comparison with every phrase of its first
// letter, so a message of nothing but misspellings is bounded; real
// messages have a handful. Later words still match as typed.
inline constexpr std::size_t kMaxTypoWordsPerAnalysis = 16;
// Emergency texts in one reply (a message may name several at once).
inline constexpr std::size_t kMaxEmergenciesShown = 2;

// --- Protocol ---------------------------------------------------------------
inline constexpr int kProtocolVersion = 1;
// A client "id" (string or integer) is at most this many characters.
inline constexpr std::size_t kMaxIdChars = 64;
// A flow, node, slot or option id ("symptom-check"), in characters: what a
// flow may declare, a `start` or `choose` may name and a session token holds.
inline constexpr std::size_t kMaxNameChars = 64;
// Options one `choose` may name (and so one answer in a token may hold).
inline constexpr std::size_t kMaxChooseOptions = 32;
// Answers one conversation state holds (one per slot).
inline constexpr std::size_t kMaxStateAnswers = 32;
// The "text" of one `say`, in bytes.
inline constexpr std::size_t kMaxSayBytes = 4000;
// JSON nesting deeper than this is refused as bad_message before parsing.
inline constexpr int kMaxJsonDepth = 16;

// --- Sessions ---------------------------------------------------------------
// A sealed conversation token stays valid this long after it was issued.
inline constexpr std::chrono::hours kSessionTtl{24};
// Tokens longer than this are refused without trying to open them.
inline constexpr std::size_t kMaxTokenChars = 4096;
// A passphrase (rather than 64 hex digits) becomes the session key through
// PBKDF2-HMAC-SHA256 with this many rounds (OWASP's 2023 figure; 0.3-1 s
// once at start-up) and this fixed salt (every replica derives the
// same key).
inline constexpr int kPassphraseIterations = 600000;
inline constexpr const char* kPassphraseSalt = "guidechat/session-key/v1";

// --- Server (defaults; each has a flag and an environment variable) ---------
inline constexpr const char* kDefaultHost = "127.0.0.1";
inline constexpr std::uint16_t kDefaultPort = 8080;
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;
inline constexpr double kRateLimitPerSecond = 10.0;
inline constexpr double kRateLimitBurst = 20.0;
// Messages per second (and burst) of one client address over all its
// connections and reconnects: a hospital's guest Wi-Fi puts many patients
// behind one address, each sending a message every few seconds.
inline constexpr double kAddressRatePerSecond = 50.0;
inline constexpr double kAddressBurst = 100.0;
inline constexpr std::size_t kMaxConnections = 20000;
inline constexpr std::size_t kMaxConnectionsPerIp = 200;
// A handshake over a connection limit gets 429 with this Retry-After.
inline constexpr int kRetryAfterSeconds = 5;
inline constexpr std::chrono::seconds kHandshakeTimeout{10};
inline constexpr std::chrono::seconds kIdleTimeout{300};
// A plain HTTP keep-alive connection waits this long for its next request
// (the page, the script and its styles come at once; nginx reuses its own
// connections well within it).
inline constexpr std::chrono::seconds kKeepAliveIdle{5};
inline constexpr std::size_t kMaxHttpBodyBytes = 8 * 1024;
// Replies waiting to be written to one slow client before it is dropped.
inline constexpr std::size_t kMaxQueuedFrames = 64;
inline constexpr std::chrono::milliseconds kShutdownGrace{1500};
// On shutdown, a connection keeps reading and answering until no message
// has come for this long, then closes 1001: what a client sent before the
// shutdown (also what a proxy was still passing on) is answered, not lost.
// kShutdownGrace bounds it all.
inline constexpr std::chrono::milliseconds kShutdownDrain{200};

// --- Server internals (fixed) -----------------------------------------------
// Requests answered on one plain HTTP keep-alive connection before it is
// closed (the client opens another, counted again by the limits).
inline constexpr std::size_t kMaxRequestsPerConnection = 100;
// Client addresses whose message budget is tracked at once (a bucket is
// about 100 bytes); an address whose budget has refilled is forgotten first.
inline constexpr std::size_t kMaxBudgetAddresses = 100000;
// Consecutive rate-limited messages after which the connection is closed.
inline constexpr std::size_t kRateLimitStrikes = 10;
// A WebSocket frame announcing more than this is failed by Beast itself
// (close 1009, no error frame); between the message limit and this cap the
// client gets a `too_large` error frame before the close.
inline constexpr std::size_t kMaxFrameHardBytes = 1024 * 1024;
// HTTP request header block (including the WebSocket upgrade request).
inline constexpr std::size_t kMaxHttpHeaderBytes = 8 * 1024;
// The web-client directory is loaded into memory at start-up, within these.
inline constexpr std::size_t kMaxWebFiles = 512;
inline constexpr std::size_t kMaxWebTotalBytes = 32 * 1024 * 1024;

// --- Content-gap report (opt-in: --gap-report) ------------------------------
// A group of key words is written to the report file only once this many
// distinct conversations (from as many client addresses) shared it: a word
// only one person used (a name, a place) stays in memory and is never stored.
inline constexpr std::size_t kGapMinConversations = 3;
// The rarest key words of a question that form its group.
inline constexpr std::size_t kGapMaxKeyWords = 3;
// Groups kept in memory; beyond this, the least-counted one is forgotten.
inline constexpr std::size_t kGapMaxGroups = 5000;
// Conversations (and their addresses) remembered per group to count each once.
inline constexpr std::size_t kGapAskersKept = 32;
// New groups one client address may start per window, and the addresses
// tracked in a window (more wait for the next window).
inline constexpr std::size_t kGapMaxNewGroupsPerAddress = 20;
inline constexpr std::size_t kGapMaxAddresses = 20000;
inline constexpr std::chrono::hours kGapAddressWindow{1};
// How often the report file is rewritten while the server runs.
inline constexpr std::chrono::seconds kGapFlushInterval{60};

// --- Import (guidechat import) ----------------------------------------------
// A document to import: a patient guide is tens of kilobytes; a .docx or PDF
// with photos a few megabytes.
inline constexpr std::size_t kMaxImportFileBytes = 100 * 1024 * 1024;
// What a conversion tool may write before it is stopped: pdftotext's layout
// output is about 30 times the text (a box per word), pandoc's JSON about 10.
inline constexpr std::size_t kMaxImportToolOutputBytes = 64 * 1024 * 1024;
// A conversion tool that has not finished in this time is killed: pandoc
// reads a long .docx in about a second.
inline constexpr std::chrono::seconds kImportToolTimeout{60};

}  // namespace guidechat::limits
