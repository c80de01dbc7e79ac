#!/usr/bin/env node
// Runs benchmarks: `npm run bench` runs all of bench/*/run.ts, `npm run bench -- startup loader` a selection.
// Each prints one JSON document; results are also kept under bench/results/ (not committed).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const wanted = process.argv.slice(2);
const all = readdirSync(path.join(root, 'bench')).filter((d) => existsSync(path.join(root, 'bench', d, 'run.ts')));
const chosen = wanted.length > 0 ? wanted : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) { console.error(`no benchmark bench/${name}/run.ts`); failed++; continue; }
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', name, 'run.ts')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
