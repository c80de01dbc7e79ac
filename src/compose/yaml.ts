/**
 * YAML → plain tree, the way compose-go reads a Compose file: YAML 1.2 core schema (`yes`/`on` stay
 * strings), anchors and aliases, `<<` merge keys, duplicate keys rejected, and the `!reset` /
 * `!override` tags kept as markers (markers.ts) for the merge stage.
 *
 * We convert the yaml package's AST ourselves instead of calling toJS(): it lets us see tags on
 * every node kind, report duplicate keys with both lines, copy aliases (so that later stages may
 * edit one occurrence without touching the other) and bound alias expansion.
 */
import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { UserError } from '../errors.js';
import { Override, RESET } from './markers.js';
import { mergeTrees } from './merge.js';

export { RESET, OVERRIDE, Override, isReset, isOverride, overrideValue } from './markers.js';

/** compose-go's default cap on node visits per document (a safety limit, overridable). */
export const DEFAULT_MAX_NODE_VISITS = 100_000;

const PARSE_OPTIONS = {
  version: '1.2', schema: 'core', merge: false, uniqueKeys: false, prettyErrors: false, strict: true,
} as const;

export interface ParseYamlOptions {
  /** Source nodes visited per document before giving up (compose-go: 100,000). */
  maxNodeVisits?: number;
}

interface Ctx {
  file: string; lc: LineCounter; doc: Document; maxVisits: number;
  /** Source nodes visited (alias expansions count once, as compose-go's cached resolver does). */
  visits: number;
  /** Nodes produced, and how many of them came from alias expansions (the go-yaml aliasing guard). */
  decoded: number; aliased: number; aliasDepth: number;
  /** Where each anchor was entered through an alias, to report self-referencing anchors. */
  aliasPaths: Map<Node, string[][]>;
  path: string[];
}

function yamlError(ctx: { file: string; lc: LineCounter }, offset: number | undefined, what: string): UserError {
  if (offset === undefined) return new UserError('E_YAML', `${ctx.file}: ${what}`);
  const { line, col } = ctx.lc.linePos(offset);
  return new UserError('E_YAML', `${ctx.file}:${line}:${col}: ${what}`);
}

/** The yaml package appends " at line L, column C:" and a source excerpt; we print the position ourselves. */
function shortMessage(message: string): string {
  const cut = message.indexOf(' at line ');
  return cut > 0 ? message.slice(0, cut) : message.split('\n')[0]!;
}

/**
 * Parses one Compose file into a tree. An empty file gives null. Several `---` documents are merged
 * in order, like successive Compose files (later documents win; their markers are kept for the
 * merge over earlier files).
 */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): unknown {
  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
  const docs = Array.isArray(parsed) ? parsed : [];
  let result: unknown = null;
  let seen = false;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw yamlError({ file, lc }, err.pos[0], shortMessage(err.message));
    if (doc.contents === null) continue;
    const ctx: Ctx = { file, lc, doc, maxVisits: opts.maxNodeVisits ?? DEFAULT_MAX_NODE_VISITS, visits: 0,
      decoded: 0, aliased: 0, aliasDepth: 0, aliasPaths: new Map(), path: [] };
    const tree = convert(doc.contents as Node, ctx);
    result = seen ? mergeTrees(result, tree, { keepMarkers: true }) : tree;
    seen = true;
  }
  return result;
}

/** go-yaml's tolerance for alias-produced nodes, shrinking as documents grow. */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.10;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

function count(node: Node, ctx: Ctx): void {
  ctx.decoded++;
  if (ctx.aliasDepth > 0) ctx.aliased++;
  else if (++ctx.visits > ctx.maxVisits) {
    throw yamlError(ctx, node.range?.[0], `compose file exceeds maximum node visit limit (${ctx.maxVisits})`);
  }
  if (ctx.aliased > 100 && ctx.decoded > 1000 && ctx.aliased / ctx.decoded > allowedAliasRatio(ctx.decoded)) {
    throw yamlError(ctx, node.range?.[0], 'document contains excessive aliasing');
  }
}

function convert(node: Node | null, ctx: Ctx): unknown {
  if (node === null) return null;
  count(node, ctx);
  if (node.tag === '!reset') return RESET;
  if (isAlias(node)) return convertAlias(node, ctx);
  const value = convertPlain(node, ctx);
  return node.tag === '!override' ? new Override(value) : value;
}

function convertAlias(node: Extract<Node, { source: string }>, ctx: Ctx): unknown {
  const target = node.resolve(ctx.doc) as Node | undefined;
  if (!target) throw yamlError(ctx, node.range?.[0], `unknown anchor "${node.source}" referenced`);
  checkAliasCycle(target, node, ctx);
  ctx.aliasDepth++;
  try { return convert(target, ctx); } finally { ctx.aliasDepth--; }
}

/**
 * An anchor that contains an alias to itself would expand forever. Like compose-go, we remember the
 * paths where each anchor was entered and refuse one nested inside another (paths in two
 * different services are unrelated).
 */
function checkAliasCycle(target: Node, alias: Node, ctx: Ctx): void {
  const at = ctx.path.slice();
  const seen = ctx.aliasPaths.get(target);
  if (!seen) { ctx.aliasPaths.set(target, [at]); return; }
  for (const prev of seen) {
    if (samePath(prev, at)) continue;
    if ((isPrefix(prev, at) || isPrefix(at, prev)) && !inDifferentServices(prev, at)) {
      throw yamlError(ctx, alias.range?.[0],
        `cycle detected: node at path ${at.join('.')} references node at path ${prev.join('.')}`);
    }
  }
  seen.push(at);
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
function isPrefix(short: string[], long: string[]): boolean {
  return short.length < long.length && short.every((s, i) => s === long[i]);
}
function inDifferentServices(a: string[], b: string[]): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === 'services' && b[i] === 'services' && i + 1 < a.length && i + 1 < b.length) return a[i + 1] !== b[i + 1];
  }
  return false;
}

