// Never lose the conversation: a reload mid-flow, and a server restart
// mid-flow (same session key), both carry on where the person was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { answerByClick, launch, newPage, runToEnd, sel, settled, startServer } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function startFlowAndAnswerOne(page, url) {
  await page.goto(url + '/');
  await page.locator('guide-chat .starters button[data-flow="symptom-check"]').click();
  await settled(page);
  const first = await answerByClick(page);
  await settled(page);
  const pending = (await page.locator(sel.activeAsk).last().locator('p.txt').textContent()).trim();
  assert.notEqual(pending, first, 'the flow moved on to the next question');
  return { first, pending };
}

async function transcript(page) {
  return page.locator('guide-chat .msg').evaluateAll((els) => els.map((e) => e.textContent));
}

test('a reload mid-flow shows the conversation and resumes it', async () => {
  const server = await startServer();
  const page = await newPage(browser);
  try {
    const { first, pending } = await startFlowAndAnswerOne(page, server.url);
    const before = await transcript(page);
    await page.reload();
    await settled(page);
    const afterReload = await transcript(page);
    assert.deepEqual(afterReload.slice(0, before.length), before, 'the transcript survived the reload');
    assert.ok(afterReload.some((t) => t.includes(first)), 'the answered question is still shown');
    // The server's resume reply names the same pending question.
    const open = await page.locator(sel.activeAsk).last().locator('p.txt').textContent();
    assert.equal(open.trim(), pending, 'the pending question is open again');
    const notes = await page.locator(sel.note).allTextContents();
    assert.deepEqual(notes.filter((n) => !/welcome back/i.test(n)), [], 'no error or "could not restore" note');
    await runToEnd(page, answerByClick);
    assert.equal(await page.locator(sel.outcome).count(), 1);
    assert.deepEqual(await page.locator(sel.note).allTextContents(), notes, 'every answer after the reload was accepted');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a server restart mid-flow shows the offline state, reconnects and resumes', async () => {
  let server = await startServer();
  const page = await newPage(browser);
  try {
    const { pending } = await startFlowAndAnswerOne(page, server.url);
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, 'the server stopped cleanly on SIGTERM');
    await page.locator(sel.status, { hasText: /Reconnecting/ }).waitFor();
    assert.equal(await page.locator('guide-chat .root').getAttribute('data-state'), 'off');

    // The person answers while offline: the answer waits and is sent later.
    const ask = page.locator(sel.activeAsk).last();
    assert.equal((await ask.locator('p.txt').textContent()).trim(), pending);
    await answerByClick(page);
    await page.locator(sel.status, { hasText: 'will be sent when the connection is back' }).waitFor();
    server = await startServer({ port: server.port });
    await page.locator(sel.status).waitFor({ state: 'hidden', timeout: 20000 });
    await settled(page);
    const notes = await page.locator(sel.note).allTextContents();
    assert.deepEqual(notes.filter((n) => !/welcome back/i.test(n)), [], 'the answer was accepted by the restarted server');
    assert.equal(await page.locator(sel.activeAsk).count(), 1, 'the next question is open, and only it');
    await runToEnd(page, answerByClick);
    assert.equal(await page.locator(sel.outcome).count(), 1);
    assert.deepEqual(await page.locator(sel.note).allTextContents(), notes);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a token the server cannot open (new key) says so and starts afresh', async () => {
  let server = await startServer();
  const page = await newPage(browser);
  try {
    await startFlowAndAnswerOne(page, server.url);
    await server.stop();
    server = await startServer({ port: server.port, key: 'a-different-session-key-for-this-test' });
    await page.reload();
    await page.locator(sel.note, { hasText: 'could not be restored' }).waitFor();
    await settled(page);
    assert.equal(await page.locator(sel.activeAsk).count(), 0, 'the old question is closed');
    await page.locator('guide-chat .starters button[data-flow="symptom-check"]').last().click();
    await runToEnd(page, answerByClick);
    assert.equal(await page.locator(sel.outcome).count(), 1, 'the new conversation works');
    // The old page may reconnect to the new server before the reload does
    // (the server now drains and closes at once on SIGTERM): the reload then
    // resumes the new conversation and welcomes the person back. Any other
    // note is an error.
    const notes = (await page.locator(sel.note).allTextContents()).filter(
      (n) => !n.startsWith('Welcome back'));
    assert.equal(notes.length, 1, `no other note or error: ${JSON.stringify(notes)}`);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('a typed "start over" drops the stored transcript: a reload does not bring it back', async () => {
  const server = await startServer();
  const page = await newPage(browser);
  try {
    const { first } = await startFlowAndAnswerOne(page, server.url);
    await page.fill(sel.input, 'start over please');
    await page.press(sel.input, 'Enter');
    await settled(page);
    await page.reload();
    await settled(page);
    const shown = await transcript(page);
    assert.ok(!shown.some((t) => t.includes(first)), 'the earlier answers are not shown again');
    assert.equal(await page.locator(sel.activeAsk).count(), 0, 'no question is pending');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});
