// A scripted patient for the deployment tests: starts a flow, answers every
// structured question with a choice fixed by (patient number, question id),
// and when the connection drops (a replica killed or restarted) reconnects,
// sends `hello` with its last session token and carries on from the question
// the server shows again. It records its path (questions answered and
// choices) and its outcome, so that a run under failures can be compared
// with an undisturbed reference run.

import { hash, sleep } from './harness.mjs';

class Link {
  // Opens one WebSocket and waits for `welcome`.
  static open(WebSocket, url, { ca, origin, localAddress }) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ca, origin, servername: 'localhost', handshakeTimeout: 3000,
        localAddress });
      const link = new Link(ws);
      const fail = (e) => { ws.terminate(); reject(e); };
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', fail);
      link.waitNext(5000).then((m) => {
        ws.removeListener('error', fail);
        ws.on('error', () => {});
        if (!m) return fail(new Error('closed before welcome'));
        if (m.type !== 'welcome') return fail(new Error(`expected welcome, got ${m.type}`));
        link.welcome = m;
        resolve(link);
      });
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.queue = [];
    this.waiters = [];
    this.closed = false;
    this.closeCode = null;
    ws.on('message', (data) => {
      let m;
      try { m = JSON.parse(data.toString()); } catch { m = { type: 'unparsable', raw: String(data) }; }
      const w = this.waiters.shift();
      if (w) w(m); else this.queue.push(m);
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w(null);
    });
  }

  // The next frame, or null when the connection closed first.
  waitNext(timeoutMs) {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve({ type: 'timeout' });
      }, timeoutMs);
      const done = (m) => { clearTimeout(t); resolve(m); };
      this.waiters.push(done);
    });
  }

  // Sends one message and returns its answer, or null when the connection
  // dropped before the answer came.
  async request(msg, timeoutMs = 10000) {
    if (this.closed || this.ws.readyState !== 1) return null;
    this.ws.send(JSON.stringify(msg));
    const m = await this.waitNext(timeoutMs);
    if (m && m.reply_to !== msg.id) {
      throw new Error(`misordered: sent id ${msg.id}, got ${JSON.stringify(m).slice(0, 200)}`);
    }
    return m;
  }

  close() { try { this.ws.close(1000); } catch { /* gone */ } }
}

export class Patient {
  constructor({ WebSocket, url, ca, origin, index, flow, pace = () => 0, gates = [],
    reconnectDeadlineMs = 30000, localAddress }) {
    Object.assign(this, { WebSocket, url, ca, origin, index, flow, pace, gates,
      reconnectDeadlineMs, localAddress });
    this.nextId = 1;
    this.token = null;
    this.path = [];
    this.outcome = null;
    this.reconnects = 0;
    this.resumes = 0;
    this.connectFailures = 0;
    this.steps = 0;
  }

  async connect() {
    const deadline = Date.now() + this.reconnectDeadlineMs;
    let delay = 20;
    for (;;) {
      try {
        return await Link.open(this.WebSocket, this.url,
          { ca: this.ca, origin: this.origin, localAddress: this.localAddress });
      } catch (e) {
        this.connectFailures++;
        if (Date.now() > deadline) throw new Error(`patient ${this.index}: cannot reconnect: ${e.message}`);
        await sleep(delay);
        delay = Math.min(delay * 2, 500);
      }
    }
  }

  // The ask part of a reply, the outcome part, or an error.
  static read(reply, what) {
    if (!reply) return null;
    if (reply.type === 'timeout') throw new Error(`no answer to ${what} within the timeout`);
    if (reply.type !== 'reply') {
      throw new Error(`${what}: expected a reply, got ${JSON.stringify(reply).slice(0, 300)}`);
    }
    const parts = reply.parts || [];
    return {
      session: reply.session,
      ask: parts.find((p) => p.type === 'ask') || null,
      outcome: parts.find((p) => p.type === 'outcome') || null,
      summary: parts.find((p) => p.type === 'summary') || null,
    };
  }

  choice(ask) {
    const h = hash(`${this.index}:${ask.id}`);
    return ask.options[h % ask.options.length].id;
  }

  async run() {
    let link = await this.connect();
    this.token = link.welcome.session;
    if (!link.welcome.flows.some((f) => f.id === this.flow)) {
      throw new Error(`the server offers no flow '${this.flow}'`);
    }
    let pending = null; // the ask to answer next
    let started = false;
    try {
      for (let guard = 0; guard < 60 && !this.outcome; guard++) {
        const gate = this.gates.find((g) => g.afterStep === this.steps && !g.passed?.has(this));
        if (gate) {
          (gate.passed ??= new Set()).add(this);
          gate.arrive();
          await gate.open;
        }
        const wait = this.pace();
        if (wait > 0) await sleep(wait);

        let msg;
        if (!started) msg = { type: 'start', flow: this.flow };
        else if (pending && pending.options.length) {
          msg = { type: 'choose', ask: pending.id, options: [this.choice(pending)] };
        } else {
          throw new Error(`patient ${this.index}: no question to answer and no outcome`);
        }
        msg.id = this.nextId++;
        const r = Patient.read(await link.request(msg), `${msg.type} #${msg.id}`);
        if (r) {
          this.token = r.session;
          if (msg.type === 'choose') this.path.push(`${msg.ask}=${msg.options[0]}`);
          started = true;
          pending = r.ask;
          this.steps++;
          if (r.outcome) {
            this.outcome = { level: r.outcome.level, section: r.outcome.source?.section,
              text: r.outcome.text };
          } else if (r.summary && !r.ask) {
            // Flows that prepare a visit end with the summary for the doctor.
            this.outcome = { level: 'summary', items: r.summary.items };
          }
          continue;
        }
        // The connection dropped before the answer: reconnect and resume.
        for (;;) {
          this.reconnects++;
          link = await this.connect();
          const id = this.nextId++;
          const hello = await link.request({ type: 'hello', id, session: this.token });
          if (hello && hello.type === 'error') {
            throw new Error(`patient ${this.index}: resume refused: ${hello.code} ${hello.message}`);
          }
          const h = Patient.read(hello, `hello #${id}`);
          if (!h) continue; // dropped again (the other replica is restarting too)
          this.resumes++;
          this.token = h.session;
          pending = h.ask;
          if (started && !pending) {
            throw new Error(`patient ${this.index}: resumed without the pending question`);
          }
          break;
        }
      }
    } finally {
      link.close();
      for (const g of this.gates) {
        if (!g.passed?.has(this)) { (g.passed ??= new Set()).add(this); g.arrive(); }
      }
    }
    if (!this.outcome) throw new Error(`patient ${this.index}: no outcome after ${this.steps} steps`);
    return { index: this.index, flow: this.flow, path: this.path, outcome: this.outcome };
  }
}

// A point all patients reach (or finish before) before the test acts.
export function makeGate(afterStep, count) {
  const g = { afterStep, arrived: 0 };
  g.open = new Promise((r) => (g.release = r));
  g.all = new Promise((r) => (g.allArrived = r));
  g.arrive = () => { if (++g.arrived === count) g.allArrived(); };
  return g;
}