/** Plain scalars go-yaml reads as integers although the YAML 1.2 core schema does not: `0755`, `0b101`, `1_000`. */
const GO_INT_RE = /^[-+]?(?:0[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_]*)$/;

function goInteger(source: string): number | undefined {
  if (!GO_INT_RE.test(source)) return undefined;
  const sign = source.startsWith('-') ? -1 : 1;
  const digits = source.replace(/^[-+]/, '').replaceAll('_', '');
  const n = digits.startsWith('0b') ? Number.parseInt(digits.slice(2), 2)
    : digits.length > 1 && digits.startsWith('0') ? Number.parseInt(digits, 8) : Number.parseInt(digits, 10);
  return Number.isNaN(n) ? undefined : sign * n;
}

function convertPlain(node: Node, ctx: Ctx): unknown {
  if (isScalar(node)) {
    const v = node.value;
    // Only plain scalars starting like a number can be one of go-yaml's extra integer spellings.
    if (node.type === 'PLAIN' && node.tag === undefined && typeof node.source === 'string') {
      const c = node.source.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 43 || c === 45) return goInteger(node.source) ?? v;
    }
    // `!!binary` decodes to bytes; a Compose tree holds only plain data, as go-yaml gives a string.
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    return v;
  }
  if (isSeq(node)) {
    const out = new Array<unknown>(node.items.length);
    for (let i = 0; i < out.length; i++) {
      ctx.path.push(String(i));
      out[i] = convert(node.items[i] as Node, ctx);
      ctx.path.pop();
    }
    return out;
  }
  if (isMap(node)) return convertMap(node, ctx);
  return null;
}

function keyText(key: unknown, ctx: Ctx): string {
  if (isScalar(key)) return key.value === null ? 'null' : String(key.value);
  if (isAlias(key)) return keyText(key.resolve(ctx.doc), ctx);
  throw yamlError(ctx, (key as Node | null)?.range?.[0], 'mapping keys must be scalars');
}

function convertMap(node: Extract<Node, { items: unknown[] }>, ctx: Ctx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  /** Offset of each key's first definition (lines are computed only to report a duplicate). */
  const firsts = new Map<string, number | undefined>();
  let merges: unknown[] | undefined;
  for (const pair of (node as { items: { key: unknown; value: unknown }[] }).items) {
    const keyNode = pair.key as Node | null;
    const k = keyText(keyNode, ctx);
    const offset = keyNode?.range?.[0];
    if (k === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
      // Merged content keeps the path of the mapping it merges into (compose-go drops `.<<`).
      (merges ??= []).push(convert(pair.value as Node | null, ctx));
      continue;
    }
    if (firsts.has(k)) {
      const lineOf = (o: number | undefined) => (o === undefined ? 0 : ctx.lc.linePos(o).line);
      throw yamlError(ctx, offset, `line ${lineOf(offset)}: mapping key ${JSON.stringify(k)} already defined at line ${lineOf(firsts.get(k))}`);
    }
    // Assigning `__proto__` would replace the object's prototype instead of adding a key.
    if (k === '__proto__') throw yamlError(ctx, offset, 'mapping key "__proto__" is not supported');
    firsts.set(k, offset);
    ctx.path.push(k);
    out[k] = convert(pair.value as Node | null, ctx);
    ctx.path.pop();
  }
  if (merges) applyMergeKeys(out, merges, ctx, node.range?.[0]);
  return out;
}

/** `<<: *a` or `<<: [*a, *b]`: keys written in the mapping win, then earlier sources win over later. */
function applyMergeKeys(out: Record<string, unknown>, merges: unknown[], ctx: Ctx, offset: number | undefined): void {
  for (const m of merges) {
    const sources = Array.isArray(m) ? m : [m];
    for (const src of sources) {
      if (src === null || typeof src !== 'object' || Array.isArray(src) || src instanceof Override) {
        throw yamlError(ctx, offset, 'map merge requires map or sequence of maps as the value');
      }
      for (const key of Object.keys(src)) {
        if (!(key in out)) out[key] = (src as Record<string, unknown>)[key];
      }
    }
  }
}

/** locate() is called once per reported problem, often on the same text: keep the last parse. */
let lastLocated: { text: string; docs: Document[]; lc: LineCounter } | undefined;

function parsedForLocate(text: string): { docs: Document[]; lc: LineCounter } {
  if (lastLocated?.text !== text) {
    const lc = new LineCounter();
    const parsed = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
    lastLocated = { text, docs: Array.isArray(parsed) ? parsed : [], lc };
  }
  return lastLocated;
}

function offsetIn(doc: Document, path: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      offset = (pair.key as Node).range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return undefined;
      offset = (node as Node | null)?.range?.[0];
    } else return undefined;
  }
  return offset;
}

/**
 * Where `path` (keys and list indexes) sits in `text`: the key's position for a mapping entry,
 * the item's position for a list element; with several documents, the last one that has it.
 * 1-based line and column; undefined when not found.
 */
export function locate(file: string, text: string, path: (string | number)[]): { line: number; column: number } | undefined {
  void file;
  const { docs, lc } = parsedForLocate(text);
  for (let i = docs.length - 1; i >= 0; i--) {
    const offset = offsetIn(docs[i]!, path);
    if (offset === undefined) continue;
    const { line, col } = lc.linePos(offset);
    return { line, column: col };
  }
  return undefined;
}
