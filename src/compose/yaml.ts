/**
 * YAML → plain tree, the way compose-go reads a Compose file: YAML 1.2 core schema (`yes`/`on` stay
 * strings), anchors and aliases, `<<` merge keys, duplicate keys rejected, and the `!reset` /
 * `!override` tags kept as markers (markers.ts) for the merge stage.
 *
 * Two readers give the same trees. The fast one (js-yaml, about 10x quicker) reads every ordinary
 * file. The reference one (yaml-reference.ts: the `yaml` package, loaded only when needed) has node positions: it
 * produces every error message (file:line:column), and it also reads the few constructs where the
 * fast reader cannot be sure to agree with it (see `needsReference`). Any doubt on the fast path
 * means "ask the reference reader", never a different answer.
 */
import { randomUUID } from 'node:crypto';
import { FAILSAFE_SCHEMA, Type, loadAll, type State } from 'js-yaml';
import { Override, RESET } from './markers.js';
import { mergeTrees } from './merge.js';
import { excessiveAliasing, conflictingAliasPath, goInteger, mergeSourcesInto } from './yaml-go-rules.js';
import { parseReference } from './yaml-reference.js';

export { RESET, OVERRIDE, Override, isReset, isOverride, overrideValue } from './markers.js';
export { locate } from './yaml-reference.js';

/** compose-go's default cap on node visits per document (a safety limit, overridable). */
export const DEFAULT_MAX_NODE_VISITS = 100_000;

export interface ParseYamlOptions {
  /** Source nodes visited per document before giving up (compose-go: 100,000). */
  maxNodeVisits?: number;
}

/**
 * Parses one Compose file into a tree. An empty file gives null. Several `---` documents are merged
 * in order, like successive Compose files (later documents win; their markers are kept for the
 * merge over earlier files).
 */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): unknown {
  const maxVisits = opts.maxNodeVisits ?? DEFAULT_MAX_NODE_VISITS;
  try {
    return parseFast(text, maxVisits);
  } catch {
    // A js-yaml error, or a construct the fast reader leaves to the reference reader.
    return parseReference(text, file, maxVisits);
  }
}

// ---------------------------------------------------------------------------------------------
// Fast reader (js-yaml). js-yaml shares one object between an anchor and its aliases and has no
// positions, so the parse events wrap each alias (AliasRef) and `walk` copies the tree, counting
// nodes exactly as the reference reader does. Whatever needs an error or might read differently
// throws NEEDS_REFERENCE.

const NEEDS_REFERENCE: unique symbol = Symbol('needs the reference reader');

/** Keys no user can write (NUL + a per-process nonce) for the fast reader's own bookkeeping. */
const PRIVATE_KEY = `\u0000${randomUUID()}:`;
let mergeKeySeq = 0;

/** An alias occurrence (js-yaml would hand back the anchored object itself). */
class AliasRef {
  constructor(readonly target: unknown) {}
  get [Symbol.toStringTag](): string { return 'AliasRef'; }
  /** As a key: the anchored scalar's text; anything else is left to the reference reader. */
  toString(): string {
    const t = this.target;
    if (t === null || typeof t === 'string' || typeof t === 'number' || typeof t === 'boolean') return String(t);
    if (t instanceof GoInt) return t.toString();
    return `${PRIVATE_KEY}complex`;
  }
}

/** A plain `<<`: as a key, a unique private key so that js-yaml neither merges nor calls it a duplicate. */
class MergeKey {
  get [Symbol.toStringTag](): string { return 'MergeKey'; }
  toString(): string { return `${PRIVATE_KEY}merge:${++mergeKeySeq}`; }
}

/** An integer only go-yaml reads as one; as a key it keeps the core schema's text (`0755` → "755"). */
class GoInt {
  constructor(readonly value: number, private readonly coreText: string) {}
  get [Symbol.toStringTag](): string { return 'GoInt'; }
  toString(): string { return this.coreText; }
}

const NO_MATCH: unique symbol = Symbol('string');

/** A plain scalar as the `yaml` package's core schema reads it (NO_MATCH: it stays a string). */
function coreScalar(s: string): unknown {
  switch (s) {
    case '': case '~': case 'null': case 'Null': case 'NULL': return null;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
  }
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return NO_MATCH;
  if (/^[-+]?[0-9]+$/.test(s)) return Number.parseInt(s, 10);
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return Number.parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return Number.parseFloat(s);
  return NO_MATCH;
}

/** A plain untagged scalar: go-yaml's integer spellings first, then the core schema. */
function plainScalar(s: string): unknown {
  if (s === '<<') return new MergeKey();
  const core = coreScalar(s);
  const go = goInteger(s);
  if (go === undefined || Object.is(go, core)) return core;
  return new GoInt(go, String(core === NO_MATCH ? s : core));
}

/** js-yaml calls resolve then construct on the same text: compute once. */
let lastPlain: unknown = NO_MATCH;
const plainType = new Type('tag:tscompose:plain', {
  kind: 'scalar',
  resolve: (s: string) => (lastPlain = plainScalar(s)) !== NO_MATCH,
  construct: () => lastPlain,
});

