// The embed as a clinic really uses it: the clinic's page on one origin, the
// script and the WebSocket on the chat server's origin. The server accepts
// the clinic's origin only when told to (--allow-origin); otherwise, and
// when the clinic's CSP forgets the chat, the widget names the cause.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { answerByClick, freePort, launch, newPage, runToEnd, sel, settled, startServer } from './helpers.mjs';

let browser;
let clinic;
let clinicPort;

// The clinic's own site, with its own strict CSP that names the chat server.
function clinicPage(chat, withServer) {
  const ws = chat.replace('http:', 'ws:');
  const server = withServer ? ` data-server="${ws}/ws"` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic</title></head>
<body><main><h1>Another clinic's site</h1><p>Questions? Ask the guide.</p></main>
<script src="${chat}/guidechat.js"${server} data-contact="Call the clinic" defer></script>
</body></html>`;
}

before(async () => {
  browser = await launch();
  clinicPort = await freePort();
  clinic = http.createServer((req, res) => {
    const query = new URL(req.url, 'http://x').searchParams;
    const chat = query.get('chat');
    if (!chat || !/^http:\/\/127\.0\.0\.1:\d+$/.test(chat)) { res.writeHead(404); res.end(); return; }
    // csp=forgot: the clinic's CSP does not name the chat's WebSocket.
    const connect = query.get('csp') === 'forgot' ? '' : ` ${chat.replace('http:', 'ws:')}`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src 'self' ${chat}; style-src 'self' ${chat}; ` +
        `connect-src 'self'${connect}`,
    });
    res.end(clinicPage(chat, query.get('server') !== 'none'));
  });
  await new Promise((r) => clinic.listen(clinicPort, '127.0.0.1', r));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => clinic?.close(r) ?? r());
});

test('embedded on another origin that the server allows: a whole conversation', async () => {
  const server = await startServer({ extra: ['--allow-origin', `http://127.0.0.1:${clinicPort}`] });
  const page = await newPage(browser);
  try {
    await page.goto(`http://127.0.0.1:${clinicPort}/?chat=${server.url}`);
    await page.locator('guide-chat .launcher').click();
    await settled(page);
    await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
    await runToEnd(page, answerByClick);
    assert.equal(await page.locator(sel.outcome).count(), 1);
    assert.deepEqual(page.problems, [], 'the widget runs under the clinic page CSP');
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('embedded on an origin the server does not allow: refused, and the panel and console say why', async () => {
  const server = await startServer();
  const page = await newPage(browser);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && /^guidechat:/.test(m.text())) errors.push(m.text()); });
  try {
    await page.goto(`http://127.0.0.1:${clinicPort}/?chat=${server.url}`);
    await page.locator('guide-chat .launcher').click();
    // Not "Offline" forever: the clinic's set-up is named as the cause.
    await page.locator(sel.status, { hasText: 'This site is not allowed to use the chat — see docs/embedding.md' }).waitFor();
    assert.equal(await page.locator('guide-chat .root').getAttribute('data-state'), 'bad');
    assert.equal(await page.locator('guide-chat .msg').count(), 0, 'no conversation with a refused origin');
    assert.equal(errors.length, 1, 'one console error for the webmaster');
    assert.match(errors[0], new RegExp(`--allow-origin http://127\\.0\\.0\\.1:${clinicPort}`));
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a clinic CSP without the chat in connect-src: the panel and the console say so', async () => {
  const server = await startServer({ extra: ['--allow-origin', `http://127.0.0.1:${clinicPort}`] });
  const page = await newPage(browser);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && /^guidechat:/.test(m.text())) errors.push(m.text()); });
  try {
    await page.goto(`http://127.0.0.1:${clinicPort}/?chat=${server.url}&csp=forgot`);
    await page.locator('guide-chat .launcher').click();
    await page.locator(sel.status, { hasText: 'security policy blocks the chat — see docs/embedding.md' }).waitFor();
    assert.equal(await page.locator('guide-chat .root').getAttribute('data-state'), 'bad');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /connect-src/);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a script tag without data-server still adds the chat (the server next to the script) and warns', async () => {
  const server = await startServer({ extra: ['--allow-origin', `http://127.0.0.1:${clinicPort}`] });
  const page = await newPage(browser);
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning' && /^guidechat:/.test(m.text())) warnings.push(m.text()); });
  try {
    await page.goto(`http://127.0.0.1:${clinicPort}/?chat=${server.url}&server=none`);
    await page.locator('guide-chat .launcher').click();
    await settled(page);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /no data-server; using ws:\/\/127\.0\.0\.1:\d+\/ws/);
    await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
    await settled(page);
    assert.equal(await page.locator(sel.activeAsk).count(), 1, 'and it works');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});
