/**
 * Networks and volumes through the product (`tscompose up`), seen from inside the containers: names resolve
 * through the embedded resolver for real clients (busybox nslookup asks it directly, redis-cli connects by
 * name), links are per container, a scaled service resolves to every replica, networks are isolated, an
 * internal network has no way out, a random published port answers on 127.0.0.1, network_mode service:X
 * shares X's address; then volumes, the image's VOLUME, tmpfs, volumes_from, secrets and configs.
 */
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tscompose, type CliResult } from '../helpers/cli.js';
import { e2eEnv, eventually } from '../helpers/e2e.js';
import { buildImageFromFiles } from '../helpers/image-kit.js';
import { busyboxSpec } from '../helpers/image-recipes.js';
import { needsRoot } from '../helpers/root.js';
import { loadKitImages } from '../helpers/kit-load.js';
import { ok } from '../helpers/cli-assert.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Addresses busybox nslookup printed for the name (the server's own address lines come first and are skipped). */
function lookedUp(out: string): string[] {
  const answer = out.split(/\nName:/).slice(1).join('\n');
  return [...answer.matchAll(/Address(?: \d+)?:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!).sort();
}

function listen(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer((s) => s.end('hello from the host\n'));
    srv.once('error', reject);
    srv.listen(0, address, () => resolve(srv));
  });
}

interface NetInspect { Name: string; IPAM?: { Config?: Array<{ Gateway?: string }> }; Containers?: Record<string, { Name: string; IPv4Address: string }> }

test('service discovery, links, replicas, isolation, internal networks, random ports and shared namespaces through up', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'NetworkDiscovery');
  const cli = (args: string[], input?: string) => tscompose(['-p', e.project, ...args], { cwd, env: e.env, timeoutMs: 120_000, ...(input ? { input } : {}) });
  const exec = (service: string, ...cmd: string[]) => cli(['exec', '-T', service, ...cmd]);
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox', 'redis');

  ok(await cli(['up', '-d']), 'up -d');

  // a real client reaches redis by service name and by its link alias
  assert.equal(await eventually(async () => ok(await exec('client', 'redis-cli', '-h', 'redis', 'ping'), 'redis-cli -h redis').stdout.trim(), { timeoutMs: 30_000, intervalMs: 300 }), 'PONG');
  assert.equal(ok(await exec('client', 'redis-cli', '-h', 'db', 'ping'), 'redis-cli -h db (link)').stdout.trim(), 'PONG');

  // names asked of the resolver itself (nslookup does not read /etc/hosts): service, alias, container name, link
  const redisIp = lookedUp(ok(await exec('probe', 'nslookup', 'redis'), 'nslookup redis').stdout);
  assert.equal(redisIp.length, 1, 'one redis replica');
  for (const name of ['cache', `${e.project}-redis-1`, 'kv']) {
    assert.deepEqual(lookedUp(ok(await exec('probe', 'nslookup', name), `nslookup ${name}`).stdout), redisIp, name);
  }
  const resolvConf = ok(await exec('probe', 'cat', '/etc/resolv.conf'), 'resolv.conf').stdout;
  const back = (JSON.parse(ok(await tscompose(['network', 'inspect', `${e.project}_back`], { env: e.env }), 'network inspect back').stdout) as NetInspect[])[0]!;
  const backGateway = back.IPAM?.Config?.[0]?.Gateway;
  assert.match(resolvConf, new RegExp(`^nameserver ${backGateway!.replace(/\./g, '\\.')}$`, 'm'), 'the network resolver is the nameserver');

  // /etc/hosts: the container's own address and hostname, and host-gateway as the gateway
  const probeIp = lookedUp(ok(await exec('probe', 'nslookup', 'probehost'), 'nslookup probehost').stdout);
  const hosts = ok(await exec('probe', 'cat', '/etc/hosts'), 'hosts').stdout;
  assert.match(hosts, new RegExp(`^${probeIp[0]!.replace(/\./g, '\\.')}\\tprobehost$`, 'm'), hosts);
  assert.match(hosts, new RegExp(`^${backGateway!.replace(/\./g, '\\.')}\\tgw\\.local$`, 'm'), hosts);

  // network_mode service:probe shares probe's namespace: same address, same hostname, same resolver
  assert.match(ok(await exec('sidecar', 'ip', '-4', 'addr'), 'sidecar ip addr').stdout, new RegExp(`inet ${probeIp[0]!.replace(/\./g, '\\.')}/`));
  assert.equal(ok(await exec('sidecar', 'hostname'), 'sidecar hostname').stdout.trim(), 'probehost');
  assert.deepEqual(lookedUp(ok(await exec('sidecar', 'nslookup', 'redis'), 'sidecar nslookup').stdout), redisIp);

  // a scaled service resolves to all its replicas; a link is its container's own name only
  const webIps = lookedUp(ok(await exec('outsider', 'nslookup', 'web'), 'nslookup web').stdout);
  assert.equal(webIps.length, 2, `both replicas: ${webIps.join(', ')}`);
  const kvElsewhere = await exec('outsider', 'nslookup', 'kv');
  assert.notEqual(kvElsewhere.code, 0, 'kv is probe\'s link, not a name of the network');

  // isolation: outsider (front) neither resolves nor reaches redis (back)
  const cross = await exec('outsider', 'nslookup', 'redis');
  assert.notEqual(cross.code, 0, `redis must not resolve on front:\n${cross.stdout}`);
  ok(await exec('probe', 'ping', '-c', '1', '-W', '2', redisIp[0]!), 'probe pings redis');
  assert.notEqual((await exec('outsider', 'ping', '-c', '1', '-W', '2', redisIp[0]!)).code, 0, 'front cannot reach back by address');

  // internal network: no default route, and a host listener on another of our bridges is out of reach;
  // the same listener answers outsider, which proves it listens
  const front = (JSON.parse(ok(await tscompose(['network', 'inspect', `${e.project}_front`], { env: e.env }), 'network inspect front').stdout) as NetInspect[])[0]!;
  const srv = await listen(front.IPAM!.Config![0]!.Gateway!);
  e.defer(() => new Promise((r) => srv.close(r)));
  const port = String((srv.address() as { port: number }).port);
  assert.doesNotMatch(ok(await exec('probe', 'ip', 'route'), 'ip route').stdout, /default/);
  assert.notEqual((await exec('probe', 'nc', '-w', '2', front.IPAM!.Config![0]!.Gateway!, port)).code, 0, 'internal: no way out');
  assert.match(ok(await exec('outsider', 'nc', '-w', '2', front.IPAM!.Config![0]!.Gateway!, port), 'outsider reaches the host').stdout, /hello from the host/);

  // dns_search and dns_opt go to resolv.conf, the resolver stays the nameserver
  assert.match(ok(await exec('web', 'cat', '/etc/resolv.conf'), 'web resolv.conf').stdout, /^search example\.invalid\noptions ndots:1\n$/m);

  // the random host port of web, found with `port`, answers on 127.0.0.1 with the replica's hostname
  const published = ok(await cli(['port', 'web', '8080']), 'port web 8080').stdout.trim();
  assert.match(published, /^127\.0\.0\.1:\d+$/);
  // with curl, as a user would
  const body = await eventually(() => execFileSync('curl', ['-sf', '--max-time', '3', `http://${published}/`], { encoding: 'utf8' }).trim(), { timeoutMs: 30_000, intervalMs: 300 });
  assert.match(body, /^[0-9a-f]{12}$/, 'the container id-derived hostname');

  ok(await cli(['down', '-t', '0']), 'down');
  assert.doesNotMatch(ok(await tscompose(['network', 'ls'], { env: e.env }), 'network ls').stdout, new RegExp(e.project));
});

