import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConformanceJson, conformancePath, lookupOf } from './conformance-data.js';
import { parseDotenv, readEnvFiles } from '../../src/compose/dotenv.js';

/** Cases judged wrong for docker compose, by name, with the reason. Keep it empty if possible. */
const EXCEPTIONS: Record<string, string> = {};

const expected = readConformanceJson('dotenv', 'expected.json');
const cases = readConformanceJson('dotenv', 'cases.json').cases as any[];

function checkMap(got: Record<string, string>, c: any): void {
  if (c.exact) assert.deepEqual(got, c.expected);
  else for (const [k, v] of Object.entries(c.expected ?? {})) assert.equal(got[k], v, `key ${k}`);
  for (const k of c.absentKeys ?? []) assert.ok(!(k in got), `${k} must be absent`);
  if (c.expectedSize !== undefined) assert.equal(Object.keys(got).length, c.expectedSize);
}

test('the dotenv corpus is present and non-empty', () => {
  assert.ok(Object.keys(expected.fixtures).length >= 10 && cases.length > 50);
});

for (const [fixture, scenarios] of Object.entries(expected.fixtures as Record<string, any[]>)) {
  scenarios.forEach((s, i) => {
    test(`dotenv/fixtures: ${fixture} #${i} ${s.test}`, { skip: EXCEPTIONS[s.test] }, () => {
      const path = conformancePath('dotenv', 'fixtures', fixture);
      const asked: string[] = [];
      const env = s.api === 'read' ? lookupOf(s.lookupEnv) : () => undefined;
      const lookup = (n: string) => { asked.push(n); return env(n); };
      if (s.error) {
        assert.throws(() => readEnvFiles([path], lookup), (e: any) => {
          assert.equal(e.code, 'E_DOTENV');
          assert.ok(e.message.includes(s.errorContains), e.message);
          assert.ok(e.message.includes(path), 'the error names the file');
          return true;
        });
        return;
      }
      let got = readEnvFiles([path], lookup, { dropDigitKeys: s.api === 'read' });
      if (s.api === 'load') {
        // load: copy into a process-like environment without overwriting what is already there.
        const proc: Record<string, string> = { ...(s.presetEnv ?? {}) };
        for (const [k, v] of Object.entries(got)) if (!(k in proc)) proc[k] = v;
        got = proc;
      }
      checkMap(got, s);
      for (const n of s.lookedUp ?? []) assert.ok(asked.includes(n), `lookup was not asked for ${n}`);
    });
  });
}

for (const c of cases) {
  test(`dotenv/cases: ${c.name}`, { skip: EXCEPTIONS[c.name] }, () => {
    const lookup = lookupOf(c.lookupEnv);
    if (c.files) {
      const dir = mkdtempSync(join(tmpdir(), 'tscompose-dotenv-'));
      try {
        const paths = (c.files as string[]).map((text, i) => {
          const p = join(dir, `${i}.env`);
          writeFileSync(p, text);
          return p;
        });
        checkMap(readEnvFiles(paths, lookup, { dropDigitKeys: true }), c);
      } finally { rmSync(dir, { recursive: true, force: true }); }
      return;
    }
    if (c.error) {
      assert.throws(() => parseDotenv(c.input, lookup), (e: any) => {
        assert.equal(e.code, 'E_DOTENV');
        if (c.errorContains) assert.ok(e.message.includes(c.errorContains), e.message);
        if (c.errorMessage) assert.equal(e.message, c.errorMessage);
        return true;
      });
      return;
    }
    checkMap(parseDotenv(c.input, lookup), c);
  });
}

test('a missing env file is an error naming it', () => {
  assert.throws(() => readEnvFiles(['/nonexistent/x.env'], () => undefined), /couldn't find env file: \/nonexistent\/x\.env/);
});

test('a key-only last line without newline inherits from the lookup', () => {
  assert.deepEqual(parseDotenv('A=1\nB', (n) => (n === 'B' ? 'b' : undefined)), { A: '1', B: 'b' });
});

test('keys may use letters outside the BMP; other symbols are rejected with the line', () => {
  assert.deepEqual(parseDotenv('𝒳=1\n', () => undefined), { '𝒳': '1' });
  assert.throws(() => parseDotenv('A=1\nB😀=2\n', () => undefined), { message: 'line 2: unexpected character "😀" in variable name "B😀=2"' });
});
