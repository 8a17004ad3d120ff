// Looks and the page's side (issue #16): text that follows the person's font
// size whatever the host page does, the full-screen modal panel on phones in
// both orientations (and the floating one on a desktop), Escape after a tap,
// a disabled Done that looks disabled, one stored conversation per widget,
// the JavaScript API and its events, the launcher's position and offsets,
// the unread badge and the Spanish strings. Real chromium, the real server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { focused, launch, newPage, repo, sel, settled, startServer, tmpDir } from './helpers.mjs';

let server;
let browser;
let web;

const head = (lang = 'en', css = '') => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>test</title>${css}</head>`;
const embed = (attrs = '') => `<script src="guidechat.js" data-server="/ws" data-emergency-phone="911" ${attrs} defer></script>`;
const page = (body, { lang, css } = {}) => `${head(lang, css)}<body><main><h1>A clinic</h1><p>Some text.</p>
<a href="#top">A link on the page</a></main>${body}</body></html>`;

// A host page that does everything a widget's text should survive.
const hostile = `html { font-size: 62.5%; }
body { font: italic 8px/1 serif; letter-spacing: .3em; word-spacing: 1em; text-transform: uppercase; text-align: right; }
guide-chat { font-size: 10px; line-height: 1; letter-spacing: 2px; text-transform: uppercase; }
* { font-size: 1rem; }`;

const pages = {
  'float.html': page(embed()),
  'hostile.html': page(embed(), { css: '<link rel="stylesheet" href="hostile.css">' }),
  'two.html': `${head()}<body><main><guide-chat inline server="/ws" chat-title="One"></guide-chat>
<guide-chat inline server="/ws" chat-title="Two"></guide-chat></main><script src="guidechat.js" defer></script></body></html>`,
  'api.html': page(`<guide-chat server="/ws" position="bottom-left" offset-x="40" offset-y="2em"></guide-chat>
