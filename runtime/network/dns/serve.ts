/**
 * The Node fallback of the resolver (entry point: `node serve.js <record.json> <address> <port>`), used
 * only when the C one (native/dns, same answers over UDP, plus TCP) is not built.
 *
 * Where it runs and why: tscompose has no daemon, so each network gets one small detached process, started by
 * `network create` and stopped by `network rm`, listening on the bridge's gateway address (UDP 53). Containers
 * get `nameserver <gateway>` in resolv.conf, like Docker's 127.0.0.11 but without a netns-local redirect. The
 * name registry is the network record itself: it is stat'ed on every query and re-read when it changed, so an
 * attach or detach is visible on the next query with no signal. If the record disappears (network removed, or
 * a crash left us behind) the process exits on its own.
 */
import dgram from 'node:dgram';
import { readFileSync, statSync } from 'node:fs';
import type { NetworkRecord } from '../types.js';
import { planLinkTable, planNameTable, planResponse, planServfail, parseResolvConf, type LinkTable, type NameTable } from './names.js';
import { execForwardQuery } from './forward.js';

const [recordFile, address, portText] = process.argv.slice(2);
if (!recordFile || !address || !portText) {
  process.stderr.write('usage: serve <record.json> <address> <port>\n');
  process.exit(2);
}

let table: NameTable = new Map();
let links: LinkTable = new Map();
/** container address -> its own upstream servers (service `dns`) */
let upstreamsOf = new Map<string, string[]>();
let stamp = '';
let upstreams: string[] = [];
let upstreamStamp = '';

function refresh(): boolean {
  let st;
  try { st = statSync(recordFile!); } catch { return false; }
  const s = `${st.mtimeMs}:${st.size}:${st.ino}`;
  if (s !== stamp) {
    try {
      const rec = JSON.parse(readFileSync(recordFile!, 'utf8')) as NetworkRecord;
      table = planNameTable(rec.endpoints ?? {});
      links = planLinkTable(rec.endpoints ?? {});
      upstreamsOf = new Map(Object.values(rec.endpoints ?? {}).filter((e) => e.dns && e.dns.length > 0).map((e) => [e.ipv4, e.dns!]));
      stamp = s;
    } catch { /* being replaced right now: keep the last table */ }
  }
  try {
    const rs = statSync('/etc/resolv.conf');
    const u = `${rs.mtimeMs}:${rs.size}`;
    if (u !== upstreamStamp) {
      // never forward to ourselves (a host whose resolv.conf points at a bridge gateway)
      upstreams = parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')).filter((ip) => ip !== address);
      upstreamStamp = u;
    }
  } catch { upstreams = []; }
  return true;
}

const sock = dgram.createSocket({ type: 'udp4', reuseAddr: false });
sock.on('message', (msg, rinfo) => {
  if (!refresh()) return shutdown();
  const d = planResponse(msg, table, rinfo.address, links);
  if (d.kind === 'answer') sock.send(d.packet, rinfo.port, rinfo.address);
  else if (d.kind === 'forward') {
    void execForwardQuery(msg, upstreamsOf.get(rinfo.address) ?? upstreams, 1000).then((r) => {
      const out = r ?? planServfail(msg);
      if (out) sock.send(out, rinfo.port, rinfo.address);
    });
  }
});
sock.on('error', (e) => {
  process.stderr.write(`resolver ${address}:${portText}: ${e.message}\n`);
  process.exit(1);
});
sock.bind(Number(portText), address, () => {
  refresh();
  process.stdout.write('ready\n');
});

function shutdown(): void {
  try { sock.close(); } catch { /* closed */ }
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// the record is gone when the network was removed without us being told (crash, manual cleanup)
setInterval(() => { try { statSync(recordFile!); } catch { shutdown(); } }, 5000).unref();
