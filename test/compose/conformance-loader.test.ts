/**
 * Whole-loader conformance: loader/expectations.json and merge/loader-cases.json, read with the
 * `conventions` block of expectations.json (paths relative to loader/ or to a temp tree built from
 * `files`, <workdir>/<loader>/<home> placeholders, option defaults, assert operators over the project
 * as a canonical Compose document). Cases tscompose cannot run are in EXCEPTIONS with the reason.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { toComposeDocument } from '../../src/compose/document.js';
import { loadModel, loadProject, type LoadOptions, type StageName } from '../../src/compose/load.js';
import { diff, isEmpty } from './compare.js';
import { requireCorpus } from './conformance-paths.js';
import type { ResourceLoader } from '../../src/compose/resources.js';

const corpus = requireCorpus();
const loaderDir = path.join(corpus, 'loader');

/** Kept tiny, each with its reason. */
const EXCEPTIONS: Record<string, string> = {};

interface Part { text?: string; repeat?: Part[]; var?: string; count?: number }
interface Case {
  name: string;
  workingDir?: string | null;
  files?: Record<string, string>;
  configFiles: Array<{ path?: string; filename?: string; content?: string; generate?: Part[] }>;
  environment?: Record<string, string>;
  options?: Record<string, unknown>;
  resourceLoaders?: Array<{ prefix: string; root: string }>;
  expect: {
    error?: boolean; errorAllowed?: boolean; errorMessage?: string; errorContains?: string; errorStartsWith?: string; errorKind?: string;
    serviceCount?: number; projectName?: string; projectEnvironment?: Record<string, string>; model?: unknown;
    assert?: Array<{ path: Array<string | number>; equals?: unknown; absent?: boolean; nullOrAbsent?: boolean; notNull?: boolean; length?: number }>;
  };
}

function generate(parts: Part[], vars: Record<string, string> = {}): string {
  let out = '';
  for (const p of parts) {
    if (p.text !== undefined) out += p.text.replace(/\{(\w+)\}/g, (m, v: string) => vars[v] ?? m);
    if (p.repeat) for (let i = 0; i < (p.count ?? 0); i++) out += generate(p.repeat, { ...vars, [p.var!]: String(i) });
  }
  return out;
}

function placeholders(v: unknown, workdir: string): unknown {
  if (typeof v === 'string') return v.replaceAll('<workdir>', workdir).replaceAll('<loader>', loaderDir).replaceAll('<home>', homedir());
  if (Array.isArray(v)) return v.map((x) => placeholders(x, workdir));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placeholders(x, workdir)]));
  return v;
}

function at(doc: unknown, p: Array<string | number>): { found: boolean; value: unknown } {
  let node = doc;
  for (const seg of p) {
    if (node === null || typeof node !== 'object' || !(String(seg) in (node as object))) return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[seg as string];
  }
  return { found: true, value: node };
}

/** compose-go's test loader: `<prefix>:<p>` is the local file <root>/<p>. */
function prefixLoader(prefix: string, root: string): ResourceLoader {
  return { accept: (ref) => ref.startsWith(`${prefix}:`), load: async (ref) => path.join(root, ref.slice(prefix.length + 1)) };
}

function optionsFor(c: Case, base: string): { opts: LoadOptions; workdir: string } {
  const o = c.options ?? {};
  const workdir = c.workingDir === null || c.workingDir === undefined ? base : path.resolve(base, c.workingDir);
  const skip: Partial<Record<StageName, boolean>> = {
    defaults: o.skipNormalization === true,
    consistency: o.skipConsistencyCheck === true,
    validate: o.skipValidation === true,
    interpolate: o.skipInterpolation === true,
    // No working directory upstream: relative paths stay relative (files are still found from base).
    paths: o.resolvePaths === false || c.workingDir === null,
  };
  const configFiles = c.configFiles.map((f) => {
    if (f.generate) return { path: path.join(workdir, f.filename ?? 'generated.yaml'), content: generate(f.generate) };
    if (f.content !== undefined) return { path: path.join(workdir, f.filename ?? 'compose.yaml'), content: f.content };
    return { path: path.resolve(base, f.path!) };
  });
  const environment = placeholders(c.environment ?? {}, workdir) as Record<string, string>;
  return {
    workdir,
    opts: {
      cwd: workdir, workingDir: workdir, configFiles, environment, skip,
      projectName: o.projectName as string | undefined, discardEnvFiles: o.discardEnvFiles === true,
      maxNodeVisits: o.maxNodeVisits as number | undefined,
      resourceLoaders: (c.resourceLoaders ?? []).map((l) => prefixLoader(l.prefix, path.resolve(workdir, l.root))),
    },
  };
}

