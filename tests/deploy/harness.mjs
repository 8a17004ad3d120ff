// Test harness for the deployment tests: a self-signed certificate made at
// test time, guidechat replicas (`guidechat serve`) on free loopback ports,
// and Debian's nginx run in the foreground with a temporary prefix and the
// shipped deploy/nginx/guidechat.conf (only ports and paths rewritten).
// Nothing here touches a system service or leaves the loopback interface.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';

export const NGINX = process.env.GUIDECHAT_NGINX || '/usr/sbin/nginx';
export const SKIP = 77; // ctest SKIP_RETURN_CODE

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The `ws` package installed for the browser tests (deploy/setup.sh runs npm ci).
export function loadWs(sourceDir) {
  const require = createRequire(path.join(sourceDir, 'tests/browser/package.json'));
  try {
    return require('ws');
  } catch (e) {
    throw new Error(`the 'ws' package is missing: run npm ci in tests/browser (${e.message})`);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Temporary directories are removed at exit, also after a failure, unless
// GUIDECHAT_KEEP_TMP=1 (to look at nginx's and the replicas' files).
const tempDirs = [];
export function tempDir(name) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `guidechat-${name}-`));
  tempDirs.push(d);
  return d;
}
process.on('exit', () => {
  for (const d of tempDirs) {
    if (process.env.GUIDECHAT_KEEP_TMP === '1') console.log(`kept ${d}`);
    else fs.rmSync(d, { recursive: true, force: true });
  }
});

// A self-signed certificate for localhost and 127.0.0.1 (openssl CLI).
export function makeCertificate(dir) {
  const key = path.join(dir, 'privkey.pem');
  const cert = path.join(dir, 'fullchain.pem');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert,
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error}`);
  return { key, cert, pem: fs.readFileSync(cert) };
}

function get(url, ca) {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { ca, timeout: 2000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', (e) => resolve({ status: 0, error: e.message, body: '' }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
export { get as httpGet };

async function waitFor(what, fn, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Every child process, so that a failing test never leaves one behind.
// nginx gets SIGTERM (its master then stops its workers; a SIGKILLed master
// would leave them orphaned); guidechat replicas get SIGKILL.
const children = new Map();
function killAll() {
  for (const [c, signal] of children) {
    try { c.kill(signal); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(1); });

class Proc {
  constructor(name, cmd, args, env, lastSignal = 'SIGKILL') {
    this.name = name;
    this.lines = [];
    this.child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(this.child, lastSignal);
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      children.delete(this.child);
      return { code, signal };
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
  }
  get pid() { return this.child.pid; }
  kill(signal) { this.child.kill(signal); }
  async stop(signal = 'SIGTERM', timeoutMs = 5000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill(children.get(this.child) || 'SIGKILL'), timeoutMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
  // JSON log lines (guidechat logs one object per line).
  events(name) {
    const out = [];
    for (const l of this.lines) {
      try {
        const j = JSON.parse(l);
        if (!name || j.event === name) out.push(j);
      } catch { /* not JSON */ }
    }
    return out;
  }
  tail(n = 20) { return this.lines.slice(-n).join('\n'); }
}

// One `guidechat serve` replica on a fixed loopback port.
export class Replica {
  constructor({ binary, port, key, knowledge, dialogs, origin, extraArgs = [], name }) {
    Object.assign(this, { binary, port, key, knowledge, dialogs, origin, extraArgs });
    this.name = name || `replica:${port}`;
    this.proc = null;
  }
  async start() {
    const args = ['serve', '--host', '127.0.0.1', '--port', String(this.port), '--threads', '2',
      '--log-level', 'info'];
    if (this.knowledge) args.push('--knowledge', this.knowledge);
    if (this.dialogs) args.push('--dialogs', this.dialogs);
    if (this.origin) args.push('--allow-origin', this.origin);
    args.push(...this.extraArgs);
    const env = { ...process.env, GUIDECHAT_SESSION_KEY: this.key };
    for (const k of Object.keys(env)) {
      if (k.startsWith('GUIDECHAT_') && k !== 'GUIDECHAT_SESSION_KEY') delete env[k];
    }
    this.proc = new Proc(this.name, this.binary, args, env);
    let exited = null;
    this.proc.exited.then((r) => (exited = r));
    await waitFor(`${this.name} /healthz`, async () => {
      if (exited) {
        throw new Error(`${this.name} exited (${JSON.stringify(exited)}):\n${this.proc.tail()}`);
      }
      const r = await get(`http://127.0.0.1:${this.port}/healthz`);
      return r.status === 200;
    });
    return this;
  }
  async metrics() {
    const r = await get(`http://127.0.0.1:${this.port}/metrics`);
    const values = {};
    for (const line of r.body.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const sp = line.lastIndexOf(' ');
      values[line.slice(0, sp)] = Number(line.slice(sp + 1));
    }
    return values;
  }
  stop(signal) { return this.proc ? this.proc.stop(signal) : Promise.resolve(null); }
}

