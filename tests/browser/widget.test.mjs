// What a patient meets (issue #16): the summary for the doctor one tap away
// (with every outcome and after any answered question), Start over asking
// before it wipes answers nobody printed or copied, the printed summary with
// date, clinic and outcome, typed answers ticked on the question, buttons
// that send once, a reply that does not come ("Still working…" and a retry),
// the browser's offline/online events, and an empty summary with nothing to
// print. Real chromium, the real server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { answerByClick, launch, newPage, repo, runToEnd, sel, settled, startServer, tmpDir } from './helpers.mjs';

let server;
let browser;
let web;

// Pages of our own, served by the real server from a copy of web-client/
// (a page the test fulfils itself counts as another network to chromium).
const pages = {
  'plain.html': inline(),
  'clinic.html': inline('clinic-name="Riverside Neurology Clinic"'),
  'contact.html': inline('clinic-name="Riverside Neurology Clinic" clinic-phone="555-0100" emergency-phone="911" ' +
    'clinic-hours="Mon-Fri 8:00-18:00" clinic-url="https://clinic.example/book"'),
};

function inline(attrs = '') {
  return `<guide-chat inline server="/ws" chat-title="Riverside patient guide" ${attrs}></guide-chat>`;
}

before(async () => {
  web = tmpDir('guidechat-web-');
  for (const f of fs.readdirSync(path.join(repo, 'web-client'))) {
    fs.copyFileSync(path.join(repo, 'web-client', f), path.join(web, f));
  }
  for (const [name, body] of Object.entries(pages)) {
    fs.writeFileSync(path.join(web, name), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>test</title><link rel="stylesheet" href="site.css"><script src="guidechat.js" defer></script></head>
<body class="full"><main class="full-main">${body}</main></body></html>`);
  }
  server = await startServer({ extra: ['--web', web] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(web, { recursive: true, force: true });
});

async function ownPage(page, name = 'plain.html') {
  await page.goto(server.url + '/' + name);
}

// Counts the protocol messages the page sends, by type.
function countSent(page) {
  const sent = {};
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    try { const t = JSON.parse(payload).type; sent[t] = (sent[t] || 0) + 1; } catch (e) { /* not ours */ }
  }));
  return sent;
}

async function startFlow(page, flow = 'symptom-check') {
  await page.locator(`guide-chat .starters button[data-flow="${flow}"]`).first().click();
  await settled(page);
}

// A fresh page of the test site with the symptom check started.
async function pageInFlow(name = 'plain.html') {
  const page = await newPage(browser);
  await ownPage(page, name);
  await settled(page);
  await startFlow(page);
  return page;
}

test('the summary is one tap away: after the first answer and with every outcome', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const sent = countSent(page);
  await ownPage(page, 'clinic.html');
  await settled(page);
  const bar = page.locator('guide-chat .tools .sumbtn');
  assert.equal(await bar.isVisible(), false, 'nothing to summarise yet');
  await startFlow(page);
  await answerByClick(page);
  await settled(page);
  assert.equal(await bar.isVisible(), true, 'offered after the first answered question');
  assert.equal(await bar.textContent(), 'Summary for the doctor');
  const box = await bar.boundingBox();
  assert.ok(box.y + box.height <= 844, 'on screen, next to the message box');

  await runToEnd(page, answerByClick);
  const outcome = page.locator(sel.outcome).last();
  const button = outcome.getByRole('button', { name: 'Summary for the doctor' });
  assert.equal(await button.count(), 1, 'the outcome carries its own summary button');
  await button.click();
  const summary = page.locator('guide-chat .summary').last();
  await summary.waitFor();
  await settled(page);
  assert.ok(await summary.locator('dt').count() >= 2, 'the answers are listed');
  assert.equal(sent.summary, 1, 'sent as the protocol\'s summary message');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('typed "summary for my doctor" gets the summary too', async () => {
  const page = await pageInFlow();
  await answerByClick(page);
  await settled(page);
  await page.fill(sel.input, 'summary for my doctor');
  await page.press(sel.input, 'Enter');
  await page.locator('guide-chat .summary').waitFor();
  await settled(page);
  assert.equal(await page.locator(sel.activeAsk).count(), 1, 'the pending question is still open');
  await page.context().close();
});

test('the printed summary: date, clinic, outcome, each answer once; Start over asks first', async () => {
  const page = await pageInFlow('clinic.html');
  await runToEnd(page, answerByClick);
  const level = (await page.locator(sel.outcome).locator('h3').textContent()).trim();

  // Not printed or copied yet: Start over asks, and "Keep" keeps everything.
  const before = await page.locator('guide-chat .msg').count();
  await page.locator('guide-chat .restart').click();
  const confirm = page.locator('guide-chat .confirm');
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /not been printed or copied/);
  await confirm.getByRole('button', { name: 'Keep my answers' }).click();
  assert.equal(await confirm.isVisible(), false);
  assert.equal(await page.locator('guide-chat .msg').count(), before, 'nothing was wiped');

  await page.locator('guide-chat .tools .sumbtn').click();
  const summary = page.locator('guide-chat .summary').last();
  await summary.waitFor();
  const answers = await summary.locator('dd').allTextContents();
  await summary.getByRole('button', { name: 'Print' }).click();
  const printed = await page.evaluate(() => document.querySelector('guide-chat').shadowRoot
    .querySelector('iframe.printer').contentDocument.body.innerText);
  assert.match(printed, /^Summary for your doctor/);
  assert.match(printed, /Clinic: Riverside Neurology Clinic/);
  assert.match(printed, new RegExp(`Date: .*${new Date().getFullYear()}`));
  assert.match(printed, new RegExp(`Outcome: ${level}\\. \\S`, 'i'));
  for (const a of answers) {
    const times = printed.split(a).length - 1;
    assert.ok(times >= 1, `"${a}" is printed`);
  }
  // The server's prose repeats every answer: it is not printed as well.
  assert.equal(printed.split(answers[0]).length - 1, 1, 'each answer once');

  // Printed: Start over goes ahead without asking.
  await page.locator('guide-chat .restart').click();
  await page.locator(sel.note, { hasText: 'Started over' }).waitFor();
  assert.equal(await confirm.isVisible(), false);
  assert.equal(await page.locator('guide-chat .tools .sumbtn').isVisible(), false);
  await page.context().close();
});

test('Start over, confirmed, forgets the answers; an empty summary offers no Print or Copy', async () => {
  const page = await pageInFlow();
  await answerByClick(page);
  await settled(page);
  await page.locator('guide-chat .restart').click();
  await page.locator('guide-chat .confirm').getByRole('button', { name: 'Start over' }).click();
  await page.locator(sel.note, { hasText: 'Started over' }).waitFor();
  await settled(page);
  await page.locator('guide-chat .starters button[data-act=summary]').click();
  const summary = page.locator('guide-chat .summary');
  await summary.waitFor();
  assert.equal(await summary.locator('dt').count(), 0);
  assert.equal(await summary.getByRole('button').count(), 0, 'nothing to print or copy');
  await page.context().close();
});

test('typed answers are ticked on the question the server took them for', async () => {
  const page = await pageInFlow();
  const where = page.locator(sel.activeAsk);
  assert.match(await where.locator('.txt').textContent(), /Where/);
  await page.fill(sel.input, 'his eyelid and his lips');
  await page.press(sel.input, 'Enter');
  await settled(page);
  const done = page.locator('guide-chat .ask.done').first();
  const ticked = await done.locator('input:checked').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(ticked.sort(), ['eyes', 'lips'], 'both places are ticked');
  assert.ok(await page.locator('guide-chat .msg.bot', { hasText: /^Guide: Noted: / }).count() >= 1, 'and the reply says what was noted');

  // A single choice, typed: its option is marked as picked.
  await page.fill(sel.input, 'a few secs');
  await page.press(sel.input, 'Enter');
  await settled(page);
  const picked = await page.locator('guide-chat .ask.done').nth(1).locator('.picked').allTextContents();
  assert.deepEqual(picked, ['A few seconds']);
  // Not taken as an answer (a question instead): nothing is ticked.
  await page.fill(sel.input, 'what can I do at home?');
  await page.press(sel.input, 'Enter');
  await settled(page);
  assert.equal(await page.locator('guide-chat .ask .picked').count(), 1);

  // The ticks survive a reload.
  await page.reload();
  await settled(page);
  const again = await page.locator('guide-chat .ask.done').first().locator('input:checked').count();
  assert.equal(again, 2);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a double tap sends once; buttons wait for their reply', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true });
  const sent = countSent(page);
  await ownPage(page);
  await settled(page);
  const users = await page.locator('guide-chat .msg.user').count();
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').dblclick();
  await settled(page);
  assert.equal(sent.start, 1, 'one start message');
  assert.equal(await page.locator('guide-chat .msg.user').count(), users + 1);
  assert.equal(await page.locator('guide-chat .ask').count(), 1);
  // After the reply the starter chips work again.
  assert.equal(await page.locator('guide-chat .starters button').first().isEnabled(), true);
  await page.context().close();
});

test('no reply within 10 s: "Still working…", then a retry that gets the answer', async () => {
  const page = await newPage(browser);
  await page.clock.install();
  let hang = false;
  const held = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    upstream.onMessage((m) => { if (hang && !/"welcome"/.test(m)) held.push(m); else ws.send(m); });
  });
  await ownPage(page);
  await settled(page);
  hang = true;
  await page.fill(sel.input, 'what helps with facial spasms?');
  await page.press(sel.input, 'Enter');
  await page.waitForFunction(() => document.querySelector('guide-chat').shadowRoot.querySelector('.typing').hidden === false);
  await page.clock.fastForward(10500);
  await page.locator(sel.status, { hasText: 'Still working…' }).waitFor();
  const retry = page.locator('guide-chat .retry');
  assert.equal(await retry.isVisible(), true);
  assert.equal(await page.locator('guide-chat .root').getAttribute('data-state'), 'slow');
  hang = false;
  await retry.click();
  await settled(page);
  assert.ok(await page.locator('guide-chat .msg.bot .src').count() >= 1, 'answered after the retry');
  assert.equal(await retry.isVisible(), false);
  assert.equal(held.length, 1, 'the first reply never arrived');
  await page.context().close();
});

test('the browser going offline is shown at once; back online, it reconnects', async () => {
  const page = await newPage(browser);
  await ownPage(page);
  await settled(page);
  await page.context().setOffline(true);
  await page.locator(sel.status, { hasText: 'Offline' }).waitFor();
  assert.equal(await page.locator('guide-chat .root').getAttribute('data-state'), 'off');
  await page.fill(sel.input, 'what helps with facial spasms?');
  await page.press(sel.input, 'Enter');
  await page.locator(sel.status, { hasText: 'will be sent when the connection is back' }).waitFor();
  await page.context().setOffline(false);
  await settled(page);
  assert.ok(await page.locator('guide-chat .msg.bot .src').count() >= 1, 'the queued question was answered');
  await page.context().close();
});

test('the clinic\'s contact is at hand: in the header, with a fallback and when offline', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await ownPage(page, 'contact.html');
  await settled(page);
  const card = page.locator('guide-chat .contact-card').last();
  await page.locator('guide-chat .head').getByRole('button', { name: 'Contact' }).click();
  await card.waitFor();
  assert.match(await card.textContent(), /Riverside Neurology Clinic/);
  assert.deepEqual(await card.locator('a.tel').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ['tel:911', 'tel:5550100'], 'the emergency number and the clinic\'s, each its own link');
  assert.match(await card.locator('.hours').textContent(), /^Hours: Mon-Fri 8:00-18:00$/);
  assert.equal(await card.locator('a.book').getAttribute('href'), 'https://clinic.example/book');

  await page.fill(sel.input, 'what is the best pizza topping in naples?');
  await page.press(sel.input, 'Enter');
  await settled(page);
  const cards = await page.locator('guide-chat .contact-card').count();
  await page.locator('guide-chat .msg.bot').last().getByRole('button', { name: 'Contact' }).click();
  assert.equal(await page.locator('guide-chat .contact-card').count(), cards + 1, 'offered with the fallback');

  await page.context().setOffline(true);
  const bar = page.locator('guide-chat .bar').getByRole('button', { name: 'Contact' });
  await bar.waitFor();
  await bar.click();
  assert.equal(await page.locator('guide-chat .contact-card').count(), cards + 2, 'and while offline');
  await page.context().setOffline(false);
  await settled(page);
  assert.equal(await bar.isVisible(), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
