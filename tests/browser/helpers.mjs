// Shared pieces of the browser tests: start the real guidechat server on a
// free port, launch Debian's chromium through playwright-core (never a
// downloaded browser), and look inside the widget's shadow root.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chromiumPath = process.env.GUIDECHAT_CHROMIUM || '/usr/bin/chromium';
export const sessionKey = 'browser-tests-fixed-session-key-0123456789';

export function binary() {
  const bin = process.env.GUIDECHAT_BIN || path.join(repo, 'build/src/cli/guidechat');
  if (!fs.existsSync(bin)) throw new Error(`guidechat binary not found at ${bin} (set GUIDECHAT_BIN)`);
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `guidechat serve` and waits for /healthz. `extra` adds flags.
export async function startServer({ port, extra = [], key = sessionKey } = {}) {
  port = port || (await freePort());
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn', ...extra];
  if (!extra.includes('--web')) args.push('--web', path.join(repo, 'web-client'));
  const child = spawn(binary(), args, {
    env: { ...process.env, GUIDECHAT_SESSION_KEY: key },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`guidechat serve exited early: ${stderr}`);
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok) break;
    } catch (e) { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`guidechat serve not ready on ${url}: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    url, port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 4000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page that records CSP violations, page errors and an XSS canary.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ reducedMotion: 'reduce', ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('pageerror: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      page.problems.push('csp: ' + m.text());
    }
  });
  page.setDefaultTimeout(10000);
  return page;
}

// The widget's parts, by the selectors of guidechat.js (Playwright CSS
// selectors pierce open shadow roots).
export const sel = {
  log: 'guide-chat .log',
  input: 'guide-chat #input',
  activeAsk: 'guide-chat .ask:not(.done)',
  outcome: 'guide-chat .outcome',
  note: 'guide-chat .note',
  status: 'guide-chat .status',
};

// Waits until no request is in flight (typing indicator hidden) and the
// widget is connected.
export async function settled(page) {
  await page.waitForFunction(() => {
    const g = document.querySelector('guide-chat');
    const r = g && g.shadowRoot;
    return r && r.querySelector('.typing').hidden && r.querySelector('.root').dataset.state === 'on';
  });
}

// The element focused inside the widget (or the page's, outside it).
export function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    return { tag: a.tagName.toLowerCase(), cls: a.className, text: (a.textContent || '').trim(),
      type: a.type || '', label: a.getAttribute('aria-label') || '' };
  });
}

export async function countMessages(page, cls) {
  return page.locator(`guide-chat .msg.${cls}`).count();
}

// Answers the pending ask by clicking: the first option (or the first box
// and Done). Returns the ask's text.
export async function answerByClick(page) {
  const ask = page.locator(sel.activeAsk).last();
  const text = (await ask.locator('p.txt').textContent()).trim();
  const boxes = ask.locator('input[type=checkbox]');
  if (await boxes.count()) {
    await boxes.first().check();
    await ask.getByRole('button', { name: 'Done' }).click();
  } else {
    await ask.locator('button.opt').first().click();
  }
  return text;
}

// Answers the pending ask by typing the label of its first option.
export async function answerByTyping(page) {
  const ask = page.locator(sel.activeAsk).last();
  const text = (await ask.locator('p.txt').textContent()).trim();
  const first = ask.locator('button.opt:not(.done-btn), label.check span').first();
  const label = (await first.textContent()).trim();
  await page.fill(sel.input, label);
  await page.press(sel.input, 'Enter');
  return { text, label };
}

// Answers asks with `answer` until an outcome (or a summary) shows.
export async function runToEnd(page, answer, maxTurns = 20) {
  const asked = [];
  for (let i = 0; i < maxTurns; i++) {
    await settled(page);
    if (await page.locator('guide-chat .outcome, guide-chat .summary').count()) return asked;
    if (!(await page.locator(sel.activeAsk).count())) throw new Error('no pending question and no outcome');
    const before = await page.locator('guide-chat .msg').count();
    asked.push(await answer(page));
    await page.waitForFunction((n) => document.querySelector('guide-chat').shadowRoot
      .querySelectorAll('.msg').length > n + 1, before);
  }
  throw new Error(`no outcome after ${maxTurns} answers: ${JSON.stringify(asked)}`);
}

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
