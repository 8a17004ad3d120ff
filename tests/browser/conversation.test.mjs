// A whole conversation in a real browser against the real server: by clicks,
// by typing, the summary's Print and Copy, server text shown as text, and
// the page at 320 px wide. Every page must run without a CSP violation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  answerByClick, answerByTyping, freePort, launch, newPage, repo, runToEnd, sel, settled, startServer, tmpDir,
} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openChat(page) {
  await page.goto(server.url + '/');
  await page.locator('guide-chat .starters button[data-act=flow]').first().waitFor();
  await settled(page);
}

test('a whole symptom check by clicks, then the summary with Copy and Print', async () => {
  const page = await newPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  await openChat(page);
  const chip = page.locator('guide-chat .starters button[data-flow="symptom-check"]');
  assert.equal(await chip.count(), 1, 'the symptom-check flow is offered as a starter chip');
  await chip.click();
  const asked = await runToEnd(page, answerByClick);
  assert.ok(asked.length >= 2, `several questions asked (${asked.length})`);

  const outcome = page.locator(sel.outcome).last();
  const cls = await outcome.getAttribute('class');
  assert.match(cls, /\b(urgent|doctor|self-care)\b/, 'the outcome is styled by its level');
  assert.match(await outcome.locator('.src').textContent(), /^From the guide: \S/);
  assert.ok((await outcome.locator('.txt').textContent()).length > 20, 'the guide text is shown');
  // The clinic's contact line (index.html sets one) shows on urgent and
  // doctor outcomes only.
  const contact = await page.locator('guide-chat').getAttribute('contact');
  if (/\bself-care\b/.test(cls)) assert.equal(await outcome.locator('.contact').count(), 0);
  else assert.equal(await outcome.locator('.contact').textContent(), contact);
  // Answered questions are closed; the chosen option stays marked.
  assert.equal(await page.locator(sel.activeAsk).count(), 0);
  assert.ok(await page.locator('guide-chat .ask.done .picked, guide-chat .ask.done input:checked').count() >= 1);

  await page.locator('guide-chat .starters button[data-act=summary]').click();
  const summary = page.locator('guide-chat .summary').last();
  await summary.waitFor();
  const items = await summary.locator('dt').count();
  assert.ok(items >= 1, 'the summary lists the answers given');
  const firstAnswer = (await summary.locator('dd').first().textContent()).trim();

  await summary.getByRole('button', { name: 'Copy' }).click();
  await page.locator('guide-chat .note', { hasText: 'copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^Summary for your doctor\n/);
  assert.ok(copied.includes(firstAnswer), 'the copied text holds the answers');

  await summary.getByRole('button', { name: 'Print' }).click();
  const printed = await page.evaluate(() => {
    const f = document.querySelector('guide-chat').shadowRoot.querySelector('iframe.printer');
    return f && f.contentDocument.body.textContent;
  });
  assert.ok(printed && printed.includes(firstAnswer), 'the print frame holds the summary');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a whole symptom check by typing', async () => {
  const page = await newPage(browser);
  await openChat(page);
  await page.fill(sel.input, 'my eye keeps twitching, can you check my symptoms?');
  await page.press(sel.input, 'Enter');
  await settled(page);
  // The engine starts or offers the symptom check; either way a question
  // with options is pending and is answered by typing from here on.
  assert.equal(await page.locator(sel.activeAsk).count(), 1, 'a question is pending');
  const turns = await runToEnd(page, answerByTyping);
  assert.ok(turns.length >= 2, `several typed answers (${turns.length})`);
  // Every typed answer was understood: no question was asked twice in a row.
  for (let i = 1; i < turns.length; i++) {
    assert.notEqual(turns[i].text, turns[i - 1].text, `typed "${turns[i - 1].label}" was understood`);
  }
  assert.equal(await page.locator(sel.outcome).count(), 1);
  const users = await page.locator('guide-chat .msg.user .txt').allTextContents();
  assert.deepEqual(users.slice(1), turns.map((t) => t.label), 'the typed answers are shown as sent');
  assert.equal(await page.locator(sel.input).inputValue(), '', 'Enter sent and cleared the input');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('text from the server and the person is shown as text, never as markup', async () => {
  // A guide with a section full of markup, served through --knowledge.
  const dir = tmpDir('guidechat-xss-');
  const guide = fs.readFileSync(path.join(repo, 'knowledge/facial-spasm.md'), 'utf8');
  const evil = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> <b>bold</b>';
  fs.writeFileSync(path.join(dir, 'facial-spasm.md'),
    guide + `\n## Zanzibar Markup Section\n\nZanzibar quokka marker text: ${evil} end of marker.\n`);
  const evilServer = await startServer({ extra: ['--knowledge', dir] });
  const page = await newPage(browser);
  try {
    await page.goto(evilServer.url + '/');
    await settled(page);
    await page.fill(sel.input, 'zanzibar quokka marker ' + evil);
    await page.press(sel.input, 'Enter');
    await settled(page);
    const texts = await page.locator('guide-chat .msg .txt').allTextContents();
    const shown = texts.filter((t) => t.includes('<img src=x onerror='));
    assert.ok(shown.length >= 2, `the markup is visible as text, both typed and from the guide: ${texts.join(' | ')}`);
    const answer = page.locator('guide-chat .msg.bot', { hasText: 'Zanzibar quokka' });
    assert.match(await answer.locator('.src').textContent(), /Zanzibar Markup Section/);
    const elements = await page.evaluate(() => {
      const r = document.querySelector('guide-chat').shadowRoot;
      return r.querySelectorAll('.log img, .log script, .log b').length;
    });
    assert.equal(elements, 0, 'no element was created from the text');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await evilServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fallback suggestions are clickable and ask the guide', async () => {
  const page = await newPage(browser);
  await openChat(page);
  await page.fill(sel.input, 'what is the best pizza topping in naples?');
  await page.press(sel.input, 'Enter');
  await settled(page);
  const chips = page.locator('guide-chat .msg.bot button[data-act=say]');
  assert.ok(await chips.count() >= 1, 'the fallback offers suggestions');
  const suggestion = (await chips.first().textContent()).trim();
  await chips.first().click();
  await settled(page);
  const users = await page.locator('guide-chat .msg.user .txt').allTextContents();
  assert.equal(users.at(-1), suggestion, 'the suggestion was sent as the next question');
  assert.ok(await page.locator('guide-chat .msg.bot .src').count() >= 1, 'and answered from the guide');
  await page.context().close();
});

test('works at 320 px wide', async () => {
  const page = await newPage(browser, { viewport: { width: 320, height: 568 } });
  await openChat(page);
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
  await settled(page);
  const box = await page.evaluate(() => {
    const r = document.querySelector('guide-chat').shadowRoot;
    const rect = (s) => r.querySelector(s).getBoundingClientRect().toJSON();
    return { scroll: document.documentElement.scrollWidth, input: rect('#input'), send: rect('.send'),
      ask: rect('.ask:not(.done)') };
  });
  assert.ok(box.scroll <= 320, `no horizontal scrolling (${box.scroll}px)`);
  for (const k of ['input', 'send', 'ask']) {
    assert.ok(box[k].left >= 0 && box[k].right <= 320, `${k} fits: ${JSON.stringify(box[k])}`);
  }
  assert.ok(box.send.bottom <= 568, 'the send button is on screen');
  await page.context().close();
});

test('attributes: title, greeting, language label, contact link, absolute server address', async () => {
  // A page of our own, served by the real server from a copy of web-client/.
  const dir = tmpDir('guidechat-web-');
  for (const f of fs.readdirSync(path.join(repo, 'web-client'))) {
    fs.copyFileSync(path.join(repo, 'web-client', f), path.join(dir, f));
  }
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'attrs.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>attributes</title><script src="guidechat.js" defer></script></head><body><main>
<guide-chat inline server="ws://127.0.0.1:${port}/ws" chat-title="Ask Dr. Test's guide" greeting="Hi, I am the test greeting."
 language-label="English" contact="Call 555-0199" contact-href="tel:5550199"></guide-chat></main></body></html>`);
  const own = await startServer({ port, extra: ['--web', dir] });
  const page = await newPage(browser);
  try {
    await page.goto(own.url + '/attrs.html');
    await settled(page);
    assert.equal(await page.locator('guide-chat .title').textContent(), "Ask Dr. Test's guide");
    assert.equal(await page.locator('guide-chat .root').getAttribute('aria-label'), "Ask Dr. Test's guide");
    assert.equal(await page.locator('guide-chat .lang').textContent(), 'English');
    const bot = await page.locator('guide-chat .msg.bot .txt').allTextContents();
    assert.deepEqual(bot, ['Hi, I am the test greeting.'], 'the greeting replaces the server greeting text');
    assert.equal(await page.locator('guide-chat .launcher').isVisible(), false, 'inline: no launcher');
    // Red flags lead at once to the urgent outcome, with the contact link.
    await page.fill(sel.input, 'he cannot speak or chew and the pain is unbearable');
    await page.press(sel.input, 'Enter');
    await settled(page);
    const urgent = page.locator('guide-chat .outcome.urgent');
    assert.equal(await urgent.count(), 1);
    const link = urgent.locator('a.contact');
    assert.equal(await link.textContent(), 'Call 555-0199');
    assert.equal(await link.getAttribute('href'), 'tel:5550199');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await own.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an emergency: the clinic\'s emergency text, with the emergency and clinic numbers as two links', async () => {
  const dir = tmpDir('guidechat-web-');
  for (const f of fs.readdirSync(path.join(repo, 'web-client'))) {
    fs.copyFileSync(path.join(repo, 'web-client', f), path.join(dir, f));
  }
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'phones.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>phones</title><script src="guidechat.js" defer></script></head><body><main>
<guide-chat inline server="ws://127.0.0.1:${port}/ws" emergency-phone="911" clinic-phone="555-0100"
 contact="Riverside Neurology Clinic"></guide-chat></main></body></html>`);
  const own = await startServer({ port, extra: ['--web', dir] });
  const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
  try {
    await page.goto(own.url + '/phones.html');
    await settled(page);
    // Typed in the middle of a flow: the emergency still wins, first.
    await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
    await settled(page);
    await page.fill(sel.input, 'my dad just collapsed and his face is drooping on one side');
    await page.press(sel.input, 'Enter');
    await settled(page);
    // Stroke first (the clinic's file order), then the collapse.
    const urgent = page.locator('guide-chat .outcome.urgent').first();
    assert.match(await urgent.locator('.txt').textContent(), /stroke/i);
    assert.match(await urgent.locator('.src').textContent(), /^From The clinic's emergency advice: /);
    const links = urgent.locator('a.tel');
    assert.equal(await links.count(), 2);
    assert.equal(await links.nth(0).getAttribute('href'), 'tel:911');
    assert.equal(await links.nth(1).getAttribute('href'), 'tel:5550100');
    assert.equal(await links.nth(1).textContent(), '555-0100');
    // Each number on one line, even on a narrow phone.
    for (const i of [0, 1]) {
      const box = await links.nth(i).boundingBox();
      const rects = await links.nth(i).evaluate((a) => a.getClientRects().length);
      assert.equal(rects, 1, `number ${i} does not wrap (${JSON.stringify(box)})`);
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await own.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
