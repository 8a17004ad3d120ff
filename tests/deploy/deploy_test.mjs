#!/usr/bin/env node
// Deployment tests (ctest, loopback only):
//   nginx     the shipped nginx config passes `nginx -t` and serves through
//             TLS with the security headers; /metrics is not public.
//   failover  nginx in front of two replicas sharing a session key; 50
//             conversations in flight over wss://; one replica SIGKILLed
//             mid-flow; every patient reconnects, resumes on the other
//             replica and reaches the same outcome as an undisturbed run.
//   rolling   the same with a rolling restart: SIGTERM one replica, start it
//             again, then the other.
//   reload    SIGHUP: a good edit of knowledge/ goes live, broken edits are
//             refused and the old content keeps serving; a conversation whose
//             pending question was edited away can start again.
//
// usage: node deploy_test.mjs SCENARIO --guidechat BINARY --source DIR
// Exit 77 (ctest: skipped) only when nginx is not installed.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import {
  Nginx, Replica, SKIP, NGINX, freePort, httpGet, loadWs, makeCertificate, nginxAvailable,
  randomKey, rng, sleep, tempDir,
} from './harness.mjs';
import { Patient, makeGate } from './conversation.mjs';

const PATIENTS = 50;
const FLOWS = ['symptom-check', 'prepare-visit'];

function args() {
  const a = process.argv.slice(2);
  const out = { scenario: a[0] };
  for (let i = 1; i < a.length; i += 2) out[a[i].replace(/^--/, '')] = a[i + 1];
  if (!out.scenario || !out.guidechat || !out.source) {
    console.error('usage: deploy_test.mjs nginx|failover|rolling|reload --guidechat BIN --source DIR');
    process.exit(2);
  }
  return out;
}

const log = (...m) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...m);

// As in production: the replicas believe X-Forwarded-For from nginx only.
async function stack(opt, dir, extraArgs = []) {
  const cert = makeCertificate(dir);
  const key = randomKey();
  const ports = [await freePort(), await freePort()];
  const nginx = new Nginx({ sourceDir: opt.source, dir, upstreams: ports, cert });
  await nginx.writeConfig();
  const replicas = ports.map((port, i) => new Replica({
    binary: opt.guidechat, port, key, origin: nginx.origin, name: `replica-${'AB'[i]}`,
    // The test's patients all come from 127.0.0.1 and answer at machine
    // speed: the per-address message budget is lifted for them.
    extraArgs: ['--trust-proxy', '127.0.0.1', '--address-rate', '1000000', '--address-burst',
      '1000000', ...extraArgs],
  }));
  await Promise.all(replicas.map((r) => r.start()));
  await nginx.start();
  return { cert, key, nginx, replicas };
}

function patients(WebSocket, s, { pace, gates = [] } = {}) {
  return Array.from({ length: PATIENTS }, (_, i) => new Patient({
    WebSocket, url: s.nginx.wsUrl, ca: s.cert.pem, origin: s.nginx.origin, index: i,
    flow: FLOWS[i % FLOWS.length], pace: pace ? pace(i) : undefined, gates,
  }));
}

async function runAll(list) {
  const results = await Promise.allSettled(list.map((p) => p.run()));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  return { results: results.map((r) => r.value), failed };
}

function compare(reference, results, failed) {
  const lost = failed.length;
  let wrong = 0;
  for (let i = 0; i < PATIENTS; i++) {
    if (!results[i]) continue;
    try {
      assert.deepEqual(results[i], reference[i]);
    } catch (e) {
      wrong++;
      if (wrong <= 3) log(`patient ${i} differs from the reference:\n${e.message}`);
    }
  }
  for (const f of failed.slice(0, 5)) log(`lost: ${f}`);
  return { lost, wrong };
}

async function reference(WebSocket, s) {
  const t0 = Date.now();
  const { results, failed } = await runAll(patients(WebSocket, s));
  assert.deepEqual(failed, [], 'the undisturbed reference run must succeed');
  const levels = {};
  for (const r of results) levels[r.outcome.level] = (levels[r.outcome.level] || 0) + 1;
  const steps = results.map((r) => r.path.length);
  log(`reference: ${PATIENTS} conversations in ${Date.now() - t0} ms; outcomes ${JSON.stringify(levels)}; ` +
    `questions answered ${Math.min(...steps)}..${Math.max(...steps)}`);
  return results;
}

function Link_open(WebSocket, s) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(s.nginx.wsUrl, { ca: s.cert.pem, origin: s.nginx.origin });
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

const paced = (lo, hi) => (i) => { const r = rng(1000 + i); return () => lo + r() * (hi - lo); };

function failTimeoutMs(nginx) {
  const site = fs.readFileSync(path.join(nginx.dir, 'site.conf'), 'utf8');
  const m = /fail_timeout=(\d+)s/.exec(site);
  assert.ok(m, 'the upstream sets fail_timeout in seconds');
  return Number(m[1]) * 1000;
}

async function openConnections(replica) {
  return (await replica.metrics()).guidechat_connections_open ?? -1;
}

// --- nginx -----------------------------------------------------------------

