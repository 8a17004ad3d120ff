// Captures the protocol examples in docs/protocol.md from a running server:
//   guidechat serve --port 8080 &   node tests/server/capture_examples.mjs ws://127.0.0.1:8080/ws
// Prints each exchange as "> client" / "< server" lines (session tokens
// shortened). Uses the `ws` package installed for tests/browser.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const WebSocket = require('ws');

const url = process.argv[2] || 'ws://127.0.0.1:8080/ws';
const short = (s) =>
  s
    .replace(/"v1\.([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+"/g, '"v1.$1…"')
    .replace(/(.)\1{40,}/g, (m, c) => c.repeat(8) + '…(' + m.length + ' bytes)');

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const queue = [];
    const waiters = [];
    ws.on('message', (data) => {
      const text = data.toString();
      if (waiters.length) waiters.shift()(text);
      else queue.push(text);
    });
    ws.on('close', (code) => {
      ws.closeCode = code;
      while (waiters.length) waiters.shift()(null);
    });
    ws.next = () =>
      new Promise((r) => (queue.length ? r(queue.shift()) : waiters.push(r)));
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

async function say(ws, obj) {
  const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
  console.log('> ' + short(text));
  ws.send(text);
  const reply = await ws.next();
  console.log('< ' + short(reply));
  return reply ? JSON.parse(reply) : null;
}

const ws = await open();
const welcome = await ws.next();
console.log('### welcome\n< ' + short(welcome));
const flow = JSON.parse(welcome).flows[0].id;

console.log('### say');
await say(ws, { type: 'say', id: 1, text: 'how do I fix my car brakes?' });
await say(ws, { type: 'say', id: 2, text: 'when should my dad see a doctor?' });

console.log('### start / choose');
let r = await say(ws, { type: 'start', id: 3, flow });
let id = 4;
let token = r.session;
for (let i = 0; i < 12; i++) {
  const ask = r.parts.find((p) => p.type === 'ask');
  if (!ask || r.parts.some((p) => p.type === 'outcome')) break;
  r = await say(ws, { type: 'choose', id: id++, ask: ask.id, options: [ask.options[0].id] });
  if (i === 0) token = r.session;
}
console.log('### summary');
await say(ws, { type: 'summary', id: id++ });
console.log('### reset');
await say(ws, { type: 'reset', id: id++ });

console.log('### emergency, typed mid-flow');
await say(ws, { type: 'start', id: 30, flow });
await say(ws, { type: 'say', id: 31, text: 'his face has dropped on one side and he cannot lift his arm' });
console.log('### urgent sign in other words');
await say(ws, { type: 'say', id: 32, text: 'she can barely chew her dinner when it starts' });

console.log('### hello (resume)');
const ws2 = await open();
await ws2.next();
await say(ws2, { type: 'hello', id: 'resume-1', session: token });

console.log('### errors');
await say(ws, '{"type":"say","id":7,');
await say(ws, { type: 'say', id: 8 });
await say(ws, { type: 'start', id: 9, flow: 'no-such-flow' });
await say(ws, { type: 'choose', id: 10, ask: 'no-such-ask', options: ['yes'] });
r = await say(ws, { type: 'start', id: 11, flow });
const ask = r.parts.find((p) => p.type === 'ask');
await say(ws, { type: 'choose', id: 12, ask: ask.id, options: ['maybe-not'] });
await say(ws, { type: 'hello', id: 13, session: token.slice(0, -4) + 'AAAA' });
await say(ws, { type: 'say', id: 14, text: 'x'.repeat(5000) });

console.log('### rate_limited (a burst of 25 summary requests)');
for (let i = 0; i < 25; i++) ws2.send(JSON.stringify({ type: 'summary', id: 100 + i }));
for (let i = 0; i < 25; i++) {
  const m = await ws2.next();
  if (m && m.includes('rate_limited')) { console.log('< ' + m); break; }
}

console.log('### too_large (a 20 KiB frame)');
ws2.send('{"type":"say","text":"' + 'y'.repeat(20000) + '"}');
for (;;) {
  const m = await ws2.next();
  if (m === null) break;
  if (m.includes('too_large')) console.log('< ' + m);
}
console.log('close code ' + ws2.closeCode);
ws.close(1000);
