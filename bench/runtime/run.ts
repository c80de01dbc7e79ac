/**
 * The C shim against Debian's runc on the same busybox rootfs and the same config.json (Docker-default
 * caps, mounts, masks and seccomp): create + start + wait of `true`, median of N interleaved runs; and the
 * resident memory of one idle shim. Needs root. `BENCH_SHIM_N` sets the rounds (default 30).
 * Run: npm run bench -- runtime
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { interleaved, mustRun, report, round } from '../lib/measure.js';
import { makeBundle, makeRootfs, makeTestRoot, readState, shim, shimBin, type Bundle } from '../../test/runtime/shim-fixture.js';

const N = Number(process.env.BENCH_SHIM_N ?? 30);
const root = makeTestRoot('bench-shim');
const rootfs = makeRootfs(root);
const haveRunc = spawnSync('runc', ['--version']).status === 0;

/** A runc bundle: the same config.json, with root.path the plain rootfs (runc does not mount overlays). */
function runcBundle(): string {
  const b = makeBundle(root, rootfs, { args: ['true'] });
  const cfg = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  cfg.root = { path: rootfs, readonly: false };
  cfg.linux.cgroupsPath = `/tscompose-bench/${b.id}`;
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(cfg));
  return b.dir;
}

/** `runtime: runc` as tscompose runs it: the shim monitors, runc creates (cgroupsPath where the shim looks). */
function shimRuncBundle(): Bundle {
  const b = makeBundle(root, rootfs, { args: ['true'], shim: { runtime: 'runc', runcPath: spawnSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).stdout.trim() } });
  const cfg = JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8'));
  cfg.linux.cgroupsPath = `/tscompose/${b.id}`;
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(cfg));
  return b;
}

const shimBundles: Bundle[] = [];
const runcDirs: string[] = [];
const shimRuncBundles: Bundle[] = [];
for (let i = 0; i < N + 1; i++) {
  shimBundles.push(makeBundle(root, rootfs, { args: ['true'] }));
  if (haveRunc) runcDirs.push(runcBundle());
  if (haveRunc) shimRuncBundles.push(shimRuncBundle());
}
let si = 0, ri = 0, sri = 0;
const cases = [
  {
    name: 'shim run true (create+start+wait)',
    run: () => {
      const b = shimBundles[si++]!;
      mustRun(shimBin, ['run', b.dir]);
      mustRun(shimBin, ['wait', b.dir]);
    },
  },
];
if (haveRunc) {
  cases.push({
    name: 'runc run true',
    run: () => {
      const dir = runcDirs[ri++]!;
      mustRun('runc', ['run', '--bundle', dir, `bench-${path.basename(dir).slice(0, 12)}`]);
    },
  });
  cases.push({
    name: 'shim with runtime runc run true (create+start+wait)',
    run: () => {
      const b = shimRuncBundles[sri++]!;
      mustRun(shimBin, ['run', b.dir]);
      mustRun(shimBin, ['wait', b.dir]);
    },
  });
}
// one warm-up each (page cache, binary load), not counted
cases.forEach((c) => c.run());
const results = interleaved(cases, N);

// resident memory of one idle shim (its container sleeps)
const idle = makeBundle(root, rootfs, { args: ['sleep', '60'] });
if (shim(['run', idle.dir]).code !== 0) throw new Error('idle container did not start');
const shimPid = readState(idle)!.shimPid;
const status = fs.readFileSync(`/proc/${shimPid}/status`, 'utf8');
const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
const smaps = fs.readFileSync(`/proc/${shimPid}/smaps_rollup`, 'utf8');
const pssKiB = Number(/^Pss:\s+(\d+) kB/m.exec(smaps)![1]);
shim(['kill', idle.dir, '9']);
for (let i = 0; i < 500 && readState(idle)?.status !== 'exited'; i++) spawnSync('sleep', ['0.01']);

const shimMs = results['shim run true (create+start+wait)']!.medianMs;
const runcMs = results['runc run true']?.medianMs;
report('runtime-shim', {
  rounds: N,
  results,
  ratioShimToRunc: runcMs ? round(shimMs / runcMs) : null,
  idleShim: { vmRssKiB: rssKiB, pssKiB },
});
fs.rmSync(root, { recursive: true, force: true });