async function scenarioNginx(opt, WebSocket) {
  const dir = tempDir('nginx');
  const s = await stack(opt, dir, ['--max-connections-per-ip', '2']);
  const page = await httpGet(`https://localhost:${s.nginx.httpsPort}/`, s.cert.pem);
  assert.equal(page.status, 200, 'the chat page through nginx');
  assert.match(page.headers['strict-transport-security'] || '', /max-age=\d+/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.ok(!/nginx\/\d/.test(page.headers.server || ''), 'server_tokens off');
  assert.ok(page.headers['content-security-policy'], "guidechat's own CSP passes through");
  const metrics = await httpGet(`https://localhost:${s.nginx.httpsPort}/metrics`, s.cert.pem);
  assert.equal(metrics.status, 404, '/metrics is not served publicly');
  const plain = await httpGet(`http://127.0.0.1:${s.nginx.httpPort}/chat?x=1`);
  assert.equal(plain.status, 301, 'plain HTTP redirects to https');
  assert.match(plain.headers.location, /^https:\/\//);
  // A client-sent X-Forwarded-For is replaced by the real address.
  const site = fs.readFileSync(path.join(dir, 'site.conf'), 'utf8') +
    fs.readFileSync(path.join(opt.source, 'deploy/nginx/guidechat-proxy.conf'), 'utf8');
  assert.match(site, /proxy_set_header X-Forwarded-For \$remote_addr;/);
  // One conversation over wss:// to its outcome.
  const p = new Patient({ WebSocket, url: s.nginx.wsUrl, ca: s.cert.pem, origin: s.nginx.origin,
    index: 7, flow: FLOWS[0] });
  const r = await p.run();
  log(`one conversation over wss:// reached '${r.outcome.level}' after ${r.path.length} answers`);
  // A foreign origin is refused (guidechat's origin check, through nginx).
  const refused = await new Promise((resolve) => {
    const ws = new WebSocket(s.nginx.wsUrl, { ca: s.cert.pem, origin: 'https://evil.example' });
    ws.on('unexpected-response', (_q, res) => resolve(res.statusCode));
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('error', () => resolve(0));
  });
  assert.equal(refused, 403, 'a foreign Origin is refused');

  // The per-address limit sees the patient's address that nginx forwarded,
  // not nginx's own, and a client cannot choose its address with a header.
  const open = (from, fake) => new Promise((resolve) => {
    const headers = fake ? { 'X-Forwarded-For': fake, 'X-Real-IP': fake } : {};
    const ws = new WebSocket(s.nginx.wsUrl, { ca: s.cert.pem, origin: s.nginx.origin,
      localAddress: from, headers });
    ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode }));
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', (e) => resolve({ status: 0, error: e.message }));
  });
  const held = [];
  for (let i = 0; i < 4; i++) held.push(await open('127.0.0.2')); // 2 per replica
  assert.deepEqual(held.map((h) => h.status), [101, 101, 101, 101]);
  const fifth = await open('127.0.0.2', '10.9.9.9');
  assert.equal(fifth.status, 429, 'the 5th connection from one address is refused, whatever it claims');
  const other = await open('127.0.0.3');
  assert.equal(other.status, 101, 'another address still gets in');
  log('per-address limit behind nginx: 4 connections from 127.0.0.2 held (2 per replica), ' +
    'the 5th refused (429) even with a forged X-Forwarded-For, 127.0.0.3 accepted');
  for (const h of [...held, other]) h.ws.close();
  await s.nginx.stop();
  await Promise.all(s.replicas.map((x) => x.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- flood -------------------------------------------------------------------

// One address over its limits must not take the site down for anyone else.
// The attacker (127.0.0.2) holds every connection each replica allows it and
// keeps adding handshakes; the replicas answer 429, which nginx passes on
// without taking them for failed (with 503 both were marked down for
// fail_timeout and other patients got 502). Then nginx's own per-address
// limit_conn, lowered for the test, refuses the attacker before the replicas.
function openFrom(WebSocket, s, from, url = s.nginx.wsUrl, origin = s.nginx.origin) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const ws = new WebSocket(url, { ca: s.cert.pem, origin, localAddress: from,
      servername: 'localhost', handshakeTimeout: 5000 });
    ws.on('unexpected-response', (_q, res) => { res.resume(); resolve({ status: res.statusCode }); });
    ws.once('message', () => resolve({ status: 101, ws, ms: Date.now() - t0 }));
    ws.on('error', (e) => resolve({ status: 0, error: e.message }));
  });
}