test('named volumes across down/up, the image VOLUME, tmpfs, volumes_from, secrets and configs through up', { skip: needsRoot, timeout: 300_000 }, async (t) => {
  const e = await e2eEnv(t);
  const cwd = path.join(testdata, 'NetworkVolumes');
  const env = { ...e.env, SECRET_VALUE: 's3cret' };
  const cli = (args: string[]) => tscompose(['-p', e.project, ...args], { cwd, env, timeoutMs: 120_000 });
  const exec = (service: string, ...cmd: string[]) => cli(['exec', '-T', service, ...cmd]);
  e.defer(() => cli(['down', '-v', '-t', '0']));
  await loadKitImages(e.env, 'busybox');
  // busybox plus a layer with content under a VOLUME path
  const seeded = await buildImageFromFiles({
    name: 'seeded', tag: 'v1',
    layers: [...busyboxSpec().layers, [{ path: 'seed', type: 'dir' }, { path: 'seed/hello', content: 'from the image\n' }]],
    config: { ...busyboxSpec().config, Volumes: { '/seed': {} } },
  });
  ok(await tscompose(['image', 'load', '-i', seeded.archivePath], { env: e.env }), 'load seeded');

  ok(await cli(['up', '-d']), 'up -d');
  ok(await exec('store', 'sh', '-c', 'echo kept > /data/f && echo mine > /seed/own'), 'write into the volumes');
  assert.equal(ok(await exec('store', 'cat', '/seed/hello'), 'image VOLUME content').stdout, 'from the image\n');
  const mounts = ok(await exec('store', 'cat', '/proc/mounts'), 'mounts').stdout;
  assert.match(mounts, /^tmpfs \/scratch tmpfs \S*size=2048k/m);
  assert.match(mounts, /^tmpfs \/cache tmpfs \S*size=1024k,mode=1770/m);
  assert.equal(ok(await exec('store', 'stat', '-c', '%u %g %a', '/run/secrets/pw'), 'stat secret').stdout.trim(), '1000 1001 400');
  assert.equal(ok(await exec('store', 'cat', '/run/secrets/pw'), 'cat secret').stdout, 's3cret');
  assert.equal(ok(await exec('store', 'cat', '/etc/app.conf'), 'cat config').stdout, 'level=debug');
  // volumes_from store:ro: the same data, read-only
  assert.equal(ok(await exec('reader', 'cat', '/data/f', '/seed/own'), 'reader sees store\'s volumes').stdout, 'kept\nmine\n');
  assert.notEqual((await exec('reader', 'touch', '/data/x')).code, 0, 'volumes_from :ro');

  const vols = ok(await tscompose(['volume', 'ls', '--format', 'json'], { env: e.env }), 'volume ls').stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Name: string; Labels: string });
  assert.ok(vols.some((v) => v.Name === `${e.project}_data`), 'the named volume');
  assert.equal(vols.filter((v) => /^[0-9a-f]{64}$/.test(v.Name)).length, 1, 'one anonymous volume for the image VOLUME');

  ok(await cli(['down', '-t', '0']), 'down');
  ok(await cli(['up', '-d']), 'up again');
  assert.equal(ok(await exec('store', 'cat', '/data/f'), 'data kept across down/up').stdout, 'kept\n');
  ok(await cli(['down', '-v', '-t', '0']), 'down -v');
  // the named volume, the containers' anonymous ones, and the one the plain `down` left unused (it carries the
  // project's label): all gone
  assert.equal(ok(await tscompose(['volume', 'ls', '-q'], { env: e.env }), 'volume ls -q').stdout, '', 'down -v removed named and anonymous volumes');
});