/** `!!null`, `!!bool`, `!!int`, `!!float` written out: only values their implicit form accepts (others: reference). */
const explicitCoreTypes = (['null', 'bool', 'int', 'float'] as const).map((name) => new Type(`tag:yaml.org,2002:${name}`, {
  kind: 'scalar',
  resolve: (s: string | null) => {
    const v = coreScalar(s ?? '');
    return v === null ? name === 'null' : typeof v === 'boolean' ? name === 'bool'
      : typeof v === 'number' && (Number.isInteger(v) && /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s ?? '') ? name === 'int' : name === 'float');
  },
  construct: (s: string | null) => coreScalar(s ?? ''),
}));

/** `!reset` and `!override` on each node kind; an empty `!override` holds "" as the reference reader gives. */
const markerTypes = (['scalar', 'sequence', 'mapping'] as const).flatMap((kind) => [
  new Type('!reset', { kind, resolve: () => true, construct: () => RESET }),
  new Type('!override', { kind, resolve: () => true, construct: (data: unknown) => new Override(data ?? '') }),
]);

const FAST_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [plainType], explicit: [...explicitCoreTypes, ...markerTypes] });

interface Walk {
  maxVisits: number; visits: number; decoded: number; aliased: number; aliasDepth: number;
  aliasPaths: Map<unknown, string[][]>; path: string[];
  /** js-yaml orders integer-like keys first; with aliases, counting order then matters. */
  hasAliases: boolean;
}

let aliasesSeen = 0;
/** Where each open node's text starts (parse events nest). */
const openedAt: number[] = [];

/** Parse events: wrap aliases; hand anything js-yaml would read differently to the reference reader. */
function onParseEvent(event: string, state: State): void {
  if (event === 'open') { openedAt.push(state.position); return; }
  const start = openedAt.pop()!;
  const s = state as State & { tag: string | null; anchor: string | null; kind: string | null };
  if (s.kind === null) {
    if (s.tag === null && s.anchor === null && s.result !== null) {
      s.result = new AliasRef(s.result);
      aliasesSeen++;
    } else if (s.anchor !== null && s.result === null) {
      throw NEEDS_REFERENCE; // an anchored empty node: its aliases would look like empty nodes
    }
  } else if (s.kind !== 'scalar' && followedByColon(s.input, s.position)) {
    throw NEEDS_REFERENCE; // a collection as a key (js-yaml makes it a string)
  } else if (s.kind === 'mapping' && mappingOnKeyLine(s.input, start)) {
    throw NEEDS_REFERENCE; // `key: &a x: 1`: js-yaml reads a nested mapping the spec refuses
  } else if (isFlowEnd(s.input.charCodeAt(s.position - 1)) && flowNeedsReference(s.input, start, s.position)) {
    throw NEEDS_REFERENCE;
  }
}

/** The last character of a quoted scalar or a flow collection. */
function isFlowEnd(c: number): boolean {
  return c === 34 || c === 39 || c === 93 || c === 125; // " ' ] }
}

/**
 * What js-yaml accepts in a quoted scalar or flow collection (ending at `end`) but the YAML spec
 * and go-yaml refuse: a comment glued to its end, or continuation lines not indented deeper than
 * the line it starts on. Conservative: the reference reader decides when in doubt.
 */
function flowNeedsReference(input: string, from: number, end: number): boolean {
  const glued = input.charCodeAt(end) === 35; // `"x"#comment`
  const firstBreak = input.indexOf('\n', from);
  const multiLine = firstBreak !== -1 && firstBreak < end;
  if (!glued && !multiLine) return false;
  // Where the node's text begins: after separation space, comments and properties (`!tag`, `&anchor`).
  let q = from;
  while (q < end) {
    const c = input.charCodeAt(q);
    if (c === 35 || c === 33 || c === 38) { while (q < end && input.charCodeAt(q) > 32) q++; } // # ! &
    else if (c === 32 || c === 9 || c === 10 || c === 13) q++;
    else break;
    if (c === 35) while (q < end && input.charCodeAt(q) !== 10) q++;
  }
  if (input.charCodeAt(q) !== FLOW_OPENER[input.charCodeAt(end - 1)]) return false; // a block node
  if (glued) return true;
  const base = indentOf(input, input.lastIndexOf('\n', q) + 1);
  for (let nl = input.indexOf('\n', q); nl !== -1 && nl < end; nl = input.indexOf('\n', nl + 1)) {
    const indent = indentOf(input, nl + 1);
    const next = input.charCodeAt(nl + 1 + indent);
    if (next === 9) return true; // tabs: leave to the reference reader
    if (next !== 10 && next !== 13 && indent <= base) return true;
  }
  return false;
}

/** The opening character of a flow node, by its closing one. */
const FLOW_OPENER: Record<number, number> = { 34: 34, 39: 39, 93: 91, 125: 123 };

