// JSON text of decoded token parts, with nesting cut at a depth: a 40 KB token can nest 5,000 levels,
// which overflows JSON.stringify's stack (and, indented, makes a document of gigabytes).

/** What stands in for a value nested deeper than the limit. */
export const TOO_DEEP = '(nested too deep)';

/** Claims nest a few levels (`kubernetes.io.pod.name`); this leaves room for any real token. */
export const MAX_JSON_DEPTH = 32;

/** A copy of a parsed JSON value whose objects and arrays below `depthLeft` levels are TOO_DEEP. */
function prune(value: unknown, depthLeft: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depthLeft <= 0) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v: unknown) => prune(v, depthLeft - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prune(v, depthLeft - 1)]));
}

/** JSON.stringify of a parsed JSON value with at most `maxDepth` levels of objects and arrays. */
export function boundedJson(value: unknown, maxDepth = MAX_JSON_DEPTH, indent = 0): string {
  return JSON.stringify(prune(value, maxDepth), null, indent) ?? String(value);
}