async function runCase(c: Case): Promise<void> {
  let base = loaderDir;
  let tmp: string | undefined;
  if (c.files) {
    tmp = mkdtempSync(path.join(tmpdir(), 'tscompose-loader-'));
    base = tmp;
    for (const [rel, content] of Object.entries(c.files)) {
      mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      writeFileSync(path.join(tmp, rel), content);
    }
  }
  try {
    const { opts, workdir } = optionsFor(c, base);
    const e = c.expect;
    const run = c.options?.stage === 'model' ? loadModel(opts) : loadProject(opts);
    let result: Awaited<typeof run>;
    try {
      result = await run;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!e.error && !e.errorAllowed) throw err;
      if (e.errorMessage !== undefined) assert.equal(msg, e.errorMessage);
      if (e.errorContains !== undefined) assert.ok(msg.includes(e.errorContains), `"${msg}" should contain "${e.errorContains}"`);
      if (e.errorStartsWith !== undefined) assert.ok(msg.startsWith(e.errorStartsWith), `"${msg}" should start with "${e.errorStartsWith}"`);
      if (e.errorKind === 'not-found') assert.match(msg, /no such file|not found/);
      return;
    }
    assert.ok(!e.error, 'loading should have failed');
    if (c.options?.stage === 'model') {
      assert.equal(diff(result, placeholders(e.model, workdir)), undefined);
      return;
    }
    const project = result as Awaited<ReturnType<typeof loadProject>>;
    const doc = toComposeDocument(project);
    if (e.serviceCount !== undefined) assert.equal(Object.keys(project.services).length, e.serviceCount);
    if (e.projectName !== undefined) assert.equal(project.name, e.projectName);
    if (e.projectEnvironment !== undefined) assert.deepEqual(project.environment, e.projectEnvironment);
    for (const a of e.assert ?? []) {
      const { found, value } = at(doc, a.path);
      const where = a.path.join('.');
      if ('equals' in a) assert.equal(diff(value, placeholders(a.equals, workdir)), undefined, `${where}`);
      if (a.absent) assert.ok(!found || isEmpty(value), `${where} should be absent, is ${JSON.stringify(value)}`);
      if (a.nullOrAbsent) assert.ok(!found || value === null, `${where} should be null or absent, is ${JSON.stringify(value)}`);
      if (a.notNull) assert.ok(found && value !== null && value !== undefined, `${where} should not be null`);
      if (a.length !== undefined) {
        const n = Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0;
        assert.equal(n, a.length, `${where} length`);
      }
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

const suites: Array<[string, Case[]]> = [
  ['loader', JSON.parse(readFileSync(path.join(loaderDir, 'expectations.json'), 'utf8')).cases],
  ['merge', JSON.parse(readFileSync(path.join(corpus, 'merge/loader-cases.json'), 'utf8')).cases],
];

test('the exceptions table names only existing cases', () => {
  const names = new Set(suites.flatMap(([, cs]) => cs.map((c) => c.name)));
  for (const n of Object.keys(EXCEPTIONS)) assert.ok(names.has(n), n);
  assert.ok(Object.keys(EXCEPTIONS).length <= 6, 'keep the exceptions table tiny');
});

for (const [suite, cases] of suites) {
  for (const c of cases) {
    if (EXCEPTIONS[c.name]) continue;
    test(`${suite} ${c.name}`, () => runCase(c));
  }
}