/** A block mapping whose first key sits on the line of its parent's `key:`, after properties. */
function mappingOnKeyLine(input: string, from: number): boolean {
  let i = from;
  for (;;) {
    const c = input.charCodeAt(i);
    if (c === 32 || c === 9) i++;
    else if (c === 33 || c === 38) { while (input.charCodeAt(i) > 32) i++; } // `!tag`, `&anchor`
    else if (c === 10 || c === 13 || c === 35 || c === 123 || c === 0 || Number.isNaN(c)) return false; // next line, comment, flow
    else break;
  }
  let j = from - 1;
  while (j >= 0 && (input.charCodeAt(j) === 32 || input.charCodeAt(j) === 9)) j--;
  return input.charCodeAt(j) === 58; // ':'
}

function indentOf(input: string, at: number): number {
  let i = at;
  while (input.charCodeAt(i) === 32) i++;
  return i - at;
}

function followedByColon(input: string, at: number): boolean {
  for (let i = at; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 58) return true; // ':'
    if (c === 35) { while (i < input.length && input.charCodeAt(i) !== 10) i++; continue; } // '#' comment
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
}

/** Keys whose meaning differs between the readers (a tagged `<<`, a marker or map used as a key). */
const REFERENCE_KEYS = new Set(['<<', '__proto__', '[object Object]', String(RESET)]);

/**
 * Syntax the fast reader leaves to the reference reader: %YAML / %TAG directives; `?` explicit keys
 * (js-yaml turns collection keys into strings); a compact nested sequence ending in an empty entry
 * (`- -` at the end of a line: js-yaml files the following items into the inner sequence).
 */
const REFERENCE_SYNTAX = /^%|(?:^|[\s,[{])\?(?:[ \t\r\n]|$)|^[ \t]*(?:-[ \t]+)+-[ \t]*(?:#.*)?\r?$/m;

function parseFast(text: string, maxVisits: number): unknown {
  if (REFERENCE_SYNTAX.test(text)) throw NEEDS_REFERENCE;
  aliasesSeen = 0;
  openedAt.length = 0;
  const docs = loadAll(text, null, {
    schema: FAST_SCHEMA, listener: onParseEvent, maxTotalMergeKeys: -1,
  } as Parameters<typeof loadAll>[2]);
  // js-yaml gives null for both an empty document and `~`; only the reference reader tells them apart.
  if (docs.length > 1 && docs.includes(null)) throw NEEDS_REFERENCE;
  let result: unknown = null;
  for (let i = 0; i < docs.length; i++) {
    if (docs[i] === null) continue;
    const w: Walk = { maxVisits, visits: 0, decoded: 0, aliased: 0, aliasDepth: 0, aliasPaths: new Map(), path: [],
      hasAliases: aliasesSeen > 0 };
    const tree = walk(docs[i], w);
    result = i > 0 ? mergeTrees(result, tree, { keepMarkers: true }) : tree;
  }
  return result;
}

function walk(v: unknown, w: Walk): unknown {
  w.decoded++;
  if (w.aliasDepth > 0) w.aliased++;
  else if (++w.visits > w.maxVisits) throw NEEDS_REFERENCE;
  if (excessiveAliasing(w.decoded, w.aliased)) throw NEEDS_REFERENCE;
  return typeof v === 'object' && v !== null ? walkObject(v, w) : v;
}

/** Copies one node (already counted); aliases are expanded into fresh copies, as the reference reader does. */
function walkObject(v: object, w: Walk): unknown {
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < out.length; i++) {
      w.path.push(String(i));
      out[i] = walk(v[i], w);
      w.path.pop();
    }
    return out;
  }
  if (v instanceof AliasRef) return walkAlias(v, w);
  if (v instanceof Override) {
    const inner = v.value;
    return new Override(typeof inner === 'object' && inner !== null ? walkObject(inner, w) : inner);
  }
  if (v instanceof GoInt) return v.value;
  if (v instanceof MergeKey) return '<<'; // `<<` as a value is just a string
  return walkMap(v as Record<string, unknown>, w);
}

function walkAlias(ref: AliasRef, w: Walk): unknown {
  const target = ref.target;
  if (typeof target === 'object' && target !== null) {
    const at = w.path.slice();
    const seen = w.aliasPaths.get(target);
    if (!seen) w.aliasPaths.set(target, [at]);
    else if (conflictingAliasPath(seen, at)) throw NEEDS_REFERENCE;
    else seen.push(at);
  }
  w.aliasDepth++;
  try { return walk(target, w); } finally { w.aliasDepth--; }
}

function walkMap(src: Record<string, unknown>, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let merges: unknown[] | undefined;
  for (const k of Object.keys(src)) {
    const c = k.charCodeAt(0);
    if (c === 0 || REFERENCE_KEYS.has(k)) {
      if (!k.startsWith(`${PRIVATE_KEY}merge:`)) throw NEEDS_REFERENCE;
      // Merged content keeps the path of the mapping it merges into (compose-go drops `.<<`).
      (merges ??= []).push(walk(src[k], w));
      continue;
    }
    if (c >= 48 && c <= 57 && w.hasAliases && /^(?:0|[1-9][0-9]*)$/.test(k)) throw NEEDS_REFERENCE;
    w.path.push(k);
    out[k] = walk(src[k], w);
    w.path.pop();
  }
  if (merges && !mergeSourcesInto(out, merges)) throw NEEDS_REFERENCE;
  return out;
}
