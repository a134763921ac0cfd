// Comparing our answers with recorded ones by shape: the same keys at every level (maps such
// as labels compared as maps), and messages equal once names, uids, times and numbers are
// masked. Returns the differences as readable lines; empty means "same shape".

/** Keys whose values are maps of user data, so their own keys are not part of the schema. */
const MAP_KEYS = new Set([
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'extra',
  'fieldsV1',
  'matchLabels',
  'requests',
  'limits',
  'capacity',
  'allocatable',
  'nodeSelector',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merge the objects of an array into one, so an array is compared by the union of its elements' keys. */
function unionOf(items: unknown[]): unknown {
  const objects = items.filter(isObject);
  if (objects.length === 0) return items[0];
  const merged: Record<string, unknown[]> = {};
  for (const o of objects) for (const [k, v] of Object.entries(o)) (merged[k] ??= []).push(v);
  const out: Record<string, unknown> = {};
  for (const [k, vs] of Object.entries(merged)) {
    const arrays = vs.filter(Array.isArray);
    out[k] = arrays.length > 0 ? arrays.flat() : vs.find(isObject) !== undefined ? unionOf(vs) : vs[0];
  }
  return out;
}

export function shapeDiff(expected: unknown, actual: unknown, path = '$'): string[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    // Lists legitimately differ in length; compare what their elements look like.
    if (expected.length === 0 || actual.length === 0) return [];
    return shapeDiff(unionOf(expected), unionOf(actual), `${path}[]`);
  }
  if (isObject(expected) && isObject(actual)) {
    const last = path.split('.').pop() ?? '';
    if (MAP_KEYS.has(last)) return [];
    const out: string[] = [];
    const ek = new Set(Object.keys(expected));
    const ak = new Set(Object.keys(actual));
    for (const k of ek) if (!ak.has(k)) out.push(`${path}.${k}: missing`);
    for (const k of ak) if (!ek.has(k)) out.push(`${path}.${k}: unexpected`);
    for (const k of ek) if (ak.has(k)) out.push(...shapeDiff(expected[k], actual[k], `${path}.${k}`));
    return out;
  }
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(expected) !== kind(actual)) return [`${path}: ${kind(expected)} expected, got ${kind(actual)}`];
  return [];
}

/** A message with its variable parts masked: JWTs, uids, timestamps, then every number. */
export function messageShape(message: string): string {
  return message
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '<jwt>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\d+/g, '#');
}
