/**
 * Collects the host state an e2e test could leak: network links, iptables rules, mounts, network
 * namespaces, tscompose cgroups and processes. Only reads; the comparison lives in leak-check.ts.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink, lstat } from 'node:fs/promises';
import path from 'node:path';

export interface ProcessEntry {
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks since boot): with the pid it names one process, even after pid reuse. */
  start: string;
  ppid: number;
  sid: number;
  state: string;
  comm: string;
  cmdline: string;
  /** In a pid or mount namespace other than the test runner's: a container process. */
  foreignNs: boolean;
  /** Its environment carries TSCOMPOSE_ROOT or TSCOMPOSE_TEST: started (directly or not) by a test. Read only for orphans. */
  testEnv: boolean;
}

export interface HostSnapshot {
  takenAt: number;
  links: string[];
  /** "iptables -t nat -A ..." rule lines and "iptables -t filter -N CHAIN" for user chains (also ip6tables). */
  iptables: string[];
  /** Mount points in the runner's mount namespace, once per mount (stacked mounts repeat), nsfs excluded. */
  mounts: string[];
  /** Mount points of nsfs mounts (bound namespaces, as `ip netns add` makes). */
  nsfs: string[];
  netns: string[];
  /** Relative to /sys/fs/cgroup, e.g. "memory/tscompose/abc". */
  cgroups: string[];
  processes: ProcessEntry[];
  self: { pid: number; sid: number };
  /** Sources that could not be read (command missing, not root): their lists are empty. */
  unavailable: string[];
}

const CGROUP_ROOT = '/sys/fs/cgroup';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.toString().trim() || err.message}`));
      else resolve(stdout.toString());
    });
  });
}

async function collectLinks(unavailable: string[]): Promise<string[]> {
  try {
    const out = await run('ip', ['-o', 'link', 'show']);
    // "7: veth1a2b@if6: <BROADCAST,...> mtu ..." -> "veth1a2b"
    return out.split('\n').filter(Boolean).map((l) => l.split(': ')[1]?.split('@')[0] ?? l);
  } catch (e) {
    unavailable.push(`links (${(e as Error).message})`);
    return [];
  }
}

/** Pure: the rule and user-chain lines of one `iptables-save -t <table>` output. */
export function parseIptablesSave(tool: string, table: string, text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('-A ')) out.push(`${tool} -t ${table} ${line}`);
    // ":NAME POLICY [p:b]"; user chains have policy "-". Built-in chains appear whenever the table exists.
    else if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(' ');
      if (policy === '-') out.push(`${tool} -t ${table} -N ${name}`);
    }
  }
  return out;
}

async function collectIptables(unavailable: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const [tool, save] of [['iptables', 'iptables-save'], ['ip6tables', 'ip6tables-save']] as const) {
    for (const table of ['filter', 'nat']) {
      try {
        out.push(...parseIptablesSave(tool, table, await run(save, ['-t', table])));
      } catch (e) {
        unavailable.push(`${tool} ${table} (${(e as Error).message.split('\n')[0]})`);
      }
    }
  }
  return out;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Pure: mount points and nsfs mount points of a /proc/<pid>/mountinfo text. */
export function parseMountinfo(text: string): { mounts: string[]; nsfs: string[] } {
  const mounts: string[] = [];
  const nsfs: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [left, right] = line.split(' - ');
    const point = unescapeMount(left!.split(' ')[4]!);
    if (right?.split(' ')[0] === 'nsfs') nsfs.push(point);
    else mounts.push(point);
  }
  return { mounts, nsfs };
}

async function collectNetns(unavailable: string[]): Promise<string[]> {
  try {
    const out = await run('ip', ['netns', 'list']);
    return out.split('\n').filter(Boolean).map((l) => l.split(' ')[0]!);
  } catch (e) {
    unavailable.push(`netns (${(e as Error).message})`);
    return [];
  }
}

async function walkDirs(dir: string, rel: string, out: string[]): Promise<void> {
  out.push(rel);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // removed while walking
  }
  for (const e of entries) if (e.isDirectory()) await walkDirs(path.join(dir, e.name), `${rel}/${e.name}`, out);
}

/** Directories under /sys/fs/cgroup/<controller>/tscompose* (v1) and /sys/fs/cgroup/tscompose* (v2). */
async function collectCgroups(): Promise<string[]> {
  const out: string[] = [];
  const isOurs = (n: string) => n === 'tscompose' || n.startsWith('tscompose.') || n.startsWith('tscompose-');
  let top: string[] = [];
  try {
    top = await readdir(CGROUP_ROOT);
  } catch {
    return out;
  }
  for (const name of top) {
    const p = path.join(CGROUP_ROOT, name);
    const st = await lstat(p).catch(() => undefined);
    // v1 hosts have alias symlinks (cpu -> cpu,cpuacct): walk each hierarchy once.
    if (!st?.isDirectory()) continue;
    if (isOurs(name)) {
      await walkDirs(p, name, out);
      continue;
    }
    const children = await readdir(p).catch(() => [] as string[]);
    for (const c of children) if (isOurs(c) && (await lstat(path.join(p, c)).catch(() => undefined))?.isDirectory()) await walkDirs(path.join(p, c), `${name}/${c}`, out);
  }
  return out.sort();
}

/** Pure: pid, comm, state, ppid, sid and start time from a /proc/<pid>/stat line (comm may hold spaces and parens). */
export function parseStat(text: string): Pick<ProcessEntry, 'pid' | 'comm' | 'state' | 'ppid' | 'sid' | 'start'> {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), state: rest[0]!, ppid: Number(rest[1]), sid: Number(rest[3]), start: rest[19]! };
}

async function collectProcesses(selfPid: number): Promise<{ processes: ProcessEntry[]; sid: number }> {
  const ownPidNs = await readlink('/proc/self/ns/pid').catch(() => '');
  const ownMntNs = await readlink('/proc/self/ns/mnt').catch(() => '');
  const self = parseStat(await readFile('/proc/self/stat', 'utf8'));
  const processes: ProcessEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
      if (stat.pid === 2 || stat.ppid === 2) continue; // kernel threads
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
      const pidNs = await readlink(`/proc/${name}/ns/pid`).catch(() => ownPidNs);
      const mntNs = await readlink(`/proc/${name}/ns/mnt`).catch(() => ownMntNs);
      let testEnv = false;
      if (stat.ppid === 1) {
        const environ = await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '');
        testEnv = /(^|\0)TSCOMPOSE_(ROOT|TEST)=/.test(environ);
      }
      processes.push({ ...stat, cmdline, foreignNs: pidNs !== ownPidNs || mntNs !== ownMntNs, testEnv });
    } catch {
      // exited while we looked
    }
  }
  return { processes, sid: self.sid || selfPid };
}

/** Reads the host state now. Needs root for iptables; what cannot be read is listed in `unavailable`. */
export async function snapshotHost(): Promise<HostSnapshot> {
  const unavailable: string[] = [];
  const [links, iptables, mountinfo, netns, cgroups, procs] = await Promise.all([
    collectLinks(unavailable),
    collectIptables(unavailable),
    readFile('/proc/self/mountinfo', 'utf8'),
    collectNetns(unavailable),
    collectCgroups(),
    collectProcesses(process.pid),
  ]);
  const { mounts, nsfs } = parseMountinfo(mountinfo);
  return { takenAt: Date.now(), links, iptables, mounts, nsfs, netns, cgroups, processes: procs.processes, self: { pid: process.pid, sid: procs.sid }, unavailable };
}
