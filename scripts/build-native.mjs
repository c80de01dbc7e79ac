#!/usr/bin/env node
// Builds native/ (the syscall addon and the per-container shim) with node-gyp, offline:
// node-gyp is pointed at the running Node's own headers so it never downloads them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const nodedir = path.resolve(process.execPath, '../..');
if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`tscompose: Node headers not found under ${nodedir}/include/node; install the nodejs headers package`);
  process.exit(1);
}

function nodeGypBin() {
  // npm puts its bundled node-gyp on PATH for lifecycle scripts; fall back to npm's own copy.
  const require = createRequire(import.meta.url);
  for (const candidate of ['node-gyp/bin/node-gyp.js']) {
    try { return require.resolve(candidate); } catch { /* not installed locally */ }
  }
  const npmDir = path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  if (existsSync(npmDir)) return npmDir;
  return null;
}

const bin = nodeGypBin();
const args = ['rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'];
const res = bin
  ? spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' })
  : spawnSync('node-gyp', args, { stdio: 'inherit' });
if (res.status !== 0) {
  console.error('tscompose: building native/ failed (a C/C++ compiler, make and python3 are needed)');
  process.exit(res.status ?? 1);
}
