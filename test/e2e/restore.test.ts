/**
 * `restore` after a simulated reboot, and `runtime: runc` through the CLI. The project runs web (always, a
 * published port), client (unless-stopped, created by Debian's runc: it answers exec and resolves web by
 * name), stopped (always, stopped explicitly) and once (restart: no). The reboot is simulated by hand, on
 * this project's objects only: every shim, container process and resolver SIGKILLed by pid, the bridges
 * and exactly the recorded iptables rules deleted, mounts under the root unmounted, the run dir removed.
 * `restore` must bring back web and client (same address, port and names, web's tmpfs volume mounted
 * again), and leave stopped and once exited; then down leaves nothing (e2eEnv's leak check). web's file
 * secret and client's config (under the run dir the reboot empties) come back with the bytes, owner and mode
 * of their create, although the token file changed since and CLIENT_CONF is unset for restore. A restore
 * started while the project's lock is held says so and waits, touching nothing until the lock is let go.
 * once (not restored) gets its secret back too, so `start once` works after the reboot.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { repoRoot, tscompose, type CliResult } from '../helpers/cli.js';
import { spawnCli } from '../helpers/cli-spawn.js';
import { selfIdentity } from '../../runtime/store/pid-identity.js';
import { e2eEnv, eventually, unmountUnder } from '../helpers/e2e.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';
import { findFreePort as freePort } from '../helpers/registry.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const shimBin = path.join(repoRoot, 'build/Release/tscompose-shim');
const haveRunc = spawnSync('runc', ['--version']).status === 0;
const skip = needsRoot || (haveRunc ? false : 'runc is not installed');

interface PsJson { ID: string; Name: string; Service: string; State: string }
const psRows = (r: CliResult): PsJson[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PsJson).sort((a, b) => a.Service.localeCompare(b.Service));

interface StateJson { pid: number; shimPid: number; status: string }
interface NetRecord { device: string; rules: Rule[]; resolver?: { pid: number }; endpoints: Record<string, { hostVeth: string; ipv4: string; rules: Rule[] }> }
interface Rule { table: string; chain: string; args: string[] }

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(3000) });
  return (await res.text()).trim();
}

/** exec through the shim, as `tscompose exec` does (the CLI command belongs to another part of the tree) */
function shimExec(root: string, id: string, cmd: string[]): { code: number; out: string } {
  const r = spawnSync(shimBin, ['exec', path.join(root, 'containers', id), '--', ...cmd], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function killPid(pid: number | undefined): void {
  if (!pid) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

const gone = (pid: number) => !fs.existsSync(`/proc/${pid}/stat`) || /\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** What a reboot takes away, for this root only. */
async function simulateReboot(root: string): Promise<void> {
  const containers = path.join(root, 'containers');
  const pids: number[] = [];
  for (const id of fs.readdirSync(containers)) {
    const file = path.join(containers, id, 'state.json');
    if (!fs.existsSync(file)) continue;
    const st = JSON.parse(fs.readFileSync(file, 'utf8')) as StateJson;
    killPid(st.shimPid);
    killPid(st.pid);
    pids.push(st.shimPid, st.pid);
  }
  const netDir = path.join(root, 'networks');
  for (const f of fs.readdirSync(netDir).filter((n) => n.endsWith('.json'))) {
    const rec = JSON.parse(fs.readFileSync(path.join(netDir, f), 'utf8')) as NetRecord;
    killPid(rec.resolver?.pid);
    if (rec.resolver) pids.push(rec.resolver.pid);
    for (const rule of [...Object.values(rec.endpoints).flatMap((e) => e.rules), ...rec.rules].reverse()) {
      spawnSync('iptables', ['-w', '-t', rule.table, '-D', rule.chain, ...rule.args]);
    }
    for (const ep of Object.values(rec.endpoints)) spawnSync('ip', ['link', 'del', ep.hostVeth]);
    spawnSync('ip', ['link', 'del', rec.device]);
  }
  await eventually(() => assert.deepEqual(pids.filter((p) => p > 0 && !gone(p)), []), { timeoutMs: 30_000 });
  await unmountUnder(root);
  fs.rmSync(path.join(root, 'run'), { recursive: true, force: true });
}

test('restore brings back always/unless-stopped containers after a reboot; runtime runc through the CLI', { skip, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const port = await freePort();
  const cwd = path.join(testdata, 'Restore');
  const files = fs.mkdtempSync(path.join(path.dirname(e.root), 'tsc-restore-files-'));
  e.defer(() => fs.rmSync(files, { recursive: true, force: true }));
  const tokenFile = path.join(files, 'token.txt');
  fs.writeFileSync(tokenFile, 'token-at-create\n');
  const env = { ...e.env, WEB_PORT: String(port), TOKEN_FILE: tokenFile, CLIENT_CONF: 'conf-at-create' };
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env, timeoutMs: 120_000 });
  e.defer(() => cli(['down', '-t', '0']));

  await loadKitImages(e.env, 'busybox');
  ok(await cli(['up', '-d']), 'up -d');
  const before = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps'));
  assert.deepEqual(before.map((r) => [r.Service, r.State]), [['client', 'running'], ['once', 'running'], ['stopped', 'running'], ['web', 'running']]);
  const id = (service: string) => before.find((r) => r.Service === service)!.ID;
  const fullId = (service: string) => fs.readdirSync(path.join(e.root, 'containers')).find((d) => d.startsWith(id(service)))!;

  // runtime: runc — created by runc (its record is in the bundle), answers exec, resolves web by name
  assert.ok(fs.existsSync(path.join(e.root, 'containers', fullId('client'), 'runc', fullId('client'))), 'runc holds the client container');
  assert.equal(execFileSync('runc', ['--root', path.join(e.root, 'containers', fullId('client'), 'runc'), 'state', fullId('client')], { encoding: 'utf8' }).includes('"status": "running"'), true);
  const hello = shimExec(e.root, fullId('client'), ['sh', '-c', 'echo hello from $(cat /proc/1/cmdline | tr "\\0" " ")']);
  assert.deepEqual(hello, { code: 0, out: 'hello from sh -c trap \'exit 0\' TERM; while true; do sleep 1; done\n' });
  const fromClient = await eventually(() => {
    const r = shimExec(e.root, fullId('client'), ['wget', '-qO-', 'http://web:8080/index.html']);
    assert.equal(r.code, 0, r.out);
    return r.out.trim();
  }, { timeoutMs: 30_000, intervalMs: 300 });
  const webPage = await eventually(() => get(port), { timeoutMs: 30_000, intervalMs: 200 });
  assert.equal(fromClient, webPage);
  assert.match(webPage, /^up from [0-9a-f]{12}$/);

  // the secret and the config as create made them, kept in the bundle for restore (readable by root only)
  const fileFacts = () => [
    shimExec(e.root, fullId('web'), ['sh', '-c', 'cat /run/secrets/token; stat -c "%u:%g %a" /run/secrets/token']),
    shimExec(e.root, fullId('client'), ['cat', '/etc/client.conf']),
  ];
  const atCreate = [{ code: 0, out: 'token-at-create\n1000:1001 400\n' }, { code: 0, out: 'conf-at-create' }];
  assert.deepEqual(fileFacts(), atCreate);
  for (const service of ['web', 'client']) {
    assert.equal(fs.statSync(path.join(e.root, 'containers', fullId(service), 'secrets.json')).mode & 0o777, 0o600);
  }
  fs.writeFileSync(tokenFile, 'token-changed-later\n');

  // an explicit stop before the reboot: stays stopped whatever its policy
  const stop = spawnSync(shimBin, ['stop', path.join(e.root, 'containers', fullId('stopped')), '0'], { encoding: 'utf8' });
  assert.equal(stop.status, 0, stop.stderr);

  await simulateReboot(e.root);
  const dead = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps after the reboot'));
  assert.deepEqual(dead.map((r) => r.State), ['exited', 'exited', 'exited', 'exited']);

  const volumeMounts = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p.startsWith(path.join(e.root, 'volumes')));
  assert.deepEqual(volumeMounts(), [], 'the reboot took the tmpfs volume away');
  assert.equal(fs.existsSync(path.join(e.root, 'run', 'secrets')), false, 'the reboot took the secrets away');

  // the project's lock held (as by an `up` of this project): restore says so and waits, restoring nothing
  const lockDir = path.join(e.root, 'run', 'locks');
  const lockFile = path.join(lockDir, `project-${e.project}.lock`);
  fs.mkdirSync(lockDir, { recursive: true });
  const me = selfIdentity();
  fs.writeFileSync(lockFile, `${me.pid} ${me.startTime}\n`, { flag: 'wx' });
  e.defer(() => fs.rmSync(lockFile, { force: true }));
  const waiting = spawnCli(['restore'], { env: e.env, timeoutMs: 180_000 });
  e.defer(() => waiting.kill('SIGKILL'));
  await waiting.waitFor(new RegExp(`waiting for another tscompose command working on project "${e.project}" to finish`), 60_000);
  assert.doesNotMatch(waiting.stderr(), /Restored|Restoring/);
  assert.deepEqual(psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps while restore waits')).map((r) => r.State), ['exited', 'exited', 'exited', 'exited']);
  assert.deepEqual(volumeMounts(), [], 'a waiting restore mounts nothing');
  assert.equal(waiting.exited(), false, 'restore is still waiting for the lock');
  fs.unlinkSync(lockFile);
  const restored = ok(await waiting.done, 'restore after the lock was let go');
  assert.equal(volumeMounts().length, 1, 'restore mounted the tmpfs volume again');
  assert.match(restored.stderr, new RegExp(`Network ${e.project}_default  Restored`));
  assert.match(restored.stderr, new RegExp(`Container ${e.project}-web-1  Restored`));
  assert.match(restored.stderr, new RegExp(`Container ${e.project}-client-1  Restored`));
  assert.doesNotMatch(restored.stderr, /stopped-1|once-1|Error/);
  assert.deepEqual(fileFacts(), atCreate, 'secret and config as at create, not as the files are now');

  const after = psRows(ok(await cli(['ps', '-a', '--format', 'json']), 'ps after restore'));
  assert.deepEqual(after.map((r) => [r.Service, r.State]), [['client', 'running'], ['once', 'exited'], ['stopped', 'exited'], ['web', 'running']]);
  assert.deepEqual(after.map((r) => r.ID), before.map((r) => r.ID), 'the same containers, not new ones');
  // the same page on the same published port, and by name from the restored runc container
  assert.equal(await eventually(() => get(port), { timeoutMs: 30_000, intervalMs: 200 }), webPage);
  assert.equal(await eventually(() => {
    const r = shimExec(e.root, fullId('client'), ['wget', '-qO-', 'http://web:8080/index.html']);
    assert.equal(r.code, 0, r.out);
    return r.out.trim();
  }, { timeoutMs: 30_000, intervalMs: 300 }), webPage);

  // once was not brought back, but its secret was written back for a later start
  ok(await cli(['start', 'once']), 'start once after the reboot');
  assert.deepEqual(shimExec(e.root, fullId('once'), ['cat', '/run/secrets/token']), { code: 0, out: 'token-at-create\n' });

  // a second restore finds everything running and does nothing
  const again = ok(await tscompose(['restore'], { env: e.env, timeoutMs: 120_000 }), 'second restore');
  assert.equal(again.stderr, '');

  ok(await cli(['down', '-t', '0']), 'down');
  assert.deepEqual(fs.readdirSync(path.join(e.root, 'containers')), []);
});
