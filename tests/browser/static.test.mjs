// Checks of the widget's files that need no browser: the size budget
// (guidechat.js + guidechat.css <= 15 KB gzipped), no markup built from data,
// and pages that need nothing inline (the server's CSP forbids it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { repo } from './helpers.mjs';

const web = path.join(repo, 'web-client');
const read = (f) => fs.readFileSync(path.join(web, f), 'utf8');
const kBudget = 15 * 1024;

test('guidechat.js plus guidechat.css fit in 15 KB gzipped', () => {
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(web, f)), { level: 9 }).length;
  const js = gz('guidechat.js');
  const css = gz('guidechat.css');
  console.log(`# guidechat.js ${js} B + guidechat.css ${css} B = ${js + css} B gzipped (budget ${kBudget} B)`);
  assert.ok(js + css <= kBudget, `${js + css} B is over the ${kBudget} B budget`);
});

test('the widget builds no markup from data: innerHTML only for its static template', () => {
  const js = read('guidechat.js');
  const uses = js.match(/\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\(|new Function/g) || [];
  assert.deepEqual(uses, ['.innerHTML ='], 'exactly one innerHTML assignment');
  assert.match(js, /template\.innerHTML = `[^$]*`;/, 'and it is a template literal without ${} substitutions');
});

test('pages and the widget need no inline script or style', () => {
  for (const f of fs.readdirSync(web).filter((n) => n.endsWith('.html'))) {
    const html = read(f);
    for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
      assert.match(m[0], /\ssrc=/, `${f}: every script has a src`);
      assert.equal(m[1].trim(), '', `${f}: no inline script body`);
    }
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i, `${f}: no inline style or handler`);
  }
  const js = read('guidechat.js');
  // The one exception: the launcher offsets, set as custom properties through
  // the CSSOM (which a CSP does not block), read by guidechat.css.
  assert.doesNotMatch(js, /<style\b|\sstyle=|setAttribute\(\s*'style'|\.style\.(?!setProperty\('--guidechat-)/,
    'guidechat.js: styles come from guidechat.css');
});

test('the demo page embeds the widget with the one documented script tag', () => {
  const html = read('demo.html');
  const tags = html.match(/<script\b[^>]*src="[^"]*guidechat\.js"[^>]*><\/script>/g) || [];
  assert.equal(tags.length, 2, 'the live tag and the commented example');
  assert.match(tags[1], /data-server="[^"]+"/);
  assert.match(tags[1], /\sdefer\b/);
});
