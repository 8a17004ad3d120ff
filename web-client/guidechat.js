/*
 * guidechat.js: the <guide-chat> custom element, a chat with the clinic's
 * patient guide over the guidechat WebSocket protocol (docs/protocol.md).
 *
 * No framework, no build step. Embed with one tag:
 *   <script src="https://clinic.example/guidechat.js"
 *           data-server="wss://clinic.example/ws" defer></script>
 * (adds a launcher button), or render in place:
 *   <guide-chat inline server="wss://clinic.example/ws"></guide-chat>
 *
 * Safety: everything the server sends is shown with textContent, never as
 * HTML. Styles come from guidechat.css next to this file through a <link> in
 * the shadow root, so a strict CSP (style-src 'self', no inline) is enough.
 * See docs/embedding.md for attributes and theming.
 */
(() => {
  'use strict';
  if (!window.customElements || customElements.get('guide-chat')) return;

  // Captured now: currentScript is only set while this file runs.
  const script = document.currentScript || document.querySelector('script[src*="guidechat.js"]');
  const base = script && script.src ? script.src : location.href;
  const kMaxRecords = 300;
  const kMaxBackoffMs = 15000;
  const LEVELS = { urgent: 'Urgent', doctor: 'See a doctor', 'self-care': 'Self-care' };
  const ERRORS = {
    rate_limited: 'You are sending messages very quickly. Please wait a moment.',
    too_large: 'That message is too long. Please shorten it.',
    unknown_ask: 'That question is no longer open. Please answer the latest one.',
    bad_option: 'That choice is not available. Please pick one of the options.',
    unknown_flow: 'That guided check is not available.',
    internal: 'Something went wrong on our side. Please try again.',
  };

  const template = document.createElement('template');
  template.innerHTML = `<link rel="stylesheet">
<div class="root" hidden>
 <button type="button" class="launcher" aria-expanded="false" aria-controls="panel">
  <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>
  <span class="llabel"></span>
 </button>
 <div class="panel" id="panel">
  <div class="head">
   <h2 class="title" id="title"></h2>
   <span class="lang"></span>
   <button type="button" class="restart">Start over</button>
   <button type="button" class="close" aria-label="Close chat"><svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg></button>
  </div>
  <p class="status" role="status"></p>
  <div class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0"></div>
  <div class="typing" aria-hidden="true" hidden><span></span><span></span><span></span></div>
  <form class="composer">
   <label class="sr" for="input">Your message</label>
   <input id="input" type="text" autocomplete="off" maxlength="1000" enterkeyhint="send" placeholder="Type your question…">
   <button type="submit" class="send" aria-label="Send"><svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg></button>
  </form>
 </div>
</div>`;

  // An element with a class and text; text is always set as text.
  function h(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text != null) el.textContent = String(text);
    return el;
  }
  function button(cls, text, act) {
    const b = h('button', cls, text);
    b.type = 'button';
    b.dataset.act = act;
    return b;
  }
  const str = (v) => (typeof v === 'string' ? v : '');
  let uid = 0;

  class GuideChat extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.appendChild(template.content.cloneNode(true));
      const $ = (s) => root.querySelector(s);
      this._el = {
        root: $('.root'), css: $('link'), launcher: $('.launcher'), llabel: $('.llabel'),
        panel: $('.panel'), title: $('.title'), lang: $('.lang'), restart: $('.restart'),
        close: $('.close'), status: $('.status'), log: $('.log'), typing: $('.typing'),
        form: $('.composer'), input: $('#input'),
      };
      this._el.css.href = new URL('guidechat.css', base).href;
      this._recOf = new WeakMap();
      this._records = [];
      this._token = '';
      this._flows = [];
      this._queue = []; // messages not yet sent
      this._sent = []; // sent, waiting for their reply
      this._nextId = 1;
      this._ws = null;
      this._ready = false;
      this._retry = 0;
      this._timer = 0;
      this._onShown = () => { this._el.root.hidden = false; };
      this._onLauncher = () => this._setOpen(!this.hasAttribute('open'));
      this._onClose = () => { this._setOpen(false); this._el.launcher.focus(); };
      this._onRestart = () => this._restart();
      this._onSubmit = (e) => { e.preventDefault(); this._submitText(); };
      this._onKey = (e) => {
        if (e.key === 'Escape' && !this._inline() && this.hasAttribute('open')) {
          e.stopPropagation();
          this._onClose();
        }
      };
      this._onClick = (e) => this._act(e);
      this._onChange = (e) => this._checkChanged(e);
      this._onOnline = () => {
        if (this._wanted && !this._ws) { clearTimeout(this._timer); this._retry = 0; this._connect(); }
      };
    }

    connectedCallback() {
      const el = this._el;
      el.css.addEventListener('load', this._onShown);
      el.css.addEventListener('error', this._onShown);
      el.launcher.addEventListener('click', this._onLauncher);
      el.close.addEventListener('click', this._onClose);
      el.restart.addEventListener('click', this._onRestart);
      el.form.addEventListener('submit', this._onSubmit);
      el.panel.addEventListener('keydown', this._onKey);
      el.log.addEventListener('click', this._onClick);
      el.log.addEventListener('change', this._onChange);
      window.addEventListener('online', this._onOnline);
      if (el.css.sheet) this._onShown();

      const title = this.getAttribute('chat-title') || 'Patient guide';
      el.title.textContent = title;
      el.llabel.textContent = this.getAttribute('launcher-label') || 'Ask the guide';
      el.lang.textContent = this.getAttribute('language-label') || '';
      el.lang.hidden = !el.lang.textContent;
      el.input.placeholder = this.getAttribute('placeholder') || el.input.placeholder;
      // A landmark so the widget is findable; complementary when it floats.
      el.root.setAttribute('role', this._inline() ? 'region' : 'complementary');
      el.root.setAttribute('aria-label', title);
      el.launcher.hidden = this._inline();
      el.close.hidden = this._inline();

      this._restore();
      this._setOpen(this._inline() || this._wasOpen, true);
    }

    disconnectedCallback() {
      const el = this._el;
      el.css.removeEventListener('load', this._onShown);
      el.css.removeEventListener('error', this._onShown);
      el.launcher.removeEventListener('click', this._onLauncher);
      el.close.removeEventListener('click', this._onClose);
      el.restart.removeEventListener('click', this._onRestart);
      el.form.removeEventListener('submit', this._onSubmit);
      el.panel.removeEventListener('keydown', this._onKey);
      el.log.removeEventListener('click', this._onClick);
      el.log.removeEventListener('change', this._onChange);
      window.removeEventListener('online', this._onOnline);
      clearTimeout(this._timer);
      this._drop();
    }

    _inline() { return this.hasAttribute('inline'); }

    // The WebSocket URL: the `server` attribute, absolute or relative to
    // this script; http(s) becomes ws(s).
    _url() {
      try {
        const u = new URL(this.getAttribute('server') || 'ws', base);
        if (u.protocol === 'http:') u.protocol = 'ws:';
        if (u.protocol === 'https:') u.protocol = 'wss:';
        return u.href;
      } catch (e) {
        return ''; // not a URL: _connect says so
      }
    }

    _key() { return 'guidechat:' + this._url(); }

    _restore() {
      let saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(this._key()) || 'null'); } catch (e) { saved = null; }
      this._el.log.textContent = '';
      this._records = [];
      if (!saved || !Array.isArray(saved.r)) return;
      this._token = str(saved.t);
      this._wasOpen = !!saved.o;
      for (const rec of saved.r) if (rec && typeof rec === 'object') this._add(rec, true);
    }

    _save() {
      try {
        sessionStorage.setItem(this._key(), JSON.stringify({
          t: this._token, o: this.hasAttribute('open'), r: this._records,
        }));
      } catch (e) { /* storage full or blocked: the chat still works */ }
    }

    _setOpen(open, quiet) {
      const el = this._el;
      open = !!open;
      this.toggleAttribute('open', open);
      el.launcher.setAttribute('aria-expanded', String(open));
      el.panel.hidden = !open;
      if (open) {
        this._connect();
        if (!quiet) (matchMedia('(pointer: coarse)').matches ? el.log : el.input).focus();
        this._scroll();
      }
      if (!quiet) this._save();
    }

    // --- Connection -------------------------------------------------------

    _connect() {
      if (this._ws || !this.isConnected) return;
      this._wanted = true;
      clearTimeout(this._timer);
      this._status(this._seen ? 'Reconnecting…' : 'Connecting…', 'busy');
      let ws;
      try { ws = new WebSocket(this._url()); } catch (e) {
        this._status('The chat server address is not valid.', 'off');
        return;
      }
      this._ws = ws;
      this._ready = false;
      ws.onmessage = (e) => { if (this._ws === ws) this._onFrame(e.data); };
      ws.onclose = () => {
        if (this._ws !== ws) return;
        this._lost();
        this._retryLater();
      };
    }

    // Unanswered messages go back to the front of the queue: the next
    // session resumes from the last token, so resending them is exact.
    _lost() {
      this._ws = null;
      this._ready = false;
      // A message that keeps losing the connection is given up after 3 tries.
      const again = this._sent.map((s) => s.msg).filter((m) => m.type !== 'hello');
      const keep = again.filter((m) => (m.tries = (m.tries || 0) + 1) <= 3);
      if (keep.length < again.length) this._add({ n: 'A message could not be delivered. Please send it again.' });
      this._queue = keep.concat(this._queue);
      this._sent = [];
      this._typing();
    }

    _drop() {
      const ws = this._ws;
      if (!ws) return;
      this._lost();
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
    }

    _retryLater() {
      if (!this.isConnected) return;
      const delay = Math.min(kMaxBackoffMs, 500 * 2 ** this._retry) * (0.75 + Math.random() * 0.5);
      this._retry = Math.min(this._retry + 1, 8);
      this._offline();
      this._timer = setTimeout(() => this._connect(), delay);
    }

    _offline() {
      this._status(this._queue.length ? 'Offline. Your message will be sent when the connection is back.'
        : 'Offline. Reconnecting…', 'off');
    }

    _status(text, state) {
      this._el.status.textContent = text;
      this._el.root.dataset.state = state;
    }

    _raw(msg) {
      this._sent.push({ id: this._nextId, msg });
      // `tries` is the widget's own bookkeeping, not part of the protocol.
      this._ws.send(JSON.stringify({ ...msg, tries: undefined, id: this._nextId++ }));
    }

    _send(msg) {
      this._queue.push(msg);
      this._flush();
      if (this._el.root.dataset.state === 'off') this._offline();
      if (!this._ws) { clearTimeout(this._timer); this._connect(); }
    }

    _flush() {
      while (this._ready && this._ws && this._ws.readyState === 1 && this._queue.length) {
        this._raw(this._queue.shift());
      }
      this._typing();
    }

    _typing() {
      this._el.typing.hidden = !(this._sent.length || (this._ready && this._queue.length));
    }

    _onFrame(data) {
      let m;
      try { m = JSON.parse(data); } catch (e) { return; }
      if (!m || typeof m !== 'object') return;
      if (m.type === 'welcome') { this._welcome(m); return; }
      const i = this._sent.findIndex((s) => s.id === m.reply_to);
      const req = i >= 0 ? this._sent.splice(i, 1)[0].msg : null;
      if (m.type === 'reply') {
        if (str(m.session)) this._token = m.session;
        this._parts(m.parts, req);
      } else if (m.type === 'error') {
        this._error(m, req);
      }
      if (req && req.type === 'hello') { this._ready = true; this._status('', 'on'); }
      this._flush();
      this._save();
    }

    _welcome(m) {
      this._seen = true;
      this._retry = 0;
      this._flows = Array.isArray(m.flows) ? m.flows : [];
      this._fresh = str(m.session);
      if (this._token) {
        // Resume where we were; the hello's reply sets _ready.
        this._raw({ type: 'hello', session: this._token });
        this._typing();
        return;
      }
      this._token = this._fresh;
      if (!this._records.length) this._greet(m.parts);
      this._ready = true;
      this._status('', 'on');
      this._flush();
      this._save();
    }

    _greet(parts) {
      const greeting = this.getAttribute('greeting');
      for (const p of Array.isArray(parts) ? parts : []) {
        if (greeting && p && p.type === 'text') continue;
        this._parts([p]);
      }
      if (greeting) this._add({ p: { type: 'text', text: greeting } });
      if (this._flows.length) this._add({ f: this._flows });
    }

    _error(m, req) {
      if (m.code === 'bad_session' || (req && req.type === 'hello')) {
        // The server goes on with a fresh session.
        this._token = this._fresh || '';
        this._closeAsks();
        this._queue = this._queue.filter((q) => q.type !== 'choose');
        this._add({ n: 'Your earlier conversation could not be restored, so a new one has started.' });
        if (this._flows.length) this._add({ f: this._flows });
        return;
      }
      this._add({ n: ERRORS[m.code] || str(m.message) || 'Something went wrong.' });
    }

    // --- Rendering --------------------------------------------------------

    _parts(parts, req) {
      if (!Array.isArray(parts)) return;
      if (req && req.type === 'hello') {
        // The resumed question is already on screen (open, or answered
        // while offline with the answer queued): do not show it twice.
        const asks = this._records.filter((r) => r.p && r.p.type === 'ask');
        const last = asks.length ? asks[asks.length - 1].p.id : null;
        parts = parts.filter((p) => !(p && p.type === 'ask' && p.id === last));
      }
      const ends = parts.some((p) => p && /^(ask|outcome|summary)$/.test(p.type));
      if (ends || (req && /^(choose|start|reset)$/.test(req.type))) this._closeAsks();
      let focus = null;
      let first = null;
      for (const p of parts) {
        if (!p || typeof p !== 'object') continue;
        // "Welcome back" after a reconnect is a quiet note, not a message.
        const el = this._add(req && req.type === 'hello' && p.type === 'text' ? { n: str(p.text) } : { p });
        first = first || el;
        if (p.type === 'ask') focus = el.querySelector('input, button');
      }
      if (req && req.type === 'reset' && this._flows.length) this._add({ f: this._flows });
      if (this._focusNext) {
        this._focusNext = false;
        (focus || this._el.input).focus();
      } else if (first) {
        // A reply taller than the view is shown from its start, not its end.
        const log = this._el.log;
        if (log.scrollHeight - first.offsetTop > log.clientHeight) log.scrollTop = first.offsetTop - 8;
      }
    }

    _closeAsks() {
      for (const node of this._el.log.querySelectorAll('.ask:not(.done)')) {
        this._recOf.get(node).done = true;
        this._disable(node);
      }
    }

    _disable(node) {
      node.classList.add('done');
      for (const c of node.querySelectorAll('button, input')) c.disabled = true;
    }

    _add(rec, quiet) {
      const log = this._el.log;
      const el = this._render(rec);
      this._recOf.set(el, rec);
      this._records.push(rec);
      log.append(el);
      while (this._records.length > kMaxRecords) {
        this._records.shift();
        log.firstElementChild.remove();
      }
      if (!quiet) this._scroll();
      return el;
    }

    _scroll() {
      const log = this._el.log;
      log.scrollTop = log.scrollHeight;
    }

    _render(rec) {
      if (rec.u != null) return this._bubble('user', 'You said:', rec.u);
      if (rec.n != null) return h('p', 'msg note', rec.n);
      if (rec.f) return this._starters(rec.f);
      const p = rec.p || {};
      let el;
      switch (p.type) {
        case 'answer': el = this._bubble('bot', 'Guide:', p.text); break;
        case 'ask': el = this._ask(p, rec); break;
        case 'outcome': el = this._outcome(p); break;
        case 'fallback': el = this._fallback(p); break;
        case 'summary': el = this._summary(p); break;
        case 'contact': el = this._contact(p); break;
        default: el = this._bubble('bot', 'Guide:', p.text); // text, and unknown parts
      }
      if (p.type === 'answer') this._source(el, p.source);
      return el;
    }

    _bubble(who, sr, text) {
      const el = h('div', 'msg ' + who);
      el.append(h('span', 'sr', sr + ' '), h('span', 'txt', str(text)));
      return el;
    }

    _source(el, source) {
      const title = source && str(source.title);
      // Emergency texts are the clinic's own, cited as such (source.guide_title).
      const from = source && str(source.guide_title);
      if (title) el.append(h('p', 'src', (from ? 'From ' + from + ': ' : 'From the guide: ') + title));
    }

    // A phone number as its own link that never wraps: "Emergency: 911".
    _phone(label, number) {
      const line = h('p', 'phone');
      const a = h('a', 'tel', number);
      a.href = 'tel:' + number.replace(/[^0-9+#*]/g, '');
      line.append(label + ' ', a);
      return line;
    }

    // The emergency number and the clinic's number, each its own link.
    _phones(emergency, clinic) {
      const lines = [];
      if (emergency) lines.push(this._phone('Emergency:', emergency));
      if (clinic) lines.push(this._phone('Clinic:', clinic));
      return lines;
    }

    _ask(p, rec) {
      const el = h('div', 'msg bot ask');
      const q = h('p', 'txt', str(p.text));
      q.id = 'q' + ++uid;
      const group = h('div', 'opts');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-labelledby', q.id);
      const chosen = rec.chosen || [];
      for (const o of Array.isArray(p.options) ? p.options : []) {
        if (!o) continue;
        if (p.multiple) {
          const label = h('label', 'check');
          const box = h('input');
          box.type = 'checkbox';
          box.value = str(o.id);
          box.checked = chosen.includes(o.id);
          label.append(box, h('span', null, str(o.label)));
          group.append(label);
        } else {
          const b = button('opt', str(o.label), 'opt');
          b.dataset.opt = str(o.id);
          if (chosen.includes(o.id)) b.classList.add('picked');
          group.append(b);
        }
      }
      if (p.multiple) {
        const done = button('opt done-btn', 'Done', 'done');
        done.disabled = !chosen.length;
        group.append(done);
      }
      el.append(h('span', 'sr', 'Guide asks: '), q, group);
      if (rec.done) this._disable(el);
      return el;
    }

    _outcome(p) {
      const level = LEVELS[p.level] ? p.level : 'doctor';
      const el = h('div', 'msg bot outcome ' + level);
      el.append(h('h3', 'olabel', LEVELS[level]), h('p', 'txt', str(p.text)));
      this._source(el, p.source);
      const phones = level === 'urgent'
        ? this._phones(this.getAttribute('emergency-phone'), this.getAttribute('clinic-phone')) : [];
      el.append(...phones);
      const contact = this.getAttribute('contact');
      if (contact && level !== 'self-care' && !phones.length) {
        const href = this.getAttribute('contact-href') || '';
        const line = /^(tel:|mailto:|https:)/i.test(href) ? h('a', 'contact', contact) : h('p', 'contact', contact);
        if (line.tagName === 'A') line.href = href;
        el.append(line);
      }
      return el;
    }

    // The clinic's own details from the server (clinic.json); the page's
    // own phone attributes win where it sets them.
    _contact(p) {
      const el = h('div', 'msg bot contact-card');
      if (str(p.text)) el.append(h('p', 'txt', str(p.text)));
      const emergency = this.getAttribute('emergency-phone') || str(p.emergency_phone);
      const clinic = this.getAttribute('clinic-phone') || str(p.phone);
      el.append(...this._phones(emergency, clinic));
      if (str(p.hours)) el.append(h('p', 'hours', 'Hours: ' + str(p.hours)));
      if (/^https:/i.test(str(p.url))) {
        const a = h('a', 'book', 'Book or contact the clinic');
        a.href = str(p.url);
        el.append(a);
      }
      return el;
    }

    _fallback(p) {
      const el = this._bubble('bot', 'Guide:', p.text);
      const sug = Array.isArray(p.suggestions) ? p.suggestions.filter((s) => typeof s === 'string') : [];
      if (sug.length) {
        el.append(h('p', 'lbl', 'You could ask about:'));
        const row = h('div', 'opts');
        for (const s of sug) row.append(button('chip', s, 'say'));
        el.append(row);
      }
      return el;
    }

    _summary(p) {
      const el = h('div', 'msg bot summary');
      el.append(h('h3', null, 'Summary for your doctor'));
      const items = Array.isArray(p.items) ? p.items.filter(Boolean) : [];
      if (items.length) {
        const dl = h('dl');
        for (const it of items) dl.append(h('dt', null, str(it.question)), h('dd', null, str(it.answer)));
        el.append(dl);
      }
      if (str(p.text)) el.append(h('p', 'txt', p.text));
      const row = h('div', 'opts');
      row.append(button('opt', 'Print', 'print'), button('opt', 'Copy', 'copy'));
      el.append(row);
      return el;
    }

    _starters(flows) {
      const el = h('div', 'msg starters');
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', 'Guided checks');
      el.append(h('p', 'lbl', 'Or choose a guided check:'));
      for (const f of flows) {
        if (!f || !str(f.id)) continue;
        const b = button('chip', str(f.title) || f.id, 'flow');
        b.dataset.flow = f.id;
        el.append(b);
      }
      el.append(button('chip', 'Summary for my doctor', 'summary'));
      return el;
    }

    // --- User actions -----------------------------------------------------

    _say(text) {
      this._add({ u: text });
      this._send({ type: 'say', text });
      this._save();
    }

    _submitText() {
      const input = this._el.input;
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      this._say(text);
    }

    _act(e) {
      const b = e.target.closest('button[data-act]');
      if (!b || b.disabled) return;
      const node = b.closest('.msg');
      const rec = this._recOf.get(node);
      const act = b.dataset.act;
      // Keyboard activation (detail 0) moves focus on to the next question;
      // a tap does not, so no on-screen keyboard pops up.
      this._focusNext = e.detail === 0;
      if (act === 'say') { this._say(b.textContent); return; }
      if (act === 'flow') {
        this._add({ u: b.textContent });
        this._send({ type: 'start', flow: b.dataset.flow });
      } else if (act === 'summary') {
        this._add({ u: b.textContent });
        this._send({ type: 'summary' });
      } else if (act === 'opt' || act === 'done') {
        const p = rec.p;
        let ids = [b.dataset.opt];
        if (act === 'done') ids = [...node.querySelectorAll('input:checked')].map((c) => c.value);
        const labels = (p.options || []).filter((o) => ids.includes(o.id)).map((o) => o.label);
        rec.chosen = ids;
        rec.done = true;
        b.classList.add('picked');
        this._disable(node);
        this._add({ u: labels.join(', ') });
        this._send({ type: 'choose', ask: p.id, options: ids });
      } else if (act === 'print') {
        this._print(rec.p);
      } else if (act === 'copy') {
        this._copy(rec.p);
      }
      this._save();
    }

    _checkChanged(e) {
      const node = e.target.closest('.ask');
      if (!node) return;
      const done = node.querySelector('.done-btn');
      if (done) done.disabled = !node.querySelector('input:checked');
    }

    _restart() {
      this._closeAsks();
      this._send({ type: 'reset' });
      this._el.log.textContent = '';
      this._records = [];
      this._add({ n: 'Started over. Your earlier answers are cleared from this page.' });
      this._save();
      this._el.input.focus();
    }

    _summaryText(p) {
      const lines = ['Summary for your doctor', ''];
      for (const it of Array.isArray(p.items) ? p.items : []) {
        if (it) lines.push(str(it.question) + ': ' + str(it.answer));
      }
      if (str(p.text)) lines.push('', p.text);
      return lines.join('\n');
    }

    _copy(p) {
      const ok = () => this._add({ n: 'Summary copied. You can paste it into a message or a note.' });
      const fail = () => this._add({ n: 'Copying is not allowed here. Please select the summary text and copy it.' });
      if (!navigator.clipboard) { fail(); return; }
      navigator.clipboard.writeText(this._summaryText(p)).then(ok, fail).then(() => this._save());
    }

    // Prints just the summary: a plain same-origin frame built with
    // textContent (no markup from the server, nothing inline).
    _print(p) {
      const old = this.shadowRoot.querySelector('iframe');
      if (old) old.remove();
      const frame = h('iframe', 'printer');
      frame.title = 'Summary for printing';
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      this.shadowRoot.append(frame);
      const doc = frame.contentDocument;
      doc.title = 'Summary for your doctor';
      const body = doc.body || doc.documentElement.appendChild(doc.createElement('body'));
      const lines = this._summaryText(p).split('\n');
      const h1 = doc.createElement('h1');
      h1.textContent = lines[0];
      body.append(h1);
      for (const line of lines.slice(2)) {
        const para = doc.createElement('p');
        para.textContent = line;
        body.append(para);
      }
      frame.contentWindow.print();
    }
  }

  customElements.define('guide-chat', GuideChat);

  // The one-line embed: a script tag with data-server adds a floating
  // launcher; data-* attributes become the element's attributes.
  if (script && script.hasAttribute('data-server')) {
    const add = () => {
      const chat = document.createElement('guide-chat');
      for (const name of ['server', 'chat-title', 'greeting', 'language-label', 'contact', 'contact-href',
        'emergency-phone', 'clinic-phone', 'launcher-label', 'placeholder']) {
        const v = script.getAttribute('data-' + name);
        if (v != null) chat.setAttribute(name, v);
      }
      document.body.append(chat);
    };
    if (document.body) add(); else document.addEventListener('DOMContentLoaded', add, { once: true });
  }
})();
