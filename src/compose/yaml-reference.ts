/**
 * The reference YAML reader (the `yaml` package), loaded on first use. It has node positions, so it
 * produces every error message (file:line:column) and reads the few constructs the fast reader in
 * yaml.ts leaves to it; `locate` points later stages at a key. We convert its AST ourselves instead
 * of calling toJS(): it lets us see tags on every node kind, report duplicate keys with both lines,
 * copy aliases and bound alias expansion.
 */
import { createRequire } from 'node:module';
import type * as YamlPackage from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import { UserError } from '../errors.js';
import { Override, RESET } from './markers.js';
import { mergeTrees } from './merge.js';
import { conflictingAliasPath, excessiveAliasing, goInteger, mergeSourcesInto } from './yaml-go-rules.js';

let yamlPackage: typeof YamlPackage | undefined;
function yamlLib(): typeof YamlPackage {
  return (yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof YamlPackage);
}

const PARSE_OPTIONS = {
  version: '1.2', schema: 'core', merge: false, uniqueKeys: false, prettyErrors: false, strict: true,
} as const;

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

export function parseReference(text: string, file: string, maxVisits: number): unknown {
  const Y = yamlLib();
  const lc = new Y.LineCounter();
  const parsed = Y.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
  const docs = Array.isArray(parsed) ? parsed : [];
  let result: unknown = null;
  let seen = false;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw yamlError({ file, lc }, err.pos[0], shortMessage(err.message));
    if (doc.contents === null) continue;
    const ctx: Ctx = { file, lc, doc, maxVisits, visits: 0,
      decoded: 0, aliased: 0, aliasDepth: 0, aliasPaths: new Map(), path: [] };
    const tree = convert(doc.contents as Node, ctx);
    result = seen ? mergeTrees(result, tree, { keepMarkers: true }) : tree;
    seen = true;
  }
  return result;
}

function count(node: Node, ctx: Ctx): void {
  ctx.decoded++;
  if (ctx.aliasDepth > 0) ctx.aliased++;
  else if (++ctx.visits > ctx.maxVisits) {
    throw yamlError(ctx, node.range?.[0], `compose file exceeds maximum node visit limit (${ctx.maxVisits})`);
  }
  if (excessiveAliasing(ctx.decoded, ctx.aliased)) {
    throw yamlError(ctx, node.range?.[0], 'document contains excessive aliasing');
  }
}

function convert(node: Node | null, ctx: Ctx): unknown {
  if (node === null) return null;
  count(node, ctx);
  if (node.tag === '!reset') return RESET;
  if (yamlLib().isAlias(node)) return convertAlias(node as Extract<Node, { source: string }>, ctx);
  const value = convertPlain(node, ctx);
  return node.tag === '!override' ? new Override(value) : value;
}

function convertAlias(node: Extract<Node, { source: string }>, ctx: Ctx): unknown {
  const target = node.resolve(ctx.doc) as Node | undefined;
  if (!target) throw yamlError(ctx, node.range?.[0], `unknown anchor "${node.source}" referenced`);
  const at = ctx.path.slice();
  const seen = ctx.aliasPaths.get(target);
  const prev = seen && conflictingAliasPath(seen, at);
  if (prev) {
    throw yamlError(ctx, node.range?.[0], `cycle detected: node at path ${at.join('.')} references node at path ${prev.join('.')}`);
  }
  if (seen) seen.push(at); else ctx.aliasPaths.set(target, [at]);
  ctx.aliasDepth++;
  try { return convert(target, ctx); } finally { ctx.aliasDepth--; }
}

function convertPlain(node: Node, ctx: Ctx): unknown {
  const Y = yamlLib();
  if (Y.isScalar(node)) {
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
  if (Y.isSeq(node)) {
    const out = new Array<unknown>(node.items.length);
    for (let i = 0; i < out.length; i++) {
      ctx.path.push(String(i));
      out[i] = convert(node.items[i] as Node, ctx);
      ctx.path.pop();
    }
    return out;
  }
  if (Y.isMap(node)) return convertMap(node, ctx);
  return null;
}

function keyText(key: unknown, ctx: Ctx): string {
  const Y = yamlLib();
  if (Y.isScalar(key)) return key.value === null ? 'null' : String(key.value);
  if (Y.isAlias(key)) return keyText(key.resolve(ctx.doc), ctx);
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
    if (k === '<<' && yamlLib().isScalar(keyNode) && (keyNode as { type?: string }).type === 'PLAIN') {
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
  if (merges && !mergeSourcesInto(out, merges)) {
    throw yamlError(ctx, node.range?.[0], 'map merge requires map or sequence of maps as the value');
  }
  return out;
}

/** locate() is called once per reported problem, often on the same text: keep the last parse. */
let lastLocated: { text: string; docs: Document[]; lc: LineCounter } | undefined;

function parsedForLocate(text: string): { docs: Document[]; lc: LineCounter } {
  if (lastLocated?.text !== text) {
    const Y = yamlLib();
    const lc = new Y.LineCounter();
    const parsed = Y.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
    lastLocated = { text, docs: Array.isArray(parsed) ? parsed : [], lc };
  }
  return lastLocated;
}

function offsetIn(doc: Document, path: (string | number)[]): number | undefined {
  const Y = yamlLib();
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (Y.isAlias(node)) node = node.resolve(doc);
    if (Y.isMap(node)) {
      const pair = node.items.find((p) => Y.isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      offset = (pair.key as Node).range?.[0];
      node = pair.value;
    } else if (Y.isSeq(node) && typeof seg === 'number') {
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
