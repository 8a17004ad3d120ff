// Runs one browser test file with node's test runner, as ctest does. Exits
// 77 (ctest: skipped) when what the file needs is missing: the npm packages
// (deploy/setup.sh test runs `npm ci` here), Debian's chromium, or the
// guidechat binary. CI installs all three, so there nothing is skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error('usage: node run.mjs FILE.test.mjs');
  process.exit(2);
}
if (file !== 'static.test.mjs') {
  const missing = [];
  if (!fs.existsSync(path.join(here, 'node_modules/playwright-core'))) missing.push('npm packages (cd tests/browser && npm ci)');
  if (!fs.existsSync(process.env.GUIDECHAT_CHROMIUM || '/usr/bin/chromium')) missing.push('chromium (apt-get install chromium)');
  if (!process.env.GUIDECHAT_BIN || !fs.existsSync(process.env.GUIDECHAT_BIN)) missing.push('the guidechat binary (GUIDECHAT_BIN)');
  if (missing.length) {
    console.log(`skipped: missing ${missing.join(', ')}`);
    process.exit(77);
  }
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', path.join(here, file)],
  { stdio: 'inherit', cwd: here });
process.exit(r.status ?? 1);
