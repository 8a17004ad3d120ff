/* guidechat.js: <guide-chat>, the patient guide chat (docs/protocol.md,
 * docs/embedding.md). Server text only ever goes into textContent; styles come
 * through a <link>, so a strict CSP is enough. */
(() => {
  'use strict';
  if (!window.customElements || customElements.get('guide-chat')) return;

  // Captured now: currentScript is only set while this file runs.
  const script = document.currentScript || document.querySelector('script[src*="guidechat.js"]');
  const base = script && script.src ? script.src : location.href;
  const kMaxRecords = 300;
  const kMaxBackoffMs = 15000;
  const kSlowMs = 10000;
  // Phones either way round, large text, zoom: full screen and modal.
  const kSmall = '(max-width: 30em), (max-height: 30em)';

  // The widget's own strings in one JSON-shaped table; other languages load
  // from files next to this one only when asked for (guidechat-es.js).
  const STRINGS = {
    en: {
      title: 'Patient guide', launcher: 'Ask the guide', placeholder: 'Type your question…', message: 'Your message',
      send: 'Send', close: 'Close chat', restart: 'Start over', contact: 'Contact', log: 'Conversation',
      you: 'You said:', guide: 'Guide:', asks: 'Guide asks:', done: 'Done', unread: '{0} new',
      urgent: 'Urgent', doctor: 'See a doctor', 'self-care': 'Self-care',
      emergency: 'Emergency:', clinic: 'Clinic:', hours: 'Hours:', book: 'Book or contact the clinic',
      fromGuide: 'From the guide: ', from: 'From {0}: ', suggest: 'You could ask about:',
      checks: 'Guided checks', choose: 'Or choose a guided check:', summaryChip: 'Summary for my doctor',
      summaryBtn: 'Summary for the doctor', summary: 'Summary for your doctor', print: 'Print', copy: 'Copy',
      date: 'Date:', outcome: 'Outcome:',
      copied: 'Summary copied. You can paste it into a message or a note.',
      noCopy: 'Copying is not allowed here. Please select the summary text and copy it.',
      confirm: 'Start over? Your answers have not been printed or copied yet.', keep: 'Keep my answers',
      connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline. Reconnecting…',
      queued: 'Offline. Your message will be sent when the connection is back.',
      slow: 'Still working…', retry: 'Try again', badUrl: 'The chat server address is not valid.',
      refused: 'This site is not allowed to use the chat — see docs/embedding.md',
      csp: 'This page\'s security policy blocks the chat — see docs/embedding.md',
      lost: 'A message could not be delivered. Please send it again.',
      restored: 'Your earlier conversation could not be restored, so a new one has started.',
      startedOver: 'Started over. Your earlier answers are cleared from this page.',
      rate_limited: 'You are sending messages very quickly. Please wait a moment.',
      too_large: 'That message is too long. Please shorten it.',
      unknown_ask: 'That question is no longer open. Please answer the latest one.',
      bad_option: 'That choice is not available. Please pick one of the options.',
      unknown_flow: 'That guided check is not available.',
      internal: 'Something went wrong on our side. Please try again.', error: 'Something went wrong.',
    },
  };

  // Reflected to camelCase properties.
  const TEXT_ATTRS = ['server', 'chat-title', 'greeting', 'language-label', 'emergency-phone', 'clinic-phone',
    'clinic-name', 'clinic-hours', 'clinic-url', 'contact', 'contact-href', 'launcher-label', 'placeholder',
    'position', 'offset-x', 'offset-y', 'strings'];
  const BOOL_ATTRS = ['inline'];
  const PACKS = { es: 0 }; // shipped, not loaded yet
  const live = new Set();

  function loadPack(lang) {
    if (PACKS[lang] !== 0) return;
    PACKS[lang] = 1;
    const s = document.createElement('script');
    s.src = new URL('guidechat-' + lang + '.js', base).href;
    s.nonce = script?.nonce || ''; // as a nonce CSP let us in
    s.onload = () => { for (const g of live) g._retext(); };
    document.head.append(s);
  }

  const template = document.createElement('template');
  template.innerHTML = `<link rel="stylesheet">
<div class="root" hidden>
 <button type="button" class="launcher" aria-expanded="false" aria-controls="panel">
  <svg aria-hidden="true" viewBox="0 0 24 24"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>
  <span class="llabel"></span><span class="badge" hidden></span>
 </button>
 <div class="panel" id="panel" role="dialog" aria-labelledby="title" tabindex="-1">
  <div class="head">
   <h2 class="title" id="title"></h2>
   <span class="lang"></span>
   <button type="button" class="contact-btn" data-act="contact" data-t="contact"></button>
   <button type="button" class="restart" data-act="restart" data-t="restart"></button>
   <button type="button" class="close" data-act="close" data-l="close"><svg aria-hidden="true" viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg></button>
  </div>
  <div class="confirm" role="group" aria-labelledby="cq" hidden><p id="cq" data-t="confirm"></p><div class="opts"><button type="button" class="opt" data-act="keep" data-t="keep"></button><button type="button" class="opt" data-act="reset" data-t="restart"></button></div></div>
  <div class="bar"><p class="status" role="status"></p><button type="button" class="chip retry" data-act="retry" data-t="retry" hidden></button><button type="button" class="chip bcontact" data-act="contact" data-t="contact" hidden></button></div>
  <div class="log" role="log" aria-live="polite" tabindex="0" data-l="log"></div>
  <div class="typing" aria-hidden="true" hidden><span></span><span></span><span></span></div>
  <div class="tools" hidden><button type="button" class="chip sumbtn" data-act="summary" data-t="summaryBtn"></button></div>
  <form class="composer">
   <label class="sr" for="input" data-t="message"></label>
   <input id="input" type="text" autocomplete="off" maxlength="1000" enterkeyhint="send">
   <button type="submit" class="send" data-l="send"><svg aria-hidden="true" viewBox="0 0 24 24"><path fill="currentColor" d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg></button>
  </form>
 </div>
</div>`;

  // Text is only ever set as text.
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
  const camel = (a) => a.replace(/-(.)/g, (m, c) => c.toUpperCase());
  let uid = 0;

  // The options a "Noted: A, B." text names, whole labels, longest first
  // (so "No" is not found inside "No, no pain").
  function noted(text, options) {
    let rest = str(text).toLowerCase();
    const ids = [];
    const opts = options.filter((o) => o && str(o.label)).sort((a, b) => b.label.length - a.label.length);
    for (const o of opts) {
      const l = o.label.toLowerCase();
      for (let i = rest.indexOf(l); i >= 0; i = rest.indexOf(l, i + 1)) {
        if (/[:,] $/.test(rest.slice(i - 2, i)) && /^[,.;]?$/.test(rest.charAt(i + l.length))) {
          ids.push(o.id);
          rest = rest.slice(0, i) + '\u0000' + rest.slice(i + l.length);
          break;
        }
      }
    }
    return ids;
  }

  // The connection, with backoff. Unanswered messages are resent after a
  // reconnect: the session resumes from the last token, so that is exact.
  // Items: {m: message, t: tries, b: element waiting for the reply, a: open ask}.
  class Link {
    constructor(chat) {
      this.chat = chat;
      this.queue = [];
      this.sent = [];
      this.id = 1;
      this.retries = 0;
    }

    // `server`, absolute or relative to this script.
    url() {
      try {
        const u = new URL(this.chat.getAttribute('server') || 'ws', base);
        if (u.protocol === 'http:') u.protocol = 'ws:';
        if (u.protocol === 'https:') u.protocol = 'wss:';
        return u.href;
      } catch (e) {
        return '';
      }
    }

    open() {
      const c = this.chat;
      if (this.ws || !c.isConnected || c._bad === 'csp') return;
      this.wanted = true;
      clearTimeout(this.timer);
      if (!c._bad) c._status(this.seen ? 'reconnecting' : 'connecting', 'busy');
      let ws;
      try { ws = new WebSocket(this.url()); } catch (e) {
        c._misconfigured(e && e.name === 'SecurityError' ? 'csp' : 'badUrl');
        return;
      }
      this.ws = ws;
      this.ready = false;
      this.opened = false;
      ws.onopen = () => { this.opened = true; };
      ws.onmessage = (e) => { if (this.ws === ws) c._frame(e.data); };
      ws.onclose = () => {
        if (this.ws !== ws) return;
        const refused = !this.opened && navigator.onLine;
        this.lost();
        if (refused) c._refused();
        this.later();
      };
    }

    lost() {
      this.ws = null;
      this.ready = false;
      this.slow(false);
      const again = this.sent.filter((s) => s.m.type !== 'hello');
      const keep = again.filter((s) => ++s.t <= 3);
      if (keep.length < again.length) {
        this.chat._add({ n: this.chat._t('lost') });
        for (const s of again) if (s.t > 3) this.chat._unlock(s.b);
      }
      this.queue = keep.concat(this.queue);
      this.sent = [];
      this.chat._typing();
    }

    drop() {
      const ws = this.ws;
      if (!ws) return;
      this.lost();
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
    }

    later() {
      const c = this.chat;
      if (!c.isConnected) return;
      const delay = Math.min(kMaxBackoffMs, 500 * 2 ** this.retries) * (0.75 + Math.random() * 0.5);
      this.retries = Math.min(this.retries + 1, 8);
      c._offline();
      this.timer = setTimeout(() => this.open(), delay);
    }

    raw(item) {
      this.sent.push(item);
      item.id = this.id++;
      this.ws.send(JSON.stringify({ ...item.m, id: item.id }));
      if (!this.slowTimer) this.slow(true);
    }

    send(m, b, a) {
      this.queue.push({ m, t: 0, b, a });
      this.flush();
      if (!this.ws) { clearTimeout(this.timer); this.open(); }
      if (this.chat._el.root.dataset.state === 'off') this.chat._offline();
    }

    flush() {
      while (this.ready && this.ws && this.ws.readyState === 1 && this.queue.length) this.raw(this.queue.shift());
      this.chat._typing();
    }

    answered(replyTo) {
      const i = this.sent.findIndex((s) => s.id === replyTo);
      const item = i >= 0 ? this.sent.splice(i, 1)[0] : null;
      this.slow(false);
      if (this.sent.length) this.slow(true);
      return item;
    }

    // No reply within 10 s: say so, offer a retry.
    slow(on) {
      clearTimeout(this.slowTimer);
      this.slowTimer = on ? setTimeout(() => this.chat._slow(), kSlowMs) : 0;
      if (!on) this.chat._slow(false);
    }

    busy() { return !!(this.sent.length || (this.ready && this.queue.length)); }
  }

  class GuideChat extends HTMLElement {
    static get observedAttributes() { return ['open', 'lang', ...TEXT_ATTRS]; }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.appendChild(template.content.cloneNode(true));
      const $ = (s) => root.querySelector(s);
      this._el = {
        root: $('.root'), css: $('link'), launcher: $('.launcher'), llabel: $('.llabel'), badge: $('.badge'),
        panel: $('.panel'), title: $('.title'), lang: $('.lang'), restart: $('.restart'), contact: $('.contact-btn'),
        close: $('.close'), confirm: $('.confirm'), status: $('.status'), retry: $('.retry'), bcontact: $('.bcontact'), log: $('.log'),
        typing: $('.typing'), tools: $('.tools'), form: $('.composer'), input: $('#input'), send: $('.send'),
      };
      this._el.css.href = new URL('guidechat.css', base).href;
      this._link = new Link(this);
      this._recOf = new WeakMap();
      this._records = [];
      this._token = '';
      this._flows = [];
      this._unread = 0;
      const el = this._el;
      const shown = () => { el.root.hidden = false; };
      const link = this._link;
      // [target, event, handler]: added on connect, removed on disconnect.
      this._on = [
        [el.css, 'load', shown], [el.css, 'error', shown], [el.launcher, 'click', () => this.toggle()],
        [el.form, 'submit', (e) => { e.preventDefault(); this._submitText(); }],
        [el.panel, 'keydown', (e) => this._key(e)], [el.panel, 'click', (e) => this._act(e)],
        [el.log, 'change', (e) => this._checkChanged(e)],
        [matchMedia(kSmall), 'change', () => this._setOpen(this._isOpen, 1)],
        [window, 'online', () => {
          if (link.wanted && !link.ws) { clearTimeout(link.timer); link.retries = 0; link.open(); }
        }],
        // The socket is likely dead: say so now, not after a timeout.
        [window, 'offline', () => { link.drop(); this._offline(); }],
        [document, 'securitypolicyviolation', (e) => {
          if (/connect-src/.test(e.violatedDirective) && link.url().startsWith(e.blockedURI)) this._misconfigured('csp');
        }],
      ];
    }

    connectedCallback() {
      const el = this._el;
      for (const [t, n, f] of this._on) t.addEventListener(n, f);
      if (el.css.sheet) el.root.hidden = false;
      this._live = true;
      live.add(this);
      this._texts();
      this._place();
      el.launcher.hidden = el.close.hidden = this._inline();
      this._restore();
      this._setOpen(this._wasOpen || this.hasAttribute('open'), true);
    }

    disconnectedCallback() {
      for (const [t, n, f] of this._on) t.removeEventListener(n, f);
      this._live = false;
      live.delete(this);
      clearTimeout(this._link.timer);
      this._link.drop();
    }

    attributeChangedCallback(name, old, value) {
      if (!this._live) return; // connectedCallback reads them
      if (name === 'open') { if (this._isOpen !== (value != null)) this._setOpen(value != null); return; }
      this._retext();
      this._place();
    }

    // The page's API. open() is a method, so the state is isOpen.
    get isOpen() { return !!this._isOpen; }
    open() { this._setOpen(true); }
    close() { this._setOpen(false); }
    toggle() { this._setOpen(!this._isOpen); }

    start(flow) {
      flow = String(flow);
      this._setOpen(true);
      const f = this._flows.find((x) => x && x.id === flow);
      this._add({ u: (f && str(f.title)) || flow });
      this._send({ type: 'start', flow });
    }

    ask(text) {
      text = String(text ?? '').trim();
      this._setOpen(true);
      if (text) this._say(text);
    }

    _inline() { return this.hasAttribute('inline'); }

    _t(key, arg) {
      if (!this._strings) {
        const lang = (this.closest('[lang]') || document.documentElement).lang || 'en';
        const two = lang.toLowerCase().split('-')[0];
        let own;
        try { own = JSON.parse(this.getAttribute('strings')); } catch (e) { /* not JSON: none */ }
        this._strings = { ...STRINGS.en, ...STRINGS[two], ...own };
        loadPack(two);
      }
      return str(this._strings[key]).replace('{0}', arg);
    }

    _texts() {
      const el = this._el;
      this._strings = null;
      const t = (k) => this._t(k);
      const title = this.getAttribute('chat-title') || t('title');
      el.title.textContent = title;
      el.llabel.textContent = this.getAttribute('launcher-label') || t('launcher');
      el.lang.textContent = this.getAttribute('language-label') || '';
      el.lang.hidden = !el.lang.textContent;
      el.input.placeholder = this.getAttribute('placeholder') || t('placeholder');
      for (const n of this.shadowRoot.querySelectorAll('[data-t]')) n.textContent = t(n.dataset.t);
      for (const n of this.shadowRoot.querySelectorAll('[data-l]')) n.setAttribute('aria-label', t(n.dataset.l));
      el.contact.hidden = !this._hasContact();
      el.root.setAttribute('role', this._inline() ? 'region' : 'complementary');
      el.root.setAttribute('aria-label', title);
      if (this._inline()) for (const a of ['role', 'aria-labelledby', 'aria-modal']) el.panel.removeAttribute(a);
      this._badge();
    }

    // Offsets as the stylesheet's custom properties (CSSOM is CSP-safe).
    _place() {
      for (const a of ['offset-x', 'offset-y']) {
        const v = this.getAttribute(a);
        if (v) this.style.setProperty('--guidechat-' + a, /^[\d.]+$/.test(v) ? v + 'px' : v);
      }
    }

    _hasContact() {
      return ['clinic-name', 'clinic-phone', 'emergency-phone', 'clinic-hours', 'clinic-url', 'contact']
        .some((a) => this.getAttribute(a));
    }

    // One stored conversation per widget (id, or place) and server.
    _storeKey() {
      const n = [...document.querySelectorAll('guide-chat')].indexOf(this);
      return 'guidechat:' + this._link.url() + (this.id ? '#' + this.id : n > 0 ? '#' + n : '');
    }

    _restore() {
      let saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(this._storeKey()) || 'null'); } catch (e) { saved = null; }
      this._el.log.textContent = '';
      this._records = [];
      if (!saved || !Array.isArray(saved.r)) return;
      this._token = str(saved.t);
      this._wasOpen = !!saved.o;
      this._answered = !!saved.a;
      this._kept = !!saved.k;
      this._unread = saved.u | 0;
      this._records = saved.r.filter((rec) => rec && typeof rec === 'object');
      this._redraw();
      this._tools();
    }

    _redraw() {
      const recs = this._records;
      this._el.log.textContent = '';
      this._records = [];
      for (const rec of recs) this._add(rec, true);
    }

    _retext() {
      this._texts();
      this._redraw();
      this._scroll();
    }

    _save() {
      try {
        sessionStorage.setItem(this._storeKey(), JSON.stringify({
          t: this._token, o: this._isOpen, a: this._answered, k: this._kept, u: this._unread, r: this._records,
        }));
      } catch (e) { /* storage full or blocked */ }
    }

    _modal() { return !this._inline() && this._isOpen && matchMedia(kSmall).matches; }

    _setOpen(open, quiet) {
      const el = this._el;
      open = !!open || this._inline();
      const was = this._isOpen;
      const inside = this.shadowRoot.activeElement;
      this._isOpen = open;
      this.toggleAttribute('open', open);
      el.launcher.setAttribute('aria-expanded', String(open));
      el.panel.hidden = !open;
      if (!this._inline()) el.panel.setAttribute('aria-modal', String(this._modal()));
      if (open) {
        this._unread = 0;
        this._badge();
        this._link.open();
        if (!quiet) (matchMedia('(pointer: coarse)').matches ? el.log : el.input).focus();
        this._scroll();
      } else if (inside && inside !== el.launcher) {
        el.launcher.focus();
      }
      if (quiet || was === open) return;
      this._save();
      this._emit(open ? 'open' : 'close');
    }

    // Events carry no text: what a person wrote or was told stays here.
    _emit(name, detail) {
      this.dispatchEvent(new CustomEvent('guidechat:' + name, { bubbles: true, composed: true, detail }));
    }

    _badge() {
      const b = this._el.badge;
      b.hidden = !this._unread;
      b.textContent = this._unread ? this._t('unread', this._unread) : '';
    }

    _status(key, state) {
      this._el.status.textContent = key ? this._t(key) : '';
      this._el.root.dataset.state = state;
      this._el.retry.hidden = state !== 'slow';
      // Offline, the clinic is still a phone call away.
      this._el.bcontact.hidden = !/off|bad/.test(state) || !this._hasContact();
    }

    _offline() {
      if (this._bad) return;
      this._status(this._link.queue.length ? 'queued' : 'offline', 'off');
    }

    _slow(on = true) {
      if (on) this._status('slow', 'slow');
      else if (this._el.root.dataset.state === 'slow') this._status('', 'on');
    }

    // The clinic's set-up, not the network: the console says how to fix it.
    _misconfigured(why) {
      if (this._bad === why) return;
      this._bad = why;
      this._status(why, 'bad');
      const url = this._link.url();
      console.error('guidechat: ' + ({
        csp: `this page's CSP connect-src does not allow ${url}.`,
        refused: `${url} refused this origin; start the server with --allow-origin ${location.origin}.`,
      }[why] || 'server (data-server) is not a WebSocket address.') + ' See docs/embedding.md.');
      if (why === 'csp') clearTimeout(this._link.timer);
    }

    // Never opened while online, from another origin, and the server still
    // serves its stylesheet: it refused this origin.
    _refused() {
      const css = new URL(this._el.css.href);
      if (this._bad || this._probe || new URL(this._link.url()).host !== css.host || css.host === location.host) return;
      const probe = this._probe = h('link');
      probe.rel = 'stylesheet';
      probe.media = 'not all';
      probe.href = css.href + '?' + Date.now();
      const done = (ok) => {
        probe.remove();
        this._probe = null;
        if (ok && !this._link.seen) this._misconfigured('refused');
      };
      probe.onload = () => done(1);
      probe.onerror = () => done();
      this.shadowRoot.append(probe);
    }

    _send(msg, node, ask) {
      this._link.send(msg, node, ask);
    }

    _typing() {
      this._el.typing.hidden = !this._link.busy();
    }

    _frame(data) {
      let m;
      try { m = JSON.parse(data); } catch (e) { return; }
      if (!m || typeof m !== 'object') return;
      const link = this._link;
      if (m.type === 'welcome') { this._welcome(m); return; }
      const item = link.answered(m.reply_to);
      const req = item ? item.m : null;
      if (item) this._unlock(item.b);
      if (m.type === 'reply') {
        if (str(m.session)) this._token = m.session;
        if (m.reset === true) this._records = [];
        this._parts(m.parts, req, item);
      } else if (m.type === 'error') {
        this._error(m, req);
      }
      if (req && req.type === 'hello') { link.ready = true; this._status('', 'on'); }
      link.flush();
      this._save();
    }

    _welcome(m) {
      const link = this._link;
      link.seen = true;
      link.retries = 0;
      if (this._bad !== 'csp') this._bad = null;
      this._flows = Array.isArray(m.flows) ? m.flows : [];
      this._fresh = str(m.session);
      if (this._token) {
        link.raw({ m: { type: 'hello', session: this._token }, t: 0 });
        this._typing();
        return;
      }
      this._token = this._fresh;
      if (!this._records.length) this._greet(m.parts);
      link.ready = true;
      this._status('', 'on');
      link.flush();
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
        this._link.queue = this._link.queue.filter((q) => q.m.type !== 'choose');
        this._add({ n: this._t('restored') });
        if (this._flows.length) this._add({ f: this._flows });
        return;
      }
      this._add({ n: (STRINGS.en[m.code] && this._t(m.code)) || str(m.message) || this._t('error') });
    }

    _parts(parts, req, item) {
      if (!Array.isArray(parts)) return;
      const type = req && req.type;
      if (type === 'hello') {
        // The resumed question is already on screen.
        const asks = this._records.filter((r) => r.p && r.p.type === 'ask');
        const last = asks.length ? asks[asks.length - 1].p.id : null;
        parts = parts.filter((p) => !(p && p.type === 'ask' && p.id === last));
      }
      parts = parts.filter((p) => p && typeof p === 'object');
      // A typed answer taken: "Noted: ..." and another question (or none).
      const open = item && item.a;
      if (open && type === 'say' && !open.done && parts[0] && parts[0].type === 'text' &&
          !parts.some((p) => p.type === 'ask' && p.id === open.p.id)) {
        const ids = noted(parts[0].text, Array.isArray(open.p.options) ? open.p.options : []);
        if (ids.length) this._tick(open, ids);
      }
      if (type === 'choose') this._answer();
      const ends = parts.some((p) => /^(ask|outcome|summary)$/.test(p.type));
      if (ends || /^(choose|start|reset)$/.test(type)) this._closeAsks();
      let focus = null;
      let first = null;
      for (const p of parts) {
        // "Welcome back" is a quiet note.
        const el = this._add(type === 'hello' && p.type === 'text' ? { n: str(p.text) } : { p });
        first = first || el;
        if (p.type === 'ask') focus = el.querySelector('input, button');
        if (p.type === 'outcome') {
          this._answer();
          this._emit('outcome', { level: el.dataset.level });
        }
      }
      if (type === 'reset' && this._flows.length) this._add({ f: this._flows });
      if (first && type !== 'hello' && !this._isOpen) {
        this._unread += parts.length;
        this._badge();
      }
      if (this._focusNext) {
        this._focusNext = false;
        (focus || this._el.input).focus();
      } else if (first) {
        // A tall reply is shown from its start.
        const log = this._el.log;
        if (log.scrollHeight - first.offsetTop > log.clientHeight) log.scrollTop = first.offsetTop - 8;
      }
    }

    _answer() {
      this._answered = true;
      this._kept = false;
      this._tools();
    }

    _tools() { this._el.tools.hidden = !this._answered; }

    _tick(rec, ids) {
      rec.chosen = ids;
      rec.done = true;
      const node = [...this._el.log.children].find((n) => this._recOf.get(n) === rec);
      if (node) node.replaceWith(this._node(rec));
      this._answer();
    }

    _node(rec) {
      const el = this._render(rec);
      this._recOf.set(el, rec);
      return el;
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

    // Buttons wait for their reply: a double tap sends once.
    _lock(node) {
      for (const b of node ? node.querySelectorAll('button:not(:disabled)') : []) {
        b.disabled = true;
        b.dataset.lk = 1;
      }
    }

    _unlock(node) {
      if (!node) return;
      for (const b of node.querySelectorAll('[data-lk]')) {
        delete b.dataset.lk;
        b.disabled = !!b.closest('.ask.done');
      }
    }

    _add(rec, quiet) {
      const log = this._el.log;
      const el = this._node(rec);
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
      const t = (k) => this._t(k);
      let el;
      if (rec.u != null) el = this._bubble('user', t('you'), rec.u);
      else if (rec.n != null) return h('p', 'msg note', rec.n);
      else if (rec.f) return this._starters(rec.f);
      const p = rec.p || {};
      if (!el) {
        switch (p.type) {
          case 'ask': el = this._ask(p, rec); break;
          case 'outcome': el = this._outcome(p); break;
          case 'fallback': el = this._fallback(p); break;
          case 'summary': el = this._summary(p); break;
          case 'contact': el = this._contact(p); break;
          default: el = this._bubble('bot', t('guide'), p.text);
        }
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
      const from = source && str(source.guide_title);
      if (title) el.append(h('p', 'src', (from ? this._t('from', from) : this._t('fromGuide')) + title));
    }

    // Each number its own link, unbroken.
    _phone(label, number) {
      const line = h('p', 'phone');
      const a = h('a', 'tel', number);
      a.href = 'tel:' + number.replace(/[^0-9+#*]/g, '');
      line.append(this._t(label) + ' ', a);
      return line;
    }

    _phones(emergency, clinic) {
      return [['emergency', emergency], ['clinic', clinic]].filter((x) => x[1]).map((x) => this._phone(...x));
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
        const done = button('opt done-btn', this._t('done'), 'done');
        done.disabled = !chosen.length;
        group.append(done);
      }
      el.append(h('span', 'sr', this._t('asks') + ' '), q, group);
      if (rec.done) this._disable(el);
      return el;
    }

    _outcome(p) {
      const level = /^(urgent|doctor|self-care)$/.test(p.level) ? p.level : 'doctor';
      const el = h('div', 'msg bot outcome ' + level);
      el.dataset.level = level;
      el.append(h('h3', 'olabel', this._t(level)), h('p', 'txt', str(p.text)));
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
      const row = h('div', 'opts');
      row.append(button('chip', this._t('summaryBtn'), 'summary'));
      el.append(row);
      return el;
    }

    // The page's own details win over the server's (clinic.json).
    _contact(p) {
      const a = (n) => this.getAttribute(n) || '';
      const el = h('div', 'msg bot contact-card');
      const name = a('clinic-name') || str(p.text) || a('contact');
      if (name) el.append(h('p', 'txt', name));
      el.append(...this._phones(a('emergency-phone') || str(p.emergency_phone), a('clinic-phone') || str(p.phone)));
      const hours = a('clinic-hours') || str(p.hours);
      if (hours) el.append(h('p', 'hours', this._t('hours') + ' ' + hours));
      const url = a('clinic-url') || str(p.url);
      if (/^https:/i.test(url)) {
        const link = h('a', 'book', this._t('book'));
        link.href = url;
        el.append(link);
      }
      return el;
    }

    _fallback(p) {
      const el = this._bubble('bot', this._t('guide'), p.text);
      const sug = Array.isArray(p.suggestions) ? p.suggestions.filter((s) => typeof s === 'string') : [];
      const row = h('div', 'opts');
      for (const s of sug) row.append(button('chip', s, 'say'));
      if (this._hasContact()) row.append(button('chip', this._t('contact'), 'contact'));
      if (sug.length) el.append(h('p', 'lbl', this._t('suggest')));
      if (row.children.length) el.append(row);
      return el;
    }

    _summary(p) {
      const el = h('div', 'msg bot summary');
      el.append(h('h3', null, this._t('summary')));
      const items = Array.isArray(p.items) ? p.items.filter(Boolean) : [];
      if (items.length) {
        const dl = h('dl');
        for (const it of items) dl.append(h('dt', null, str(it.question)), h('dd', null, str(it.answer)));
        el.append(dl);
      }
      if (str(p.text)) el.append(h('p', 'txt', p.text));
      if (items.length) {
        const row = h('div', 'opts');
        row.append(button('opt', this._t('print'), 'print'), button('opt', this._t('copy'), 'copy'));
        el.append(row);
      }
      return el;
    }

    _starters(flows) {
      const el = h('div', 'msg starters');
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', this._t('checks'));
      el.append(h('p', 'lbl', this._t('choose')));
      for (const f of flows) {
        if (!f || !str(f.id)) continue;
        const b = button('chip', str(f.title) || f.id, 'flow');
        b.dataset.flow = f.id;
        el.append(b);
      }
      el.append(button('chip', this._t('summaryChip'), 'summary'));
      return el;
    }

    _say(text, node) {
      this._add({ u: text });
      const open = this._records.filter((r) => r.p && r.p.type === 'ask' && !r.done).pop();
      this._send({ type: 'say', text }, node, open);
      this._save();
    }

    _submitText() {
      const input = this._el.input;
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      this._say(text);
    }

    _key(e) {
      const el = this._el;
      if (e.key === 'Escape') {
        if (!el.confirm.hidden) this._confirm(false);
        else if (!this._inline() && this._isOpen) this._setOpen(false);
        else return;
        e.stopPropagation();
      } else if (e.key === 'Tab' && this._modal()) {
        const all = [...el.panel.querySelectorAll('button, input, a[href], [tabindex="0"]')]
          .filter((c) => !c.disabled && c.getClientRects().length);
        const at = this.shadowRoot.activeElement;
        const edge = e.shiftKey ? all[0] : all[all.length - 1];
        if (at === edge || at === el.panel || !all.includes(at)) {
          e.preventDefault();
          (e.shiftKey ? all[all.length - 1] : all[0]).focus();
        }
      }
    }

    _act(e) {
      const b = e.target.closest('button[data-act]');
      if (!b || b.disabled) return;
      const node = b.closest('.msg, .tools');
      const rec = node && this._recOf.get(node);
      const act = b.dataset.act;
      // Keys (detail 0) move focus on; a tap does not (no on-screen keyboard).
      this._focusNext = e.detail === 0;
      if (act === 'say') {
        this._say(b.textContent, node);
        this._lock(node);
      } else if (act === 'flow' || act === 'summary') {
        this._add({ u: b.textContent });
        this._send(act === 'flow' ? { type: 'start', flow: b.dataset.flow } : { type: 'summary' }, node);
        this._lock(node);
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
      } else if (act === 'print' || act === 'copy') {
        this[act === 'print' ? '_print' : '_copy'](rec.p);
        this._kept = true;
      } else if (act === 'contact') {
        this._add({ p: { type: 'contact' } });
      } else if (act === 'close') {
        this._setOpen(false);
      } else if (act === 'retry') {
        this._link.drop();
        this._link.open();
      } else if (act === 'restart') {
        // Unprinted, uncopied answers are not wiped without asking.
        if (this._answered && !this._kept) this._confirm(true);
        else this._restart();
      } else if (act === 'keep') {
        this._confirm(false);
      } else if (act === 'reset') {
        this._confirm(false, true);
        this._restart();
      }
      this._save();
    }

    _confirm(show, quiet) {
      const c = this._el.confirm;
      c.hidden = !show;
      if (show) c.querySelector('button').focus();
      else if (!quiet) this._el.restart.focus();
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
      this._answered = false;
      this._tools();
      this._add({ n: this._t('startedOver') });
      this._save();
      this._el.input.focus();
    }

    // Each answer once: the server's prose repeats them.
    _summaryLines(p) {
      const t = (k) => this._t(k);
      const lines = [t('summary'), ''];
      const clinic = this.getAttribute('clinic-name') || this.getAttribute('contact') || this.getAttribute('chat-title');
      if (clinic) lines.push(t('clinic') + ' ' + clinic);
      lines.push(t('date') + ' ' + new Date().toLocaleString());
      const out = [...this._el.log.querySelectorAll('.outcome')].pop();
      if (out) lines.push(t('outcome') + ' ' + out.querySelector('h3').textContent + '. ' + out.querySelector('.txt').textContent);
      lines.push('');
      for (const it of p.items.filter(Boolean)) lines.push(str(it.question) + ': ' + str(it.answer));
      return lines;
    }

    _copy(p) {
      const note = (k) => () => { this._add({ n: this._t(k) }); this._save(); };
      if (!navigator.clipboard) { note('noCopy')(); return; }
      navigator.clipboard.writeText(this._summaryLines(p).join('\n')).then(note('copied'), note('noCopy'));
    }

    // A same-origin frame built with textContent: nothing inline.
    _print(p) {
      const old = this.shadowRoot.querySelector('iframe');
      if (old) old.remove();
      const frame = h('iframe', 'printer');
      frame.title = this._t('summary');
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      this.shadowRoot.append(frame);
      const doc = frame.contentDocument;
      const lines = this._summaryLines(p);
      doc.title = lines[0];
      const body = doc.body || doc.documentElement.appendChild(doc.createElement('body'));
      lines.forEach((line, i) => {
        if (i === 1) return;
        const el = doc.createElement(i ? 'p' : 'h1');
        el.textContent = line;
        body.append(el);
      });
      frame.contentWindow.print();
    }
  }

  for (const a of TEXT_ATTRS) {
    Object.defineProperty(GuideChat.prototype, camel(a), {
      get() { return this.getAttribute(a); },
      set(v) { if (v == null) this.removeAttribute(a); else this.setAttribute(a, v); },
    });
  }
  for (const a of BOOL_ATTRS) {
    Object.defineProperty(GuideChat.prototype, a, {
      get() { return this.hasAttribute(a); },
      set(v) { this.toggleAttribute(a, !!v); },
    });
  }
  GuideChat.strings = STRINGS;
  customElements.define('guide-chat', GuideChat);

  // The one-line embed: data-* of the script tag become attributes. Without
  // data-server (and no <guide-chat> on the page) it warns and uses ws here.
  if (script) {
    const add = () => {
      if (!script.hasAttribute('data-server')) {
        if (document.querySelector('guide-chat')) return;
        console.warn('guidechat: the script tag has no data-server; using ' +
          new URL('ws', base).href.replace(/^http/, 'ws') + '. See docs/embedding.md.');
      }
      const chat = document.createElement('guide-chat');
      for (const name of ['lang', ...TEXT_ATTRS, ...BOOL_ATTRS]) {
        const v = script.getAttribute('data-' + name);
        if (v != null) chat.setAttribute(name, v);
      }
      document.body.append(chat);
    };
    if (document.readyState !== 'loading') add(); else document.addEventListener('DOMContentLoaded', add, { once: true });
  }
})();