async function scenarioFlood(opt, WebSocket) {
  const PER_IP = 3;
  const dir = tempDir('flood');
  const s = await stack(opt, dir, ['--max-connections-per-ip', String(PER_IP)]);
  const held = [];
  for (let i = 0; i < 2 * PER_IP + 2; i++) held.push(await openFrom(WebSocket, s, '127.0.0.2'));
  const statuses = held.map((h) => h.status);
  assert.deepEqual(statuses.slice(0, 2 * PER_IP), Array(2 * PER_IP).fill(101),
    'the attacker gets its allowed connections on each replica');
  assert.deepEqual(statuses.slice(2 * PER_IP), [429, 429], 'then 429, not 503');

  // The flood: 40 handshakes a second from the attacker for 4 s, while 20
  // patients (each from an address of its own) go through their flows and a
  // prober (127.0.0.3) opens a chat and fetches the page every 100 ms.
  const floodStatus = {};
  let flooding = true;
  const flood = (async () => {
    const pending = [];
    while (flooding) {
      pending.push(openFrom(WebSocket, s, '127.0.0.2').then((r) => {
        floodStatus[r.status] = (floodStatus[r.status] || 0) + 1;
        if (r.ws) r.ws.close();
      }));
      await sleep(25);
    }
    await Promise.all(pending);
  })();
  const probe = { chats: 0, chatFailures: [], pages: 0, pageFailures: [], worstMs: 0 };
  const prober = (async () => {
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      const r = await openFrom(WebSocket, s, '127.0.0.3');
      probe.chats++;
      if (r.status !== 101) probe.chatFailures.push(r.status);
      else { probe.worstMs = Math.max(probe.worstMs, r.ms); r.ws.close(); }
      const page = await httpGet(`https://localhost:${s.nginx.httpsPort}/`, s.cert.pem);
      probe.pages++;
      if (page.status !== 200) probe.pageFailures.push(page.status);
      await sleep(100);
    }
  })();
  const list = Array.from({ length: 20 }, (_, i) => new Patient({
    WebSocket, url: s.nginx.wsUrl, ca: s.cert.pem, origin: s.nginx.origin, index: i,
    flow: FLOWS[i % FLOWS.length], pace: paced(20, 80)(i), localAddress: `127.0.3.${10 + i}` }));
  const { failed } = await runAll(list);
  await prober;
  flooding = false;
  await flood;
  const patientFailures = list.reduce((n, p) => n + p.connectFailures, 0);
  log(`flood: attacker's handshakes ${JSON.stringify(floodStatus)}; 20 patients finished ` +
    `(${failed.length} lost, ${patientFailures} failed connects); prober ${probe.chats} chats ` +
    `(failed: ${JSON.stringify(probe.chatFailures)}, worst open+welcome ${probe.worstMs} ms), ` +
    `${probe.pages} pages (failed: ${JSON.stringify(probe.pageFailures)})`);
  assert.deepEqual(failed, [], 'every other patient finishes');
  assert.equal(patientFailures, 0, "no other patient's connection fails");
  assert.deepEqual(probe.chatFailures, [], 'every probe chat opens');
  assert.deepEqual(probe.pageFailures, [], 'every probe page loads');
  assert.deepEqual(Object.keys(floodStatus), ['429'], 'the attacker gets 429 only');
  for (const h of held) if (h.ws) h.ws.close();
  await s.nginx.stop();

  // nginx's own limit_conn, lowered to 4: the attacker's 5th open connection
  // is refused by nginx (429) although the replicas would take 6.
  const dir2 = tempDir('flood-conn');
  const nginx = new Nginx({ sourceDir: opt.source, dir: dir2, upstreams: s.replicas.map((r) => r.port),
    cert: s.cert, limitConn: 4 });
  await nginx.start();
  const s2 = { ...s, nginx };
  const origin = s.nginx.origin; // the one the replicas allow
  await Promise.all(s.replicas.map((r) => waitUntil(async () => (await openConnections(r)) === 0)));
  const more = [];
  for (let i = 0; i < 6; i++) more.push(await openFrom(WebSocket, s2, '127.0.0.2', nginx.wsUrl, origin));
  assert.deepEqual(more.map((h) => h.status), [101, 101, 101, 101, 429, 429],
    "nginx's limit_conn refuses the 5th connection of one address");
  const other = await openFrom(WebSocket, s2, '127.0.0.3', nginx.wsUrl, origin);
  assert.equal(other.status, 101, 'another address still gets in');
  log('flood: nginx limit_conn 4 held 4 connections of 127.0.0.2, refused the 5th and 6th (429); ' +
    '127.0.0.3 accepted');
  for (const h of [...more, other]) if (h.ws) h.ws.close();
  await nginx.stop();
  await Promise.all(s.replicas.map((x) => x.stop()));
}

