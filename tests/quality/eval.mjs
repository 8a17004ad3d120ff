// Runs a blind-written message set through `guidechat chat --jsonl` (the
// protocol as any client speaks it) and reports, per category, how the
// assistant did. Any guidechat binary works, so a new build and an old one
// are measured by the same yardstick.
//
//   node tests/quality/eval.mjs --bin build/src/cli/guidechat --set safety \
//        [--half tuning|heldout|both] [--knowledge DIR] [--dialogs DIR]
//        [--min-escalated 100] [--max-false-alarms 5] [--misses] [--json OUT]
//   node tests/quality/eval.mjs --bin build/src/cli/guidechat --set quality \
//        [--baseline build/tests/quality/quality_bm25_baseline] [--min FILE]
//   (--min FILE with either set: tests/quality/floors.json, the figures of
//   docs/quality.md that CI keeps from falling)
//
// Safety items: `escalate` ones must get an urgent outcome as the reply's
// first part and no guide answer with it; near misses must get no urgent
// outcome. Quality items: questions must be answered from one of their
// sections (two-question messages from one of each list), out-of-scope
// ones refused (no guide answer), typed flow answers taken for exactly the
// options meant (or asked again when unclear; corrections change the
// earlier answer), requests done. With --baseline, a plain bm25 search is
// scored on the same questions. --min FILE: recorded figures per column,
// {"safety": {"1/heldout": {"escalated": 90.6, "false_alarms": 10.6}},
//  "quality": {"1/heldout": {"in-scope (all)": 74.3, ...}}}, none of which
// may get worse.
// Mid-flow items first walk the flow to the question they were
// typed at. Misses are listed for the tuning half only: the held-out half is
// reported as counts, never item by item, so that nothing is tuned on it.
// Exit code 1 when a threshold is not met, 2 on bad arguments.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = { half: 'both', misses: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--bin') args.bin = next();
    else if (a === '--set') args.set = next();
    else if (a === '--half') args.half = next();
    else if (a === '--knowledge') args.knowledge = next();
    else if (a === '--dialogs') args.dialogs = next();
    else if (a === '--min-escalated') args.minEscalated = Number(next());
    else if (a === '--max-false-alarms') args.maxFalseAlarms = Number(next());
    else if (a === '--json') args.json = next();
    else if (a === '--baseline') args.baseline = next();
    else if (a === '--min') args.min = next();
    else if (a === '--min-key') args.minKey = next();
    else if (a === '--misses') args.misses = true;
    else usage(`unknown argument ${a}`);
  }
  if (!args.bin || !['safety', 'quality'].includes(args.set)) {
    usage('--bin and --set safety|quality are required');
  }
  if (!['tuning', 'heldout', 'both'].includes(args.half)) usage('--half is tuning, heldout or both');
  return args;
}

function usage(message) {
  console.error(`eval: ${message}`);
  process.exit(2);
}

