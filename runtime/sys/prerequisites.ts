/** Judges host facts: one problem per missing prerequisite, each with how to fix it (pure). */
import type { HostFacts } from './host-facts.js';

export interface Problem {
  check: string;
  message: string;
  fix: string;
}

export function planHostProblems(f: HostFacts): Problem[] {
  const problems: Problem[] = [];
  if (f.euid !== 0) problems.push({ check: 'root', message: 'tscompose must run as root to create containers', fix: 'run it with sudo, or as root' });
  if (!f.filesystems.includes('overlay')) problems.push({ check: 'overlayfs', message: 'the kernel has no overlay filesystem', fix: 'run `modprobe overlay` (kernel module overlay)' });
  if (f.cgroups === 'none') problems.push({ check: 'cgroups', message: 'no cgroup hierarchy is mounted at /sys/fs/cgroup', fix: 'mount cgroup2 at /sys/fs/cgroup (or the v1 controllers)' });
  else {
    const need = f.cgroups === 'v1' ? ['memory', 'cpu', 'pids', 'devices', 'freezer'] : ['memory', 'cpu', 'pids'];
    const missing = need.filter((c) => !f.cgroupControllers.includes(c));
    if (missing.length > 0) problems.push({ check: 'cgroups', message: `cgroup controllers missing: ${missing.join(', ')}`, fix: f.cgroups === 'v2' ? 'enable them in /sys/fs/cgroup/cgroup.subtree_control' : 'mount the missing cgroup v1 controllers' });
  }
  if (!f.iptables) problems.push({ check: 'iptables', message: 'iptables is not installed (needed for published ports and outbound NAT)', fix: 'apt-get install iptables' });
  if (!f.ip) problems.push({ check: 'iproute2', message: 'the ip command is not installed', fix: 'apt-get install iproute2' });
  if (!f.addon) problems.push({ check: 'addon', message: 'the native addon is not built', fix: 'run `npm run build` in the tscompose folder (needs g++, make, python3)' });
  if (!f.shim) problems.push({ check: 'shim', message: 'the container shim is not built or does not run', fix: 'run `npm run build` in the tscompose folder (needs gcc, make)' });
  return problems;
}
