#!/usr/bin/env node
// Runs the whole test suite with node's own test runner: unit tests (no root needed) and, as root,
// the e2e tests (otherwise they report themselves skipped with the reason).
// Usage: npm test [-- <path filter>...]
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'testdata' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

// The CLI is tested through its real launcher, so the build must be current.
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
chmodSync(path.join(root, 'dist/src/cli/main.js'), 0o755);
// ... and bundled, as package.json's bin runs it.
const bundle = spawnSync(process.execPath, [path.join(root, 'scripts/bundle-cli.mjs')], { stdio: 'inherit' });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);

let files = find(path.join(root, 'test')).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Networks turn IPv4 forwarding on, as docker does; each e2e test puts it back, and so does the suite as a
// whole, so a test killed half-way never leaves the host forwarding.
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
let forwardBefore;
try { forwardBefore = process.getuid?.() === 0 ? readFileSync(IP_FORWARD, 'utf8') : undefined; } catch { /* no procfs */ }
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, TSCOMPOSE_TEST: '1' },
});
if (forwardBefore !== undefined && readFileSync(IP_FORWARD, 'utf8') !== forwardBefore) {
  console.error(`npm test: ${IP_FORWARD} was left at ${readFileSync(IP_FORWARD, 'utf8').trim()}; put back to ${forwardBefore.trim()}`);
  writeFileSync(IP_FORWARD, forwardBefore);
}
process.exit(res.status ?? 1);