// The shipped nginx site, with ports and paths rewritten for this test.
// `limitConn`, when given, replaces the per-address connection limit.
export function nginxSite({ sourceDir, dir, httpsPort, httpPort, upstreams, cert, limitConn }) {
  let site = fs.readFileSync(path.join(sourceDir, 'deploy/nginx/guidechat.conf'), 'utf8');
  const replace = (from, to) => {
    if (!site.includes(from)) throw new Error(`deploy/nginx/guidechat.conf no longer has '${from}'`);
    site = site.split(from).join(to);
  };
  replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  replace('listen [::]:443 ssl http2;', '');
  replace('listen 80;', `listen 127.0.0.1:${httpPort};`);
  replace('listen [::]:80;', '');
  replace('/etc/ssl/guidechat/fullchain.pem', cert.cert);
  replace('/etc/ssl/guidechat/privkey.pem', cert.key);
  replace('/etc/nginx/snippets/', path.join(sourceDir, 'deploy/nginx') + '/');
  replace('root /var/www/letsencrypt;', `root ${dir};`);
  if (limitConn) replace('limit_conn guidechat_conns 200;', `limit_conn guidechat_conns ${limitConn};`);
  // The upstream's replica lines.
  const lines = site.split('\n');
  const replicaLines = lines.filter((l) => /^\s*server 127\.0\.0\.1:\d+ /.test(l));
  if (replicaLines.length < 2) throw new Error('guidechat.conf: expected two replica lines');
  const template = replicaLines[0];
  const firstIdx = lines.indexOf(replicaLines[0]);
  const rest = lines.filter((l) => !replicaLines.includes(l));
  rest.splice(firstIdx, 0,
    ...upstreams.map((p) => template.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${p}`)));
  return rest.join('\n');
}

export class Nginx {
  constructor({ sourceDir, dir, upstreams, cert, limitConn }) {
    Object.assign(this, { sourceDir, dir, upstreams, cert, limitConn });
  }
  async writeConfig() {
    this.httpsPort = await freePort();
    this.httpPort = await freePort();
    const d = this.dir;
    fs.writeFileSync(path.join(d, 'site.conf'), nginxSite({ ...this, dir: d }));
    fs.writeFileSync(path.join(d, 'nginx.conf'), [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${d}/nginx.pid;`,
      'error_log stderr warn;',
      'events { worker_connections 4096; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      `  access_log ${d}/access.log;`,
      `  client_body_temp_path ${d}/body;`,
      `  proxy_temp_path ${d}/proxy;`,
      `  fastcgi_temp_path ${d}/fastcgi;`,
      `  uwsgi_temp_path ${d}/uwsgi;`,
      `  scgi_temp_path ${d}/scgi;`,
      `  include ${d}/site.conf;`,
      '}',
      '',
    ].join('\n'));
  }
  configTest() {
    return spawnSync(NGINX, ['-t', '-q', '-p', this.dir, '-c', path.join(this.dir, 'nginx.conf'),
      '-e', 'stderr'], { encoding: 'utf8' });
  }
  async start() {
    if (!this.httpsPort) await this.writeConfig();
    const t = this.configTest();
    if (t.status !== 0) throw new Error(`nginx -t failed:\n${t.stderr}`);
    this.proc = new Proc('nginx', NGINX,
      ['-p', this.dir, '-c', path.join(this.dir, 'nginx.conf'), '-e', 'stderr'], process.env,
      'SIGTERM');
    let exited = null;
    this.proc.exited.then((r) => (exited = r));
    await waitFor('nginx', async () => {
      if (exited) throw new Error(`nginx exited (${JSON.stringify(exited)}):\n${this.proc.tail()}`);
      const r = await get(`https://localhost:${this.httpsPort}/healthz`, this.cert.pem);
      return r.status === 200;
    });
    return this;
  }
  get origin() { return `https://localhost:${this.httpsPort}`; }
  get wsUrl() { return `wss://localhost:${this.httpsPort}/ws`; }
  stop() { return this.proc ? this.proc.stop('SIGTERM') : Promise.resolve(null); }
}

export function nginxAvailable() {
  if (!fs.existsSync(NGINX)) return false;
  return spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).status === 0;
}

export function randomKey() {
  return crypto.randomBytes(32).toString('hex');
}

// A tiny deterministic PRNG, so that every run takes the same paths.
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export function hash(str) {
  let h = 2166136261;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
