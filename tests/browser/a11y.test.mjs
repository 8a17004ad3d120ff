// Accessibility and looks: a keyboard-only conversation on the demo clinic
// page (the one-line embed), axe-core with zero violations on the open
// widget, and the screenshots the README shows: taken into a fresh temporary
// folder on every run, so a test run leaves the work tree as it was;
// GUIDECHAT_SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { answerByClick, focused, launch, newPage, repo, runToEnd, sel, settled, startServer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const shots = process.env.GUIDECHAT_SCREENSHOTS_DIR
  ? path.resolve(repo, process.env.GUIDECHAT_SCREENSHOTS_DIR)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'guidechat-screenshots-'));

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

// Presses Tab (or Shift+Tab) until `match` holds for the focused element.
async function tabTo(page, match, key = 'Tab', max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error('focus never reached the wanted control');
}

test('a keyboard-only conversation on the demo page, Escape returns to the launcher', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/demo.html');
  await page.locator('guide-chat .launcher').waitFor();
  await tabTo(page, (f) => f.cls === 'launcher');
  await page.keyboard.press('Enter');
  let f = await focused(page);
  assert.equal(f.tag, 'input', 'opening the panel puts focus in the message box');
  await settled(page);

  // Back from the message box to the flow chips, start the symptom check.
  await tabTo(page, (x) => x.cls === 'chip' && /symptom/i.test(x.text), 'Shift+Tab');
  await page.keyboard.press('Enter');
  await settled(page);
  for (let turn = 0; turn < 20; turn++) {
    if (await page.locator(sel.outcome).count()) break;
    f = await focused(page);
    // Focus moved to the new question's first control, and it shows.
    const outline = await page.evaluate(() => {
      let a = document.activeElement;
      while (a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      const cs = getComputedStyle(a);
      return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    });
    assert.ok(outline, 'the focused control has a visible focus outline');
    if (f.type === 'checkbox') {
      await page.keyboard.press('Space');
      await tabTo(page, (x) => x.text === 'Done');
      await page.keyboard.press('Enter');
    } else {
      assert.match(f.cls, /\bopt\b/, `focus is on an option, not ${JSON.stringify(f)}`);
      await page.keyboard.press('Enter');
    }
    await settled(page);
  }
  assert.equal(await page.locator(sel.outcome).count(), 1, 'reached an outcome by keyboard alone');

  // Typing works from the keyboard too: Enter sends.
  await tabTo(page, (x) => x.tag === 'input' && x.type === 'text');
  const users = await page.locator('guide-chat .msg.user').count();
  await page.keyboard.type('what can I do at home?');
  await page.keyboard.press('Enter');
  await settled(page);
  assert.equal(await page.locator('guide-chat .msg.user').count(), users + 1);

  // Escape closes the panel; focus is back on the launcher. No trap:
  // Tab leaves the widget for the page.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('guide-chat .panel').isVisible(), false);
  f = await focused(page);
  assert.equal(f.cls, 'launcher');
  assert.equal(await page.locator('guide-chat .launcher').getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('Shift+Tab');
  f = await focused(page);
  assert.notEqual(f.cls, 'launcher', 'focus can leave the widget');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) }));
  });
}

test('axe-core finds no violations on the open widget, mid-conversation and at the end', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/demo.html');
  await page.locator('guide-chat .launcher').click();
  await settled(page);
  assert.deepEqual(await axe(page), [], 'open widget with the greeting');
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
  await settled(page);
  assert.deepEqual(await axe(page), [], 'with a pending question');
  await runToEnd(page, answerByClick);
  await page.locator('guide-chat .starters button[data-act=summary]').click();
  await page.locator('guide-chat .summary').waitFor();
  await page.fill(sel.input, 'what is the best pizza topping in naples?');
  await page.press(sel.input, 'Enter');
  await settled(page);
  assert.deepEqual(await axe(page), [], 'with an outcome, a summary and a fallback');

  const full = await newPage(browser, { viewport: { width: 375, height: 740 } });
  await full.goto(server.url + '/');
  await settled(full);
  assert.deepEqual(await axe(full), [], 'the full-page chat');
  await page.context().close();
  await full.context().close();
});