async function waitUntil(fn, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

// --- pipeline ------------------------------------------------------------------

// Clients that send many messages without waiting, through nginx, while the
// replica serving them is stopped (SIGTERM) and started again. The replica
// answers what reaches it until none has come for 200 ms, then closes 1001;
// the client resends what got no reply (docs/protocol.md) on a new
// connection. No message may be lost, and next to none should need
// resending (the previous server, which closed at once, needed 377 of
// 1,200 resent).
class Pipeliner {
  constructor(WebSocket, s, index, count) {
    Object.assign(this, { WebSocket, s, index, count });
    this.answered = new Set();
    this.token = null;
    this.resent = 0;
    this.closes = [];
  }
  open() {
    return new Promise((resolve, reject) => {
      const ws = new this.WebSocket(this.s.nginx.wsUrl, { ca: this.s.cert.pem,
        origin: this.s.nginx.origin, servername: 'localhost', handshakeTimeout: 3000 });
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.session) this.token = m.session;
        if (m.type === 'welcome' && !ws.welcomed) { ws.welcomed = true; resolve(ws); return; }
        if (typeof m.reply_to === 'number' && m.type === 'reply') this.answered.add(m.reply_to);
      });
      ws.on('close', (code) => this.closes.push(code));
      ws.on('unexpected-response', (_q, res) => { res.resume(); reject(new Error(`HTTP ${res.statusCode}`)); });
      ws.on('error', reject);
    });
  }
  sendAll(ws, ids) {
    for (const id of ids) ws.send(JSON.stringify({ type: 'say', id, text: `what triggers spasms? (${id})` }));
  }
  async run(started) {
    let ws = await this.open();
    const ids = Array.from({ length: this.count }, (_, i) => i);
    this.sendAll(ws, ids);
    started();
    const deadline = Date.now() + 30000;
    while (this.answered.size < this.count && Date.now() < deadline) {
      if (ws.readyState === 3) {
        // Closed (1001): resume, then send again what got no reply.
        try { ws = await this.open(); } catch { await sleep(50); continue; }
        if (this.token) ws.send(JSON.stringify({ type: 'hello', id: 'h', session: this.token }));
        const missing = ids.filter((i) => !this.answered.has(i));
        this.resent += missing.length;
        this.sendAll(ws, missing);
      }
      await sleep(20);
    }
    this.ws = ws; // left open: a restart still closes it with 1001
    return this.count - this.answered.size;
  }
}

async function scenarioPipeline(opt, WebSocket) {
  const CLIENTS = 12;
  const MESSAGES = 100;
  const dir = tempDir('pipeline');
  const s = await stack(opt, dir, ['--rate', '1000', '--burst', '1000']);
  const [A, B] = s.replicas;
  const list = Array.from({ length: CLIENTS }, (_, i) => new Pipeliner(WebSocket, s, i, MESSAGES));
  let sent = 0;
  let allSent;
  const sentAll = new Promise((r) => (allSent = r));
  const running = Promise.all(list.map((c) => c.run(() => { if (++sent === CLIENTS) allSent(); })));
  await sentAll;
  const pending = list.reduce((n, c) => n + MESSAGES - c.answered.size, 0);
  // A rolling restart, at once: A first, then B once A is back.
  const exitA = await A.stop('SIGTERM');
  await A.start();
  await waitUntil(async () => (await httpGet(`https://localhost:${s.nginx.httpsPort}/healthz`,
    s.cert.pem)).status === 200);
  const exitB = await B.stop('SIGTERM');
  await B.start();
  const lost = (await running).reduce((n, x) => n + x, 0);
  await waitUntil(async () => list.every((c) => c.closes.length > 0 || c.ws.readyState === 1));
  const resent = list.reduce((n, c) => n + c.resent, 0);
  const going = list.filter((c) => c.closes.includes(1001)).length;
  log(`pipeline: ${CLIENTS} clients x ${MESSAGES} messages sent at once through nginx, then a ` +
    `rolling restart (exits ${JSON.stringify(exitA)} ${JSON.stringify(exitB)}); ` +
    `${pending} messages unanswered at the first SIGTERM; ${going} clients got 1001; ` +
    `${resent} messages resent after it; ${lost} lost`);
  for (const c of list) c.ws.close();
  assert.equal(exitA.code, 0);
  assert.equal(lost, 0, 'no message is lost');
  assert.ok(resent <= CLIENTS, `next to nothing needs resending (${resent})`);
  assert.ok(going >= CLIENTS / 2, `the restarts closed the clients' connections (${going})`);
  await s.nginx.stop();
  await Promise.all(s.replicas.map((x) => x.stop()));
}

// --- failover ----------------------------------------------------------------