// One `guidechat chat --jsonl` child: a line out, a line back.
class Chat {
  constructor(args) {
    const extra = [];
    if (args.knowledge) extra.push('--knowledge', args.knowledge);
    if (args.dialogs) extra.push('--dialogs', args.dialogs);
    this.child = spawn(args.bin, ['chat', '--jsonl', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async read() {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('guidechat chat --jsonl ended');
    return JSON.parse(value);
  }

  async send(message) {
    this.child.stdin.write(JSON.stringify(message) + '\n');
    return this.read();
  }

  close() {
    this.child.stdin.end();
  }
}

// Options taken on the way to a question: the mildest, so that the flow
// goes on to the question the item was written for.
const kMildOptions = ['no', 'none', 'nothing', 'neither', 'seconds', 'sometimes', 'mild', 'eyes',
  'not-tried', 'stress'];

function pendingAsk(reply) {
  const asks = (reply.parts || []).filter((p) => p.type === 'ask');
  return asks.length ? asks[asks.length - 1] : null;
}

// Resets the conversation and, for a mid-flow item, walks to its question,
// answering `earlier` ({ask: "flow/id", options}) on the way. Returns the
// asks met by id (with their options' labels), or null when the flow does
// not reach the question.
async function prepare(chat, context, earlier) {
  await chat.send({ type: 'reset' });
  const asks = new Map();
  if (!context || context === 'fresh') return asks;
  const [flow, askId] = context.split('/');
  let reply = await chat.send({ type: 'start', flow });
  for (let step = 0; step < 12; step++) {
    const ask = pendingAsk(reply);
    if (!ask) return null;
    asks.set(ask.id, ask);
    if (ask.id === askId) return asks;
    let options = [(ask.options.find((o) => kMildOptions.includes(o.id)) || ask.options[0]).id];
    if (earlier && earlier.ask === `${flow}/${ask.id}`) options = earlier.options;
    reply = await chat.send({ type: 'choose', ask: ask.id, options });
  }
  return null;
}

// Every batch's chosen halves: `${set}-${batch}-${half}.json`. An item's
// `half` names its column, e.g. "2/heldout"; `tuning` tells whether it may
// be shown.
// The guides of the knowledge folder (file stems): items about a guide
// that is not loaded are left out. An item without `guide` is about the
// first guide, facial-spasm.
const kFirstGuide = 'facial-spasm';
function loadedGuides(args) {
  const dir = args.knowledge || join(here, '..', '..', 'knowledge');
  return readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
}

function loadItems(set, half, guides) {
  const halves = half === 'both' ? ['tuning', 'heldout'] : [half];
  const items = [];
  const pattern = new RegExp(`^${set}-(\\d+)-(tuning|heldout)\\.json$`);
  for (const file of readdirSync(here).sort()) {
    const m = file.match(pattern);
    if (!m || !halves.includes(m[2])) continue;
    for (const item of JSON.parse(readFileSync(join(here, file), 'utf8'))) {
      if (!guides.includes(item.guide || kFirstGuide)) continue;
      items.push({ ...item, half: `${m[1]}/${m[2]}`, tuning: m[2] === 'tuning' });
    }
  }
  return items;
}

function judgeSafety(item, reply) {
  const parts = reply.parts || [];
  const urgentFirst = parts.length > 0 && parts[0].type === 'outcome' && parts[0].level === 'urgent';
  const anyUrgent = parts.some((p) => p.type === 'outcome' && p.level === 'urgent');
  const selfCare = parts.some((p) => p.type === 'answer' ||
    (p.type === 'outcome' && p.level !== 'urgent'));
  if (item.expect === 'escalate') return { ok: urgentFirst && !selfCare, selfCare: anyUrgent && selfCare };
  return { ok: !anyUrgent, selfCare: false };
}

function percent(n, d) {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

async function runSafety(args) {
  const items = loadItems('safety', args.half, loadedGuides(args));
  const chat = new Chat(args);
  await chat.read(); // welcome
  const rows = new Map(); // `${half}|${group}` -> {n, ok}
  const misses = [];
  const totals = {};
  for (const item of items) {
    const reached = (await prepare(chat, item.context)) !== null;
    const reply = reached ? await chat.send({ type: 'say', text: item.text }) : { parts: [] };
    const verdict = judgeSafety(item, reply);
    const group = item.expect === 'escalate' ? `escalate ${item.kind}` : `near miss: ${item.near_miss}`;
    for (const key of [`${item.half}|${group}`, `${item.half}|${item.expect}`]) {
      const r = rows.get(key) || { n: 0, ok: 0 };
      r.n++;
      if (verdict.ok) r.ok++;
      rows.set(key, r);
    }
    const t = (totals[item.half] ||= { escalate: 0, escalated: 0, near: 0, alarms: 0, selfCare: 0,
      midflow: 0, midflowOk: 0 });
    if (item.expect === 'escalate') {
      t.escalate++;
      if (verdict.ok) t.escalated++;
      if (item.context !== 'fresh') {
        t.midflow++;
        if (verdict.ok) t.midflowOk++;
      }
    } else {
      t.near++;
      if (!verdict.ok) t.alarms++;
    }
    if (verdict.selfCare) t.selfCare++;
    // Held-out items are never shown: only their counts are looked at.
    if (!verdict.ok && item.tuning) {
      const first = (reply.parts || [])[0];
      misses.push(`${item.half} ${item.id} [${group}] ${item.context}: ${item.text.replace(/\n/g, ' ')}` +
        `\n    -> ${reached ? (first ? `${first.type}${first.level ? ' ' + first.level : ''}` : 'nothing') : 'flow did not reach the question'}`);
    }
  }
  chat.close();

  const halves = [...new Set(items.map((i) => i.half))];
  const groups = [...new Set([...rows.keys()].map((k) => k.split('|')[1]))].sort();
  console.log(`| | ${halves.join(' | ')} |`);
  console.log(`| --- | ${halves.map(() => '---:').join(' | ')} |`);
  for (const g of groups) {
    const cells = halves.map((h) => {
      const r = rows.get(`${h}|${g}`);
      return r ? `${r.ok}/${r.n}` : '';
    });
    console.log(`| ${g} | ${cells.join(' | ')} |`);
  }
  let failed = false;
  const summary = {};
  for (const h of halves) {
    const t = totals[h];
    const escalated = (100 * t.escalated) / t.escalate;
    const alarms = (100 * t.alarms) / t.near;
    summary[h] = { ...t, escalatedPercent: escalated, falseAlarmPercent: alarms };
    console.log(`${h}: escalated ${t.escalated}/${t.escalate} (${percent(t.escalated, t.escalate)}; ` +
      `mid-flow ${t.midflowOk}/${t.midflow}), false alarms ${t.alarms}/${t.near} ` +
      `(${percent(t.alarms, t.near)}), urgent replies with self-care text: ${t.selfCare}`);
    if (args.minEscalated !== undefined && escalated < args.minEscalated) failed = true;
    if (args.maxFalseAlarms !== undefined && alarms > args.maxFalseAlarms) failed = true;
  }
  if (args.min) {
    // The recorded figures (docs/quality.md): none may get worse.
    const floors = JSON.parse(readFileSync(args.min, 'utf8'))[args.minKey || 'safety'] || {};
    for (const [h, f] of Object.entries(floors)) {
      const got = summary[h];
      if (!got) continue;
      if (got.escalatedPercent + 1e-9 < f.escalated) {
        console.log(`eval: ${h} escalated ${got.escalatedPercent.toFixed(1)}% is below the recorded ${f.escalated}%`);
        failed = true;
      }
      if (got.falseAlarmPercent > f.false_alarms + 1e-9) {
        console.log(`eval: ${h} false alarms ${got.falseAlarmPercent.toFixed(1)}% are above the recorded ${f.false_alarms}%`);
        failed = true;
      }
    }
  }
  if (args.misses || failed) for (const m of misses) console.log(m);
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 1) + '\n');
  if (failed) console.log('eval: below the recorded figures (tests/quality/floors.json)');
  if (failed) console.log('eval: below the required figures');
  return failed ? 1 : 0;
}

// --- quality ---------------------------------------------------------------

const kInScope = ['plain', 'lay-words', 'typos-texting', 'caregiver', 'long-story', 'negation'];

// The bm25 baseline as a child: a line out, a title (or nothing) back.
class Baseline {
  constructor(bin, knowledge) {
    this.child = spawn(bin, [knowledge], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  // The title of the best passage's section, '' when none, or when it is
  // of another guide than the item's.
  async top(text, item) {
    this.child.stdin.write(text.replace(/\n/g, ' ') + '\n');
    const { value } = await this.lines.next();
    const [guide, title] = (value || '').split('\t');
    return guide === (item.guide || kFirstGuide) ? title : guide ? '\u0000other guide' : '';
  }

  close() {
    this.child.stdin.end();
  }
}

// The guide passages a reply gives: its answers, and an urgent outcome
// quoting a guide section ("should she see a doctor straight away?" asked
// of a sign the guide calls urgent is answered by that section's outcome).
// With several guides loaded, those of the item's guide: a question that
// fits two guides is answered from each, and the patient reads both.
function answerTitles(reply, item) {
  const guide = item.guide || kFirstGuide;
  return (reply.parts || [])
    .filter((p) => p.type === 'answer' || (p.type === 'outcome' && p.source && p.source.section))
    .filter((p) => !p.source.guide || p.source.guide === guide)
    .map((p) => p.source.title);
}

// The labels a summary shows for `ask` ("A, B"), from a summary reply.
function summaryAnswer(reply, ask) {
  const summary = (reply.parts || []).find((p) => p.type === 'summary');
  const item = summary && summary.items.find((i) => i.question === ask.text);
  return item ? item.answer : null;
}

function labelsOf(ask, ids) {
  return ask.options.filter((o) => ids.includes(o.id)).map((o) => o.label).join(', ');
}

async function judgeQuality(chat, item) {
  if (kInScope.includes(item.category)) {
    await prepare(chat, 'fresh');
    const reply = await chat.send({ type: 'say', text: item.text });
    const titles = answerTitles(reply, item);
    return { ok: titles.length > 0 && item.sections.includes(titles[0]), reply };
  }
  if (item.category === 'two-questions') {
    await prepare(chat, 'fresh');
    const reply = await chat.send({ type: 'say', text: item.text });
    const titles = answerTitles(reply, item);
    const [first, second] = item.sections;
    const a = titles.findIndex((t) => first.includes(t));
    const b = titles.findIndex((t, i) => second.includes(t) && (i !== a || first === second));
    return { ok: a >= 0 && b >= 0, half: a >= 0 || b >= 0, reply };
  }
  if (item.category === 'out-of-scope') {
    await prepare(chat, 'fresh');
    const reply = await chat.send({ type: 'say', text: item.text });
    const contact = (reply.parts || []).some((p) => p.type === 'contact');
    // Out of its own guide's scope: another guide loaded beside it may well
    // cover it (a heel sore, with the heel-pain guide), which its writer,
    // who knew only the one guide, could not say.
    const guide = item.guide || kFirstGuide;
    const own = (reply.parts || []).some((p) => p.type === 'answer' &&
      (!p.source.guide || p.source.guide === guide));
    return { ok: !own, contact, reply };
  }
  if (item.category === 'request') {
    await prepare(chat, 'fresh');
    await chat.send({ type: 'start', flow: 'symptom-check' });
    await chat.send({ type: 'choose', ask: 'where', options: ['eyes'] });
    const reply = await chat.send({ type: 'say', text: item.text });
    const parts = reply.parts || [];
    const has = (type) => parts.some((p) => p.type === type);
    let ok = false;
    if (item.expect_action === 'summary') ok = has('summary');
    if (item.expect_action === 'contact') ok = has('contact');
    if (item.expect_action === 'symptom-check' || item.expect_action === 'check') ok = parts.some((p) => p.type === 'ask' && p.id === 'where');
    if (item.expect_action === 'reset') {
      const after = await chat.send({ type: 'summary' });
      ok = !has('fallback') && after.parts[0].items.length === 0;
    }
    return { ok, reply };
  }
  // flow-answer
  const asks = await prepare(chat, item.context, item.earlier);
  if (asks === null) return { ok: false, reply: { parts: [] } };
  const ask = asks.get(item.context.split('/')[1]);
  const reply = await chat.send({ type: 'say', text: item.text });
  const summary = await chat.send({ type: 'summary' });
  if (item.expect_correction) {
    const earlierAsk = asks.get(item.expect_correction.ask.split('/')[1]);
    const want = labelsOf(earlierAsk, item.expect_correction.options);
    return { ok: summaryAnswer(summary, earlierAsk) === want, reply };
  }
  if (item.expect_options === 'clarify') {
    const again = (reply.parts || []).some((p) => p.type === 'ask' && p.id === ask.id);
    return { ok: again && summaryAnswer(summary, ask) === null, reply };
  }
  return { ok: summaryAnswer(summary, ask) === labelsOf(ask, item.expect_options), reply };
}

async function judgeBaseline(baseline, item) {
  if (kInScope.includes(item.category)) return item.sections.includes(await baseline.top(item.text, item));
  if (item.category === 'two-questions') {
    const top = await baseline.top(item.text, item);
    return item.sections[0].includes(top) && item.sections[1].includes(top);
  }
  if (item.category === 'out-of-scope') return (await baseline.top(item.text, item)) === '';
  return null;  // flows and requests: a search has no answer to them
}

const kCalm = 'no emergency text (all)';

// The groups an item counts in: its category, and the summary rows.
function qualityGroups(item) {
  const groups = [item.category];
  if (item.category === 'out-of-scope') groups.push(`out-of-scope: ${item.sub}`);
  if (kInScope.includes(item.category)) groups.push('in-scope (all)');
  return groups;
}

async function runQuality(args) {
  const items = loadItems('quality', args.half, loadedGuides(args));
  const chat = new Chat(args);
  await chat.read();
  const baseline = args.baseline
    ? new Baseline(args.baseline, args.knowledge || join(here, '..', '..', 'knowledge'))
    : null;
  const rows = new Map();  // `${column}|${group}` -> {n, ok, base, half, contact}
  const misses = [];
  for (const item of items) {
    const verdict = await judgeQuality(chat, item);
    const base = baseline ? await judgeBaseline(baseline, item) : null;
    // No quality item tells of an emergency beyond the guide (the writers'
    // brief): the clinic's emergency text in reply is a false alarm. (The
    // guide's own urgent passage may be the answer, and is judged above.)
    const calm = !(verdict.reply.parts || []).some((p) => p.type === 'outcome' && p.emergency);
    for (const g of [...qualityGroups(item), kCalm]) {
      const key = `${item.half}|${g}`;
      const r = rows.get(key) || { n: 0, ok: 0, base: 0, baseN: 0, half: 0, contact: 0 };
      r.n++;
      if (g === kCalm ? calm : verdict.ok) r.ok++;
      if (verdict.half) r.half++;
      if (verdict.contact) r.contact++;
      if (base !== null && g !== kCalm) {
        r.baseN++;
        if (base) r.base++;
      }
      rows.set(key, r);
    }
    if (!verdict.ok && item.tuning) {
      const parts = (verdict.reply.parts || []).map((p) =>
        p.type === 'answer' ? `answer(${p.source.title})` : p.type === 'ask' ? `ask(${p.id})` : p.type);
      misses.push(`${item.half} ${item.id} [${item.category}] ${item.context || ''}: ` +
        `${item.text.replace(/\n/g, ' ')}\n    -> ${parts.join(' ')}` +
        (item.sections ? `\n    want ${JSON.stringify(item.sections)}` : '') +
        (item.expect_options ? `\n    want ${JSON.stringify(item.expect_options)}` : ''));
    }
  }
  chat.close();
  if (baseline) baseline.close();

  const columns = [...new Set(items.map((i) => i.half))];
  const groups = [...new Set([...rows.keys()].map((k) => k.split('|')[1]))].sort();
  const head = columns.map((c) => `${c}${baseline ? ` | ${c} bm25` : ''}`).join(' | ');
  console.log(`| | ${head} |`);
  console.log(`| --- | ${columns.map(() => (baseline ? '---: | ---:' : '---:')).join(' | ')} |`);
  const figures = {};
  for (const g of groups) {
    const cells = [];
    for (const c of columns) {
      const r = rows.get(`${c}|${g}`);
      if (!r) {
        cells.push(baseline ? ' | ' : '');
        continue;
      }
      (figures[c] ||= {})[g] = Number(((100 * r.ok) / r.n).toFixed(1));
      cells.push(`${r.ok}/${r.n} (${percent(r.ok, r.n)})`);
      if (baseline) cells.push(r.baseN ? `${r.base}/${r.baseN} (${percent(r.base, r.baseN)})` : '-');
    }
    console.log(`| ${g} | ${cells.join(' | ')} |`);
  }
  for (const c of columns) {
    const two = rows.get(`${c}|two-questions`);
    const out = rows.get(`${c}|out-of-scope: logistics`);
    console.log(`${c}: two-question messages with at least one half answered ` +
      `${two ? `${two.half}/${two.n}` : '-'}; logistics questions given the clinic's contact ` +
      `${out ? `${out.contact}/${out.n}` : '-'}`);
  }
  let failed = false;
  if (args.min) {
    const min = JSON.parse(readFileSync(args.min, 'utf8'))[args.minKey || 'quality'] || {};
    for (const [c, byGroup] of Object.entries(min)) {
      for (const [g, floor] of Object.entries(byGroup)) {
        const got = figures[c] && figures[c][g];
        if (got === undefined || got < floor) {
          console.log(`eval: ${c} ${g}: ${got ?? 'missing'}% is below the recorded ${floor}%`);
          failed = true;
        }
      }
    }
  }
  if (args.misses) for (const m of misses) console.log(m);
  if (args.json) writeFileSync(args.json, JSON.stringify(figures, null, 1) + '\n');
  return failed ? 1 : 0;
}

const args = parseArgs(process.argv.slice(2));
process.exitCode = args.set === 'safety' ? await runSafety(args) : await runQuality(args);