<script src="guidechat.js" defer></script>`),
  'es.html': page(embed(), { lang: 'es' }),
  'strings.html': page(embed(`data-strings='{"launcher": "Hable con nosotros"}'`), { lang: 'es' }),
};

before(async () => {
  web = tmpDir('guidechat-web-');
  for (const f of fs.readdirSync(path.join(repo, 'web-client'))) {
    fs.copyFileSync(path.join(repo, 'web-client', f), path.join(web, f));
  }
  fs.writeFileSync(path.join(web, 'hostile.css'), hostile);
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(web, name), html);
  server = await startServer({ extra: ['--web', web] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(web, { recursive: true, force: true });
});

async function openFloating(page, name = 'float.html') {
  await page.goto(server.url + '/' + name);
  await page.locator('guide-chat .launcher').click();
  await settled(page);
}

// The browser's own default font size, as a person sets it ("Very large" is 24).
async function fontSetting(page, px) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: px, fixed: px } });
}

const px = (page, selector, prop = 'font-size') => page.locator(selector).first()
  .evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), prop);

test('text follows the person\'s font size, whatever the host page does', async () => {
  for (const [name, size] of [['float.html', 16], ['hostile.html', 16], ['float.html', 24], ['hostile.html', 24]]) {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await fontSetting(page, size);
    await openFloating(page, name);
    const what = `${name} at ${size}px`;
    assert.equal(await px(page, 'guide-chat .msg.bot .txt'), `${size}px`, `messages, ${what}`);
    assert.equal(await px(page, 'guide-chat .launcher'), `${size}px`, `launcher, ${what}`);
    assert.equal(await px(page, 'guide-chat #input'), `${size}px`, `message box, ${what}`);
    // Smaller print is relative to it, never below 75 % of the setting.
    const note = parseFloat(await px(page, 'guide-chat .starters .lbl'));
    assert.ok(note >= size * 0.75, `labels ${note}px, ${what}`);
    assert.equal(await px(page, 'guide-chat .msg.bot .txt', 'text-transform'), 'none', what);
    assert.equal(await px(page, 'guide-chat .msg.bot .txt', 'letter-spacing'), 'normal', what);
    assert.equal(await px(page, 'guide-chat .msg.bot .txt', 'font-style'), 'normal', what);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    assert.ok(fits, `no sideways scrolling, ${what}`);
    await page.context().close();
  }
});

// The panel's box and whether Tab stays inside the widget.
async function panelBox(page) {
  return page.locator('guide-chat .panel').evaluate((p) => {
    const r = p.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height, modal: p.getAttribute('aria-modal') };
  });
}

async function tabsStayInside(page, presses, key = 'Tab') {
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press(key);
    const inside = await page.evaluate(() => document.activeElement && document.activeElement.localName === 'guide-chat');
    if (!inside) return false;
  }
  return true;
}

for (const [name, viewport, full] of [
  ['a phone upright', { width: 390, height: 844 }, true],
  ['a phone on its side', { width: 844, height: 390 }, true],
  ['a desktop', { width: 1366, height: 768 }, false],
  ['a desktop at 200% zoom', { width: 683, height: 384 }, true],
]) {
  test(`the panel on ${name}: ${full ? 'full screen and modal' : 'floating, not modal'}`, async () => {
    const page = await newPage(browser, { viewport });
    await page.goto(server.url + '/float.html');
    await page.locator('guide-chat .launcher').focus();
    await page.keyboard.press('Enter');
    await settled(page);
    const box = await panelBox(page);
    if (full) {
      assert.deepEqual([box.x, box.y, box.w, box.h], [0, 0, viewport.width, viewport.height], 'covers the screen');
      assert.equal(box.modal, 'true');
      assert.ok(await tabsStayInside(page, 30), 'Tab stays in the panel');
      assert.ok(await tabsStayInside(page, 30, 'Shift+Tab'), 'and so does Shift+Tab');
    } else {
      assert.ok(box.w < 500 && box.h >= 400, `a floating panel ${JSON.stringify(box)}`);
      assert.equal(box.modal, 'false');
      assert.equal(await tabsStayInside(page, 60), false, 'Tab may leave for the page');
      await page.locator(sel.input).focus();
    }
    // The conversation has room: at least a third of the panel.
    const log = await page.locator(sel.log).boundingBox();
    assert.ok(log.height >= box.h / 3, `conversation ${log.height}px of ${box.h}px`);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('guide-chat .panel').isVisible(), false);
    assert.equal((await focused(page)).cls, 'launcher', 'focus back on the launcher');
    await page.context().close();
  });
}

test('turning a phone or resizing the window makes the open panel modal or not again', async () => {
  const page = await newPage(browser, { viewport: { width: 1366, height: 768 } });
  await openFloating(page);
  assert.equal((await panelBox(page)).modal, 'false');
  await page.setViewportSize({ width: 844, height: 390 });
  await settled(page);
  const box = await panelBox(page);
  assert.equal(box.modal, 'true', 'a phone on its side');
  assert.ok(await tabsStayInside(page, 20), 'Tab stays in the panel');
  await page.setViewportSize({ width: 1366, height: 768 });
  await settled(page);
  assert.equal((await panelBox(page)).modal, 'false', 'a desktop again');
  await page.context().close();
});

test('after a tap on the panel Escape still closes it', async () => {
  const page = await newPage(browser, { viewport: { width: 1366, height: 768 } });
  await openFloating(page);
  await page.locator('guide-chat .title').click();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('guide-chat .panel').isVisible(), false);
  assert.equal((await focused(page)).cls, 'launcher');
  await page.context().close();
});

test('Done looks disabled until something is ticked', async () => {
  const page = await newPage(browser);
  await openFloating(page);
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
  await settled(page);
  const done = page.locator('guide-chat .ask:not(.done) .done-btn');
  assert.equal(await done.isDisabled(), true);
  const look = () => done.evaluate((b) => {
    const cs = getComputedStyle(b);
    return [cs.borderTopStyle, cs.color];
  });
  const off = await look();
  await page.locator('guide-chat .ask:not(.done) input[type=checkbox]').first().check();
  const on = await look();
  assert.equal(off[0], 'dashed');
  assert.equal(on[0], 'solid');
  assert.notEqual(off[1], on[1], 'another colour too');
  await page.context().close();
});

test('two widgets on one page keep their own conversations', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/two.html');
  await settled(page);
  const one = page.locator('guide-chat').nth(0);
  const two = page.locator('guide-chat').nth(1);
  await one.locator('.starters button[data-flow="symptom-check"]').click();
  await one.locator('.ask:not(.done)').waitFor();
  await page.reload();
  await one.locator('.ask:not(.done)').waitFor();
  await two.locator('.starters').waitFor();
  assert.equal(await two.locator('.ask').count(), 0, 'the second widget did not take the first one\'s session');
  const keys = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('guidechat:')));
  assert.equal(keys.length, 2);
  await page.context().close();
});

test('the page\'s API: open, close, toggle, start, ask; events with the level only; position and offsets', async () => {
  const page = await newPage(browser, { viewport: { width: 1366, height: 768 } });
  await page.addInitScript(() => {
    window.__events = [];
    for (const n of ['open', 'close', 'outcome']) {
      document.addEventListener('guidechat:' + n, (e) => window.__events.push([n, e.detail === undefined ? null : e.detail]));
    }
  });
  await page.goto(server.url + '/api.html');
  const launcher = page.locator('guide-chat .launcher');
  await launcher.waitFor();
  const lb = await launcher.boundingBox();
  assert.equal(lb.x, 40, 'offset-x="40" from the left (position="bottom-left")');
  assert.equal(Math.round(768 - lb.y - lb.height), 32, 'offset-y="2em"');

  const call = (js) => page.evaluate(js);
  await call(() => document.querySelector('guide-chat').open());
  await settled(page);
  assert.equal(await call(() => document.querySelector('guide-chat').isOpen), true);
  const pb = await page.locator('guide-chat .panel').boundingBox();
  assert.equal(pb.x, 40, 'the panel opens on the same side');
  await call(() => document.querySelector('guide-chat').start('symptom-check'));
  await page.locator(sel.activeAsk).waitFor();
  await settled(page);
  await call(() => document.querySelector('guide-chat').ask('he cannot speak or chew and the pain is unbearable'));
  await page.locator('guide-chat .outcome.urgent').waitFor();
  await settled(page);
  await call(() => document.querySelector('guide-chat').close());
  assert.equal(await page.locator('guide-chat .panel').isVisible(), false);
  await call(() => document.querySelector('guide-chat').toggle());
  assert.equal(await page.locator('guide-chat .panel').isVisible(), true);
  const events = await call(() => window.__events);
  assert.deepEqual(events, [['open', null], ['outcome', { level: 'urgent' }], ['close', null], ['open', null]],
    'the outcome event names the level and nothing else');

  // Attributes are reflected to properties.
  await call(() => { document.querySelector('guide-chat').chatTitle = 'Ask Riverside'; });
  assert.equal(await page.locator('guide-chat .title').textContent(), 'Ask Riverside');
  assert.equal(await call(() => document.querySelector('guide-chat').getAttribute('chat-title')), 'Ask Riverside');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a reply that lands while the panel is closed shows an unread badge', async () => {
  const page = await newPage(browser);
  let hold = false;
  const held = [];
  let client;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    client = ws;
    const upstream = ws.connectToServer();
    upstream.onMessage((m) => { if (hold) held.push(m); else ws.send(m); });
  });
  await openFloating(page);
  hold = true;
  await page.evaluate(() => document.querySelector('guide-chat').ask('what helps with facial spasms?'));
  await page.keyboard.press('Escape');
  // The reply is held until the panel is closed, then let through.
  for (const end = Date.now() + 10000; !held.length && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  hold = false;
  for (const m of held.splice(0)) client.send(m);
  const badge = page.locator('guide-chat .badge');
  await badge.waitFor();
  assert.match(await badge.textContent(), /^\d+ new$/);
  assert.match(await page.locator('guide-chat .launcher').textContent(), /Ask the guide\s*\d+ new/);
  await page.locator('guide-chat .launcher').click();
  assert.equal(await badge.isVisible(), false, 'read once opened');
  await page.context().close();
});

test('the widget\'s own strings in Spanish (lang="es"), and overrides from the page', async () => {
  const page = await newPage(browser);
  await page.goto(server.url + '/es.html');
  const launcher = page.locator('guide-chat .llabel');
  await page.locator('guide-chat .llabel', { hasText: 'Pregunte a la guía' }).waitFor();
  await page.locator('guide-chat .launcher').click();
  await settled(page);
  assert.equal(await page.locator('guide-chat .restart').textContent(), 'Empezar de nuevo');
  assert.equal(await page.locator('guide-chat .starters .lbl').textContent(), 'O elija unas preguntas guiadas:');
  assert.equal(await page.locator('guide-chat .close').getAttribute('aria-label'), 'Cerrar el chat');
  assert.equal(await page.locator('guide-chat #input').getAttribute('placeholder'), 'Escriba su pregunta…');
  assert.deepEqual(page.problems, []);

  await page.goto(server.url + '/strings.html');
  await launcher.filter({ hasText: 'Hable con nosotros' }).waitFor();
  await page.locator('guide-chat .launcher').click();
  await settled(page);
  assert.equal(await page.locator('guide-chat .restart').textContent(), 'Empezar de nuevo', 'the rest still Spanish');

  // A language of the page's own, as docs/embedding.md shows it.
  await page.evaluate(() => customElements.whenDefined('guide-chat').then((GuideChat) => {
    GuideChat.strings.fr = { launcher: 'Demandez au guide', restart: 'Recommencer', choose: 'Ou choisissez :' };
    for (const chat of document.querySelectorAll('guide-chat')) chat.lang = 'fr';
  }));
  assert.equal(await page.locator('guide-chat .restart').textContent(), 'Recommencer');
  assert.equal(await page.locator('guide-chat .starters .lbl').first().textContent(), 'Ou choisissez :', 'the conversation too');
  assert.equal(await page.locator('guide-chat .close').getAttribute('aria-label'), 'Close chat', 'English where not translated');
  await page.context().close();
});
