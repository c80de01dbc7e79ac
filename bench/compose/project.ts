/**
 * Pure parts of the compose benchmark: the generated project (the same shape as ../shared/peers/gen-compose.sh:
 * `web` runs busybox httpd published on one port, `s002…sNNN` sleep, all on the bridge network `benchnet`)
 * and the classification of resident processes into "what the tool leaves running".
 */

/** Pure: a Compose file with n busybox services on one network and one published port. */
export function benchCompose(n: number, image: string, port: number): string {
  const out = ['services:', '  web:', `    image: ${image}`, '    command: httpd -f -p 80 -h /var/www', '    ports:', `      - "${port}:80"`, '    networks:', '      - benchnet'];
  for (let i = 2; i <= n; i++) {
    out.push(`  s${String(i).padStart(3, '0')}:`, `    image: ${image}`, '    command: sleep 3600', '    networks:', '      - benchnet');
  }
  out.push('networks:', '  benchnet:', '    driver: bridge');
  return `${out.join('\n')}\n`;
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** basename of argv[0] */
  exe: string;
  args: string;
  rssKiB: number;
  pssKiB: number;
}

export type Tool = 'tscompose' | 'docker-compose' | 'podman-compose';

/**
 * Pure: the class of a process when it belongs to `tool`'s resident footprint, else undefined. Containers'
 * own processes (sleep/httpd) never count: they are the workload, the same for every tool.
 * tscompose: every shim and resolver whose command line names this benchmark's TSCOMPOSE_ROOT (so other
 * projects on the machine are not counted). docker: the daemons, shims and proxies (as peers/60-mem.sh
 * counts them); podman: conmon and aardvark-dns.
 */
export function classify(p: ProcInfo, tool: Tool, tscRoot: string): string | undefined {
  if (tool === 'tscompose') {
    if (!p.args.includes(`${tscRoot}/`)) return undefined;
    if (p.exe === 'tscompose-shim') return 'shim';
    return 'resolver';
  }
  if (tool === 'docker-compose') {
    if (p.exe === 'dockerd') return 'dockerd';
    if (p.exe === 'containerd') return 'containerd';
    if (p.exe.startsWith('containerd-shim')) return 'containerd-shim';
    if (p.exe === 'docker-proxy') return 'docker-proxy';
    return undefined;
  }
  if (p.exe === 'conmon') return 'conmon';
  if (p.exe === 'aardvark-dns') return 'aardvark-dns';
  return undefined;
}

export interface MemorySummary {
  containers: number;
  byClass: Record<string, { count: number; rssKiB: number; pssKiB: number }>;
  totalRssKiB: number;
  totalPssKiB: number;
  rssMiBPerContainer: number;
  pssMiBPerContainer: number;
}

/** Pure: sums RSS and PSS per class and per running container. */
export function summarizeMemory(procs: ProcInfo[], tool: Tool, tscRoot: string, containers: number): MemorySummary {
  const byClass: MemorySummary['byClass'] = {};
  let rss = 0;
  let pss = 0;
  for (const p of procs) {
    const c = classify(p, tool, tscRoot);
    if (!c) continue;
    const e = (byClass[c] ??= { count: 0, rssKiB: 0, pssKiB: 0 });
    e.count++;
    e.rssKiB += p.rssKiB;
    e.pssKiB += p.pssKiB;
    rss += p.rssKiB;
    pss += p.pssKiB;
  }
  const per = (kib: number) => Math.round((kib / 1024 / Math.max(containers, 1)) * 100) / 100;
  return { containers, byClass, totalRssKiB: rss, totalPssKiB: pss, rssMiBPerContainer: per(rss), pssMiBPerContainer: per(pss) };
}
