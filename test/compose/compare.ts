/**
 * Comparison with Go zero-value semantics, as the conformance corpus specifies: a key missing on one
 * side equals an empty value on the other (null, false, 0, "", [], {}); mappings compare without
 * regard to key order, lists in order. Returns the first difference as text, or undefined.
 */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

export function diff(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (isEmpty(actual) && isEmpty(expected)) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected a list ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} items ${JSON.stringify(expected)}, got ${actual.length} ${JSON.stringify(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = diff(actual[i], expected[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected a mapping ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(e)])) {
      const d = diff(a[k], e[k], `${at}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}
