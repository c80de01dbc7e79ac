/**
 * Hand-written bundles for the shim's e2e tests: a busybox rootfs, a Docker-default config.json (caps,
 * mounts, masked paths, device rules, a seccomp profile with the semantics of Docker's default one) and
 * shim.json, plus helpers to drive build/Release/tscompose-shim directly and to wait on state.json.
 * The runtime's own spec builder (runtime/container) is tested separately; these bundles pin the protocol.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shimBin = process.env.TSCOMPOSE_SHIM ?? path.join(repoRoot, 'build/Release/tscompose-shim');

/** A temp root holding the rootfs (shared by a test file) and the bundles. */
export function makeTestRoot(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tsc-${prefix}-`));
}

/** busybox rootfs: /bin/busybox + applet links, passwd/group with root, nobody and user 1000, /tmp 1777. */
export function makeRootfs(root: string): string {
  const rootfs = path.join(root, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home/user']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    const dest = path.join(rootfs, a);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (!fs.existsSync(dest)) fs.symlinkSync('/bin/busybox', dest);
  }
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nuser:x:1000:1000::/home/user:/bin/sh\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n');
  return rootfs;
}

export const DOCKER_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

/** Syscalls Docker's default profile does not allow to a container with the default capabilities. */
const DOCKER_DENIED = new Set(['acct', 'add_key', 'bpf', 'clock_adjtime', 'clock_settime', 'clone', 'clone3', 'create_module',
  'delete_module', 'fanotify_init', 'finit_module', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'get_kernel_syms', 'get_mempolicy',
  'init_module', 'ioperm', 'iopl', 'kcmp', 'kexec_file_load', 'kexec_load', 'keyctl', 'lookup_dcookie', 'mbind', 'mount',
  'mount_setattr', 'move_mount', 'move_pages', 'name_to_handle_at', 'nfsservctl', 'open_by_handle_at', 'open_tree', 'open_tree_attr',
  'perf_event_open', 'personality', 'pivot_root', 'process_vm_readv', 'process_vm_writev', 'query_module', 'quotactl', 'quotactl_fd',
  'reboot', 'request_key', 'set_mempolicy', 'set_mempolicy_home_node', 'setns', 'settimeofday', 'socket', 'swapoff', 'swapon',
  'sysfs', '_sysctl', 'syslog', 'umount2', 'unshare', 'uselib', 'userfaultfd', 'ustat', 'vhangup', 'vm86', 'vm86old',
  'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'afs_syscall', 'tuxcall', 'security', 'putpmsg', 'getpmsg',
  'vserver', 'epoll_ctl_old', 'epoll_wait_old']);

let syscallNames: string[] | undefined;
/** The OCI seccomp object with Docker's default semantics (names from the shim's own x86_64 table). */
export function dockerSeccomp(): object {
  syscallNames ??= execFileSync(shimBin, ['--syscalls'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(' ')[0]!);
  const allowed = syscallNames.filter((n) => !DOCKER_DENIED.has(n));
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: allowed, action: 'SCMP_ACT_ALLOW' },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      ...[0, 8, 0x20000, 0x20008, 0xffffffff].map((v) => ({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: v, op: 'SCMP_CMP_EQ' }] })),
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
    ],
  };
}

export interface BundleOpts {
  args: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  privileged?: boolean;
  noNewPrivileges?: boolean;
  readonlyRoot?: boolean;
  terminal?: boolean;
  mounts?: object[];
  resources?: Record<string, unknown>;
  rlimits?: object[];
  sysctl?: Record<string, string>;
  hostname?: string;
  shim?: Record<string, unknown>;
  log?: { maxSize: number; maxFile: number };
  /** edit the generated config.json before it is written */
  edit?: (config: Record<string, any>) => void;
}

export interface Bundle { id: string; dir: string; name: string }

/** Every bundle made by this process: torn down at exit even if a test's after-hooks were skipped. */
const allBundles: Bundle[] = [];
process.on('exit', () => { for (const b of allBundles) destroy(b); });

export function makeBundle(root: string, rootfs: string, o: BundleOpts): Bundle {
  const id = randomBytes(32).toString('hex');
  const dir = path.join(root, 'containers', id);
  fs.mkdirSync(dir, { recursive: true });
  const name = `shimtest-${id.slice(0, 8)}`;
  const caps = o.privileged ? allCaps() : DOCKER_CAPS;
  const config: Record<string, any> = {
    ociVersion: '1.0.2',
    process: {
      terminal: o.terminal ?? false,
      user: o.user ?? { uid: 0, gid: 0 },
      args: o.args,
      env: o.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=box'],
      cwd: o.cwd ?? '/',
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] },
      rlimits: o.rlimits ?? [],
      noNewPrivileges: o.noNewPrivileges ?? false,
    },
    root: { path: 'rootfs', readonly: o.readonlyRoot ?? false },
    hostname: o.hostname ?? 'box',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', o.privileged ? 'rw' : 'ro'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
      ...(o.mounts ?? []),
    ],
    linux: {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({ type })),
      resources: {
        devices: o.privileged ? [{ allow: true, access: 'rwm' }] : [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: -1, minor: -1, access: 'm' },
          { allow: true, type: 'b', major: -1, minor: -1, access: 'm' },
          ...[[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2]].map(([major, minor]) => ({ allow: true, type: 'c', major, minor, access: 'rwm' })),
          { allow: true, type: 'c', major: 136, minor: -1, access: 'rwm' },
        ],
        ...(o.resources ?? {}),
      },
      sysctl: o.sysctl ?? {},
      maskedPaths: o.privileged ? [] : ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'],
      readonlyPaths: o.privileged ? [] : ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      ...(o.privileged ? {} : { seccomp: dockerSeccomp() }),
    },
  };
  o.edit?.(config);
  const shim = {
    id, name,
    rootfs: { lower: [rootfs], upper: path.join(dir, 'upper'), work: path.join(dir, 'work') },
    log: { path: path.join(dir, `${id}-json.log`), maxSize: o.log?.maxSize ?? 0, maxFile: o.log?.maxFile ?? 1 },
    restart: { policy: 'no', maxRetries: 0 },
    health: null,
    stopSignal: 15,
    init: false,
    runtime: 'shim',
    ...(o.shim ?? {}),
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(dir, 'shim.json'), JSON.stringify(shim, null, 2));
  const bundle = { id, dir, name };
  allBundles.push(bundle);
  return bundle;
}

function allCaps(): string[] {
  const last = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const names = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
    'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
    'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
    'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
    'PERFMON', 'BPF', 'CHECKPOINT_RESTORE'];
  return names.slice(0, last + 1).map((n) => `CAP_${n}`);
}

export interface RunResult { code: number; stdout: string; stderr: string }

export function shim(args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(shimBin, args, { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeoutMs ?? 60_000 });
  return { code: r.status ?? 128 + 9, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Async variant for long-running commands (exec of a slow process) without blocking the event loop. */
export function shimAsync(args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const c = spawn(shimBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    c.on('close', (code, sig) => { clearTimeout(t); resolve({ code: code ?? 128 + (sig ? 9 : 0), stdout, stderr }); });
  });
}

export interface ShimState {
  id: string; status: string; pid: number; pidStartTime: number; shimPid: number; shimStartTime: number;
  exitCode: number | null; signal: number | null; oomKilled: boolean; startedAt: string | null; finishedAt: string | null;
  restartCount: number; stopRequested: boolean; error: string | null;
  health: null | { status: string; failingStreak: number; log: { start: string; end: string; exitCode: number; output: string }[] };
}

export function readState(b: Bundle): ShimState | undefined {
  try { return JSON.parse(fs.readFileSync(path.join(b.dir, 'state.json'), 'utf8')) as ShimState; } catch { return undefined; }
}

export function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch { return false; }
}

/** Polls until pred(state) holds (deadline-based, never a fixed sleep). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function waitState(b: Bundle, pred: (s: ShimState) => boolean, what: string, timeoutMs = 20_000): Promise<ShimState> {
  return waitFor(what, () => { const s = readState(b); return s && pred(s) ? s : undefined; }, timeoutMs);
}

/** Waits until the container has exited and its shim process is gone. */
export async function waitExited(b: Bundle, timeoutMs = 30_000): Promise<ShimState> {
  const s = await waitState(b, (st) => st.status === 'exited', 'the container to exit', timeoutMs);
  await waitFor('the shim to exit', () => !processAlive(s.shimPid), timeoutMs);
  return s;
}

export function readLog(b: Bundle, suffix = ''): { log: string; stream: string; time: string }[] {
  const file = path.join(b.dir, `${b.id}-json.log${suffix}`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export function logText(b: Bundle): string {
  return readLog(b).map((l) => l.log).join('');
}

/** Runs a command to completion in a fresh container and returns its output and final state. */
export async function runToExit(root: string, rootfs: string, o: BundleOpts, timeoutMs = 30_000): Promise<{ b: Bundle; out: string; state: ShimState; run: RunResult }> {
  const b = makeBundle(root, rootfs, o);
  const run = shim(['run', b.dir]);
  if (run.code !== 0) return { b, out: '', state: readState(b)!, run };
  const state = await waitExited(b, timeoutMs);
  return { b, out: logText(b), state, run };
}

/** Best-effort teardown: kill the shim (the container dies with it), then let the shim clean up leftovers. */
export function destroy(b: Bundle): void {
  if (!fs.existsSync(b.dir)) return;
  const s = readState(b);
  if (s?.shimPid && processAlive(s.shimPid)) {
    try { process.kill(s.shimPid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (let i = 0; i < 100 && s?.shimPid && processAlive(s.shimPid); i++) spawnSync('sleep', ['0.02']);
  shim(['cleanup', b.dir]);
}

/** Mounts and cgroup dirs that mention this container: must be empty after it is gone. */
export function leftovers(b: Bundle): string[] {
  const found: string[] = [];
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  for (const line of mounts.split('\n')) if (line.includes(b.id) || line.includes(b.dir)) found.push(`mount: ${line}`);
  for (const ctl of ['memory', 'cpu', 'pids', 'devices', 'freezer', 'blkio', 'cpuset', 'cpuacct', 'unified', '']) {
    const p = path.join('/sys/fs/cgroup', ctl, 'tscompose', b.id);
    if (fs.existsSync(p)) found.push(`cgroup: ${p}`);
  }
  return found;
}

/** Leak-check filter: entries naming this test root, a container cgroup or a shim process (not the
 * host lock's own flock process, whose lock file name also says "tscompose"). */
export function isMine(entry: string, root: string): boolean {
  return entry.includes(root) || /tscompose\/[0-9a-f]{64}/.test(entry) || entry.includes('tscompose-shim') ||
    (entry.startsWith('process ') && entry.includes('own namespace'));
}