async function scenarioFailover(opt, WebSocket) {
  const dir = tempDir('failover');
  const s = await stack(opt, dir);
  const [A, B] = s.replicas;
  const ref = await reference(WebSocket, s);

  const gate = makeGate(2, PATIENTS);
  const list = patients(WebSocket, s, { pace: paced(5, 40), gates: [gate] });
  const t0 = Date.now();
  const running = runAll(list);
  await gate.all;
  const onA = await openConnections(A);
  const onB = await openConnections(B);
  log(`all ${PATIENTS} conversations mid-flow; open connections A=${onA} B=${onB}`);
  gate.release();
  await sleep(15); // let some messages be in flight
  A.proc.kill('SIGKILL');
  const killedAt = Date.now();
  const exit = await A.proc.exited;
  log(`replica A SIGKILLed (${JSON.stringify(exit)})`);
  const { results, failed } = await running;
  const reconnects = list.reduce((n, p) => n + p.reconnects, 0);
  const resumed = list.filter((p) => p.resumes > 0).length;
  const { lost, wrong } = compare(ref, results, failed);
  const mB = await B.metrics();
  log(`failover: ${PATIENTS - lost}/${PATIENTS} reached their outcome, lost=${lost}, wrong=${wrong}; ` +
    `${resumed} conversations resumed on B (${reconnects} reconnects, ` +
    `${list.reduce((n, p) => n + p.connectFailures, 0)} failed connection attempts); ` +
    `all done ${Date.now() - killedAt} ms after the kill (${Date.now() - t0} ms total); ` +
    `B: sessions_resumed_total=${mB.guidechat_sessions_resumed_total} ` +
    `tokens_refused_total=${mB.guidechat_tokens_refused_total}`);
  assert.equal(lost, 0, 'zero conversations lost');
  assert.equal(wrong, 0, 'zero wrong answers');
  assert.ok(onA >= 5 && resumed >= 5, `the kill must hit conversations (on A: ${onA}, resumed: ${resumed})`);
  assert.ok(mB.guidechat_sessions_resumed_total >= resumed, 'B counted the resumed sessions');
  assert.equal(mB.guidechat_tokens_refused_total, 0, 'no token refused');

  // A comes back (systemd restarts it) and nginx sends it new conversations
  // again: after fail_timeout it is re-tried, and re-admitted by the first
  // request to it that completes (a page load, /healthz; a WebSocket only
  // completes when it closes). Patients' browsers load the page and open a
  // chat; here /healthz and a connection every 100 ms stand in.
  await A.start();
  const restartedAt = Date.now();
  const links = [];
  let backOnA = 0;
  while (backOnA < 2 && Date.now() - restartedAt < 15000) {
    await httpGet(`https://localhost:${s.nginx.httpsPort}/healthz`, s.cert.pem);
    links.push(await Link_open(WebSocket, s));
    backOnA = await openConnections(A);
    await sleep(100);
  }
  log(`after A restarted: ${backOnA} new connections on A within ${Date.now() - restartedAt} ms ` +
    `(${links.length} opened)`);
  assert.ok(backOnA >= 2, 'nginx uses the restarted replica again');
  for (const l of links) l.close();
  await s.nginx.stop();
  await B.stop();
  await A.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- rolling restart ---------------------------------------------------------

async function scenarioRolling(opt, WebSocket) {
  const dir = tempDir('rolling');
  const s = await stack(opt, dir);
  const ref = await reference(WebSocket, s);

  const gates = [makeGate(2, PATIENTS), makeGate(3, PATIENTS)];
  const list = patients(WebSocket, s, { pace: paced(5, 40), gates });
  const t0 = Date.now();
  const running = runAll(list);
  for (const [i, replica] of s.replicas.entries()) {
    await gates[i].all;
    const open = await openConnections(replica);
    gates[i].release();
    await sleep(15);
    const t = Date.now();
    const exit = await replica.stop('SIGTERM');
    log(`${replica.name} (${open} open connections) SIGTERM -> exit ${JSON.stringify(exit)} in ${Date.now() - t} ms`);
    assert.equal(exit.code, 0, `${replica.name} exits 0 on SIGTERM`);
    const graceful = replica.proc.events('shutdown').length;
    assert.equal(graceful, 1, 'graceful shutdown logged');
    await replica.start();
    // As docs/deploy.md says: wait out nginx's fail_timeout and fetch
    // /healthz through nginx before the next replica goes, or nginx may
    // still count this one as failed.
    if (i + 1 < s.replicas.length) {
      await sleep(failTimeoutMs(s.nginx) + 500);
      for (let k = 0; k < 2; k++) {
        const h = await httpGet(`https://localhost:${s.nginx.httpsPort}/healthz`, s.cert.pem);
        assert.equal(h.status, 200);
      }
    }
    log(`${replica.name} restarted`);
  }
  const { results, failed } = await running;
  const reconnects = list.reduce((n, p) => n + p.reconnects, 0);
  const resumed = list.filter((p) => p.resumes > 0).length;
  const { lost, wrong } = compare(ref, results, failed);
  log(`rolling restart: ${PATIENTS - lost}/${PATIENTS} reached their outcome, lost=${lost}, ` +
    `wrong=${wrong}; ${resumed} conversations resumed (${reconnects} reconnects, ` +
    `${list.reduce((n, p) => n + p.connectFailures, 0)} failed connection attempts) in ${Date.now() - t0} ms`);
  assert.equal(lost, 0, 'zero conversations lost');
  assert.equal(wrong, 0, 'zero wrong answers');
  assert.ok(resumed >= 10, `the restarts must hit conversations (resumed: ${resumed})`);
  // Failed connection attempts (nginx 502 while it still counts the restarted
  // replica as failed) only delay a reconnect by at most fail_timeout; they
  // are logged above, not asserted: what matters is that nothing is lost.
  await s.nginx.stop();
  await Promise.all(s.replicas.map((x) => x.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- SIGHUP reload -----------------------------------------------------------

async function scenarioReload(opt, WebSocket) {
  const dir = tempDir('reload');
  const knowledge = path.join(dir, 'knowledge');
  const dialogs = path.join(dir, 'dialogs');
  fs.cpSync(path.join(opt.source, 'knowledge'), knowledge, { recursive: true });
  fs.cpSync(path.join(opt.source, 'dialogs'), dialogs, { recursive: true });
  const port = await freePort();
  const gaps = path.join(dir, 'gaps.json');
  const replica = new Replica({ binary: opt.guidechat, port, key: randomKey(), knowledge, dialogs,
    name: 'replica', extraArgs: ['--gap-report', gaps] });
  await replica.start();
  const url = `ws://127.0.0.1:${port}/ws`;
  const connect = () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames = [];
    const waiters = [];
    ws.on('message', (d) => { const m = JSON.parse(d.toString()); const w = waiters.shift(); if (w) w(m); else frames.push(m); });
    ws.on('error', reject);
    const next = () => (frames.length ? Promise.resolve(frames.shift()) : new Promise((r) => waiters.push(r)));
    let id = 0;
    const ask = (msg) => { msg.id = ++id; ws.send(JSON.stringify(msg)); return next(); };
    next().then((welcome) => resolve({ ws, welcome, ask }));
  });
  const question = 'Does acupuncture work?';
  const source = (reply) => reply.parts.find((p) => p.type === 'answer')?.source?.section;
  const hasFallback = (reply) => reply.parts.some((p) => p.type === 'fallback');
  const reloads = (event) => replica.proc.events(event).length;
  const hup = async (event) => {
    const before = reloads(event);
    replica.proc.kill('SIGHUP');
    const deadline = Date.now() + 10000;
    while (reloads(event) === before) {
      if (Date.now() > deadline) throw new Error(`no '${event}' log line after SIGHUP:\n${replica.proc.tail()}`);
      await sleep(20);
    }
    return replica.proc.events(event).at(-1);
  };

  const c = await connect();
  let r = await c.ask({ type: 'say', text: question });
  assert.ok(hasFallback(r), 'before the edit the guide does not cover acupuncture');
  // A conversation pinned to a question of the symptom check.
  const pinned = await connect();
  const started = await pinned.ask({ type: 'start', flow: 'symptom-check' });
  const firstAsk = started.parts.find((p) => p.type === 'ask');
  assert.ok(firstAsk, 'the symptom check asks a question');

  // 1. A good edit: a new section goes live.
  const guide = path.join(knowledge, 'facial-spasm.md');
  const original = fs.readFileSync(guide, 'utf8');
  fs.writeFileSync(guide, `${original.trimEnd()}\n\n## Acupuncture\n\n` +
    'There is little research on acupuncture for facial spasm. If you want to try acupuncture, ' +
    'talk to your doctor first and choose a licensed practitioner.\n');
  let ev = await hup('reloaded');
  log(`good edit: reloaded (${JSON.stringify(ev)})`);
  r = await c.ask({ type: 'say', text: question });
  assert.equal(source(r), 'acupuncture', 'the new section answers after the reload');
  // The pinned conversation goes on (its flow did not change).
  const opt0 = firstAsk.options[0].id;
  r = await pinned.ask({ type: 'choose', ask: firstAsk.id, options: [opt0] });
  assert.equal(r.type, 'reply', `the pinned conversation continues: ${JSON.stringify(r).slice(0, 200)}`);
  const nextAsk = r.parts.find((p) => p.type === 'ask');

  // 2. Broken edits are refused; the old content keeps serving.
  const flowFile = path.join(dialogs, '10-symptom-check.json');
  const flowText = fs.readFileSync(flowFile, 'utf8');
  fs.writeFileSync(flowFile, flowText.replace('"start"', '"start" "broken'));
  ev = await hup('reload_refused');
  log(`broken flow JSON: refused (${ev.error})`);
  assert.match(ev.error, /10-symptom-check\.json/, 'the log names the broken file');
  fs.writeFileSync(flowFile, flowText);
  fs.writeFileSync(guide, `Text before the title\n${fs.readFileSync(guide, 'utf8')}\n## Acupuncture\n\nAgain.\n`);
  ev = await hup('reload_refused');
  log(`broken guide: refused (${ev.error})`);
  assert.match(ev.error, /facial-spasm\.md/, 'the log names the broken guide');
  r = await c.ask({ type: 'say', text: question });
  assert.equal(source(r), 'acupuncture', 'the content from before the broken edits still serves');
  assert.equal((await httpGet(`http://127.0.0.1:${port}/healthz`)).status, 200);
  const m = await replica.metrics();
  assert.equal(m['guidechat_content_reloads_total{result="applied"}'], 1);
  assert.equal(m['guidechat_content_reloads_total{result="refused"}'], 2);

  // 3. A flow edit removes the pending question of the pinned conversation.
  fs.writeFileSync(guide, original);
  assert.ok(nextAsk, 'the symptom check asks a second question');
  const renamed = flowText.split(`"${nextAsk.id}"`).join(`"${nextAsk.id}-v2"`);
  assert.notEqual(renamed, flowText);
  fs.writeFileSync(flowFile, renamed);
  ev = await hup('reloaded');
  log(`flow edit (question '${nextAsk.id}' renamed): reloaded`);
  r = await pinned.ask({ type: 'choose', ask: nextAsk.id, options: [nextAsk.options[0].id] });
  log(`pinned conversation, answering the removed question: ${JSON.stringify(r).slice(0, 240)}`);
  // Either it goes on, or it is told clearly to start again.
  if (r.type === 'error') {
    assert.equal(r.code, 'unknown_ask', 'a clear error, not internal');
    assert.match(r.message, /start .*again/, 'the error tells the patient to start again');
  }
  // It can start again and reach an outcome on the new flow.
  r = await pinned.ask({ type: 'start', flow: 'symptom-check' });
  let ask = r.parts.find((p) => p.type === 'ask');
  for (let i = 0; i < 20 && ask; i++) {
    r = await pinned.ask({ type: 'choose', ask: ask.id, options: [ask.options.at(-1).id] });
    assert.equal(r.type, 'reply', JSON.stringify(r).slice(0, 200));
    ask = r.parts.find((p) => p.type === 'ask');
  }
  assert.ok(r.parts.some((p) => p.type === 'outcome' || p.type === 'summary'),
    'the restarted conversation reaches its end');

  // The gap report holds no question text (it counted the fallback).
  c.ws.close();
  pinned.ws.close();
  const exit = await replica.stop('SIGTERM');
  assert.equal(exit.code, 0);
  const report = JSON.parse(fs.readFileSync(gaps, 'utf8'));
  assert.equal(report.format, 'guidechat-gaps');
  assert.ok(report.fallbacks >= 1, 'the fallback was counted');
  assert.ok(!fs.readFileSync(gaps, 'utf8').includes('acupuncture work'), 'no question text stored');
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- content-gap report, end to end ----------------------------------------------

async function scenarioGaps(opt, WebSocket) {
  const dir = tempDir('gaps');
  const port = await freePort();
  const file = path.join(dir, 'gaps.json');
  // As behind nginx: the replica trusts the loopback proxy's X-Forwarded-For,
  // so each conversation below comes from the address it names.
  const replica = new Replica({ binary: opt.guidechat, port, key: randomKey(), name: 'replica',
    extraArgs: ['--gap-report', file, '--trust-proxy', '127.0.0.1'] });
  await replica.start();
  // One conversation: its frames, after sending `questions` from `address`.
  const converse = async (address, questions) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { 'X-Forwarded-For': address } });
    const frames = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    for (const [i, text] of questions.entries()) ws.send(JSON.stringify({ type: 'say', id: i, text }));
    const deadline = Date.now() + 5000;
    while (frames.length < questions.length + 1 && Date.now() < deadline) await sleep(10);
    ws.close();
    return frames;
  };
  const isFallback = (f) => f.parts?.some((p) => p.type === 'fallback');
  // One person asking the same thing again and again, with a name and a number.
  const first = await converse('198.51.100.1', ['Does acupuncture work?', 'is ACUPUNCTURE any good',
    'acupuncture?', 'Can my neighbour Rupert Smythe-Jones try acupuncture on 07700 900123?',
    'Does homeopathy work?', 'mail jo.bloggs about acupuncture']);
  // Two more people; a second conversation from an address already counted.
  const others = [await converse('198.51.100.2', ['acupuncture?']),
    await converse('198.51.100.3', ['acupuncture?']),
    await converse('198.51.100.2', ['acupuncture?'])];
  const all = [first, ...others].flat();
  const fallbacks = all.filter(isFallback).length;
  assert.equal((await replica.stop('SIGTERM')).code, 0);
  const stored = fs.readFileSync(file, 'utf8');
  log(`gap report after ${all.length - 4} questions (${fallbacks} fallbacks): ${stored.replace(/\s+/g, ' ')}`);
  for (const word of ['Rupert', 'rupert', 'Smythe', 'smythe', 'neighbour', '07700', 'homeopathy',
    'Does', 'jo', 'bloggs', '198.51']) {
    assert.ok(!stored.includes(word), `the report must not hold '${word}'`);
  }
  const report = JSON.parse(stored);
  assert.equal(report.fallbacks, fallbacks, 'every fallback question is counted in the total');
  assert.equal((fs.statSync(file).mode & 0o777), 0o600, 'the report is readable by its owner only');
  const cli = spawnSync(opt.guidechat, ['gaps', file, file], { encoding: 'utf8' });
  log(`guidechat gaps (the same file twice, as two replicas):\n${cli.stdout}`);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /fallbacks counted: \d+/);
  // 'acupuncture' alone: once per address whose plain question got a fallback
  // (the first person's three questions count once, the third conversation's
  // address was already counted); below 3, a group is never stored.
  const people = [first.slice(1, 4), others[0], others[1]].filter((fs_) => fs_.some(isFallback)).length;
  if (people >= 3) {
    assert.equal(report.groups.acupuncture, people, 'acupuncture counts people, not questions');
    assert.match(cli.stdout, new RegExp(`\\s${2 * people}\\s+acupuncture\\n`), 'acupuncture: x 2 files');
  } else {
    assert.ok(!cli.stdout.includes('acupuncture'), 'below 3, a group is never stored');
  }
  const bad = spawnSync(opt.guidechat, ['gaps', path.join(opt.source, 'README.md')], { encoding: 'utf8' });
  assert.equal(bad.status, 1, 'a file that is not a gap report is refused');
  assert.match(bad.stderr, /README\.md/);
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- the shipped settings file and unit ----------------------------------------

