/** contrib/systemd/tscompose-restore.service: a boot-time oneshot whose ExecStart is the real restore command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../../src/cli/commands/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const unitText = readFileSync(path.join(repo, 'contrib/systemd/tscompose-restore.service'), 'utf8');

/** Pure: a unit file's sections → key → values (repeated keys keep every value), comments dropped. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) { section = s[1]!; out[section] ??= {}; continue; }
    const eq = line.indexOf('=');
    assert.ok(eq > 0 && section, `not a unit line: ${line}`);
    ((out[section]![line.slice(0, eq)] ??= [])).push(line.slice(eq + 1));
  }
  return out;
}

test('the unit is a oneshot after network-online, enabled for multi-user boots', () => {
  const u = parseUnit(unitText);
  assert.deepEqual(u.Service!.Type, ['oneshot']);
  assert.ok(u.Unit!.After![0]!.split(/\s+/).includes('network-online.target'));
  assert.ok(u.Unit!.Wants![0]!.split(/\s+/).includes('network-online.target'), 'After= alone does not pull network-online in');
  assert.deepEqual(u.Install!.WantedBy, ['multi-user.target']);
});

test('ExecStart runs the package\'s own binary with the restore command and only options it declares', () => {
  const exec = parseUnit(unitText).Service!.ExecStart!;
  assert.equal(exec.length, 1);
  const argv = exec[0]!.split(/\s+/);
  assert.ok(path.isAbsolute(argv[0]!), 'systemd wants an absolute program path');
  const args = argv[0] === '/usr/bin/env' ? argv.slice(1) : argv;
  const bin = Object.keys((JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);
  assert.ok(bin.includes(path.basename(args[0]!)), `${args[0]} is not a bin of package.json (${bin.join(', ')})`);
  const [name, ...rest] = args.slice(1);
  const cmd = commands.find((c) => c.name === name || c.aliases?.includes(name!));
  assert.ok(cmd, `"${name}" is not a tscompose command`);
  assert.equal(cmd.name, 'restore');
  const declared = new Set((cmd.options ?? []).flatMap((o) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith('-'))));
  for (const a of rest.filter((x) => x.startsWith('-'))) assert.ok(declared.has(a), `option ${a} is not declared by restore`);
});