test('axe-core finds no violations in the states of issue #16: phone, large text, confirm, slow reply, badge, Spanish', async () => {
  // A phone with "Very large" text: the full-screen modal panel, the
  // summary button, Start over asking first.
  const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24, fixed: 24 } });
  await page.clock.install();
  let hang = false;
  let held = [];
  let client;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    client = ws;
    const upstream = ws.connectToServer();
    upstream.onMessage((m) => { if (hang) held.push(m); else ws.send(m); });
  });
  await page.goto(server.url + '/demo.html');
  await page.locator('guide-chat .launcher').click();
  await settled(page);
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
  await settled(page);
  await answerByClick(page);
  await settled(page);
  assert.equal(await page.locator('guide-chat .panel').getAttribute('aria-modal'), 'true');
  assert.deepEqual(await axe(page), [], 'phone, 24 px text, modal, summary button');
  await page.locator('guide-chat .restart').click();
  await page.locator('guide-chat .confirm').waitFor();
  assert.deepEqual(await axe(page), [], 'Start over asking first');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('guide-chat .confirm').isVisible(), false, 'Escape answers "keep"');
  assert.equal(await page.locator('guide-chat .panel').isVisible(), true, 'and leaves the panel open');

  // A reply that does not come: "Still working…" and a retry.
  hang = true;
  await page.fill(sel.input, 'what helps?');
  await page.press(sel.input, 'Enter');
  await page.clock.fastForward(10500);
  await page.locator('guide-chat .retry').waitFor();
  assert.deepEqual(await axe(page), [], '"Still working…" with a retry');
  hang = false;
  held = [];
  await page.locator('guide-chat .retry').click();
  await settled(page);

  // A reply that lands while the panel is closed: the badge.
  hang = true;
  await page.evaluate(() => document.querySelector('guide-chat').ask('what triggers spasms?'));
  await page.locator('guide-chat .close').click();
  for (const end = Date.now() + 10000; !held.length && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  hang = false;
  for (const m of held.splice(0)) client.send(m);
  await page.locator('guide-chat .badge').waitFor();
  assert.deepEqual(await axe(page), [], 'closed, with the unread badge');
  await page.context().close();

  // The widget's own strings in Spanish.
  const es = await newPage(browser);
  await es.goto(server.url + '/demo.html');
  await es.locator('guide-chat').evaluate((g) => g.setAttribute('lang', 'es'));
  await es.locator('guide-chat .llabel', { hasText: 'Pregunte a la guía' }).waitFor();
  await es.locator('guide-chat .launcher').click();
  await settled(es);
  assert.deepEqual(await axe(es), [], 'Spanish');
  await es.context().close();
});

test('screenshots of the demo page on a phone and a desktop', async () => {
  fs.mkdirSync(shots, { recursive: true });
  for (const [name, viewport] of [['phone', { width: 375, height: 740 }], ['desktop', { width: 1280, height: 800 }]]) {
    const page = await newPage(browser, { viewport, deviceScaleFactor: 1 });
    await page.goto(server.url + '/demo.html');
    await page.locator('guide-chat .launcher').waitFor();
    await page.screenshot({ path: path.join(shots, `demo-${name}-closed.png`) });
    await page.locator('guide-chat .launcher').click();
    await settled(page);
    await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
    await runToEnd(page, answerByClick);
    await page.screenshot({ path: path.join(shots, `demo-${name}.png`) });
    await page.context().close();
  }
  // The full-page chat (what `deploy/setup.sh run` opens), ending in the
  // summary for the doctor.
  const page = await newPage(browser, { viewport: { width: 375, height: 740 }, deviceScaleFactor: 1 });
  await page.goto(server.url + '/');
  await settled(page);
  const prepare = page.locator('guide-chat .starters button[data-flow="prepare-visit"]');
  await (await prepare.count() ? prepare : page.locator('guide-chat .starters button[data-act=flow]').first()).click();
  await runToEnd(page, answerByClick);
  if (!(await page.locator('guide-chat .summary').count())) {
    await page.locator('guide-chat .starters button[data-act=summary]').click();
    await page.locator('guide-chat .summary').waitFor();
  }
  await settled(page);
  await page.screenshot({ path: path.join(shots, 'chat-phone.png') });
  await page.context().close();
  for (const name of ['demo-phone', 'demo-desktop', 'demo-phone-closed', 'demo-desktop-closed', 'chat-phone']) {
    assert.ok(fs.statSync(path.join(shots, name + '.png')).size > 5000, name);
  }
});

test('animations run only when motion is welcome', async () => {
  const names = {};
  for (const reducedMotion of ['no-preference', 'reduce']) {
    const page = await newPage(browser, { reducedMotion });
    await page.goto(server.url + '/');
    await settled(page);
    names[reducedMotion] = await page.locator('guide-chat .msg').first().evaluate((e) => getComputedStyle(e).animationName);
    await page.context().close();
  }
  assert.notEqual(names['no-preference'], 'none', 'messages animate in by default');
  assert.equal(names.reduce, 'none', 'prefers-reduced-motion turns animation off');
});