async function scenarioSettings(opt) {
  const help = spawnSync(opt.guidechat, ['serve', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  const options = new Set([...help.stdout.matchAll(/Env:(GUIDECHAT_[A-Z_]+)/g)].map((m) => m[1]));
  options.add('GUIDECHAT_SESSION_KEY'); // read directly, never a flag (it is a secret)
  assert.ok(options.size >= 15, `serve --help lists its environment variables (${options.size})`);
  const example = fs.readFileSync(path.join(opt.source, 'deploy/guidechat.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^#?(GUIDECHAT_[A-Z_]+)=/gm)].map((m) => m[1]));
  const missing = [...options].filter((o) => !documented.has(o));
  const unknown = [...documented].filter((d) => !options.has(d));
  assert.deepEqual(missing, [], 'every setting of `serve` is in deploy/guidechat.env.example');
  assert.deepEqual(unknown, [], 'the example sets nothing `serve` does not know');
  // Each setting line comes with an explanation: a comment right above it or
  // above the group of settings it belongs to (rate and burst).
  const lines = example.split('\n');
  const setting = (l) => /^#?GUIDECHAT_[A-Z_]+=/.test(l);
  for (const [i, line] of lines.entries()) {
    if (!setting(line)) continue;
    let j = i - 1;
    while (j >= 0 && setting(lines[j])) j--;
    assert.ok(j >= 0 && lines[j].startsWith('# '), `no explanation above '${line}'`);
  }
  // The values in the example are accepted by `serve` itself (a port of 0 and
  // a log level of `off` make it exit at once after checking).
  const env = { ...process.env };
  for (const line of lines) {
    const m = /^(GUIDECHAT_[A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  Object.assign(env, { GUIDECHAT_KNOWLEDGE: path.join(opt.source, 'knowledge'),
    GUIDECHAT_DIALOGS: path.join(opt.source, 'dialogs'),
    GUIDECHAT_WEB: path.join(opt.source, 'web-client'), GUIDECHAT_PORT: '0',
    GUIDECHAT_SESSION_KEY: randomKey() });
  const child = spawn(opt.guidechat, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  // Up once it logs "ready"; a refused setting makes it exit instead. A fixed
  // pause would race the start-up on a loaded machine.
  const deadline = Date.now() + 10000;
  while (!/"event":"ready"/.test(err) && child.exitCode === null && Date.now() < deadline) {
    await sleep(20);
  }
  const alive = child.exitCode === null;
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.ok(alive, `serve starts with the example settings:\n${err}`);
  assert.equal(code, 0);
  assert.match(err, /"event":"ready"/);
  log(`settings: ${options.size} settings of serve, all documented in guidechat.env.example; ` +
    'serve starts with the example values');

  // The systemd unit: a replica that exits without being asked to (even
  // "cleanly", as SIGHUP's default action did) is started again.
  const unit = path.join(opt.source, 'deploy/guidechat@.service');
  const unitText = fs.readFileSync(unit, 'utf8');
  assert.match(unitText, /^Restart=always$/m, 'the unit restarts on any unexpected exit');
  assert.match(unitText, /^ExecReload=.*-HUP/m, 'reload is SIGHUP');
  // systemd's own checker, when it is installed.
  const analyze = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  if (analyze.error) {
    log('systemd-analyze not installed: unit not verified');
  } else {
    const problems = analyze.stderr.split('\n').filter((l) => l && !/is not executable|No such file/.test(l));
    assert.deepEqual(problems, [], 'systemd-analyze verify finds no problem in the unit');
    const dir = tempDir('unit');
    const copy = path.join(dir, 'guidechat@8081.service');
    fs.copyFileSync(unit, copy);
    const sec = spawnSync('systemd-analyze', ['security', '--offline=yes', copy], { encoding: 'utf8' });
    const m = /Overall exposure level for .*: ([\d.]+)/.exec(sec.stdout);
    if (m) {
      log(`systemd-analyze security: exposure ${m[1]}`);
      assert.ok(Number(m[1]) <= 2.0, `the unit stays hardened (exposure ${m[1]})`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// -----------------------------------------------------------------------------

const opt = args();
if (!nginxAvailable() && !['reload', 'gaps', 'settings'].includes(opt.scenario)) {
  console.log(`SKIPPED: nginx is not installed (${NGINX}); the deployment test needs it ` +
    '(Debian: apt-get install nginx).');
  process.exit(SKIP);
}
if (!fs.existsSync(opt.guidechat)) {
  console.error(`no guidechat binary at ${opt.guidechat}`);
  process.exit(1);
}
const WebSocket = loadWs(opt.source);
const scenarios = { nginx: scenarioNginx, flood: scenarioFlood, pipeline: scenarioPipeline, failover: scenarioFailover, rolling: scenarioRolling,
  reload: scenarioReload, gaps: scenarioGaps, settings: scenarioSettings };
const run = scenarios[opt.scenario];
if (!run) {
  console.error(`unknown scenario ${opt.scenario}`);
  process.exit(2);
}
const watchdog = setTimeout(() => {
  console.error('FAILED: the scenario did not finish within 120 s');
  process.exit(1);
}, 120000);
try {
  await run(opt, WebSocket);
  clearTimeout(watchdog);
  log(`PASSED: ${opt.scenario}`);
  process.exit(0);
} catch (e) {
  console.error(`FAILED: ${opt.scenario}: ${e.stack || e.message}`);
  process.exit(1);
}
