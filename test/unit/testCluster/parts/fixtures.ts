// Reads the recorded kube-apiserver exchanges and tokens that the test cluster is held to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'k8s');

export type Version = 'v1.28' | 'v1.32';

export interface Exchange {
  request: { method: string; path: string; body?: unknown; token?: string };
  response: { status: number; body: unknown };
  note?: string;
}

export interface IndexedToken {
  file: string;
  fixture: string;
  expiration_seconds_requested: number | null;
  audiences_requested: string[] | null;
  bound_to: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid: string; pod_node?: { name: string; uid: string | null } } | null;
  iat: number | null;
  claims: Record<string, unknown>;
}

export function exchange(version: Version, name: string): Exchange {
  return JSON.parse(readFileSync(join(FIXTURES, version, `${name}.json`), 'utf8')) as Exchange;
}

/** The raw JWT; the files end with a newline (despite the README), which is not part of the token. */
export function fixtureToken(version: Version, file: string): string {
  return readFileSync(join(FIXTURES, version, 'tokens', file), 'utf8').trim();
}

export function tokenIndex(version: Version): IndexedToken[] {
  const index = JSON.parse(readFileSync(join(FIXTURES, version, 'tokens', 'index.json'), 'utf8')) as { tokens: IndexedToken[] };
  return index.tokens;
}

export function indexed(version: Version, file: string): IndexedToken {
  const found = tokenIndex(version).find((t) => t.file === file);
  if (found === undefined) throw new Error(`no ${file} in ${version} tokens/index.json`);
  return found;
}

/** Header and payload exactly as serialised (key order kept), without trusting the signature. */
export function decodeParts(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown>; headerJson: string; payloadJson: string } {
  const [h, p] = jwt.split('.');
  const headerJson = Buffer.from(h ?? '', 'base64url').toString('utf8');
  const payloadJson = Buffer.from(p ?? '', 'base64url').toString('utf8');
  return {
    header: JSON.parse(headerJson) as Record<string, unknown>,
    payload: JSON.parse(payloadJson) as Record<string, unknown>,
    headerJson,
    payloadJson,
  };
}

/** The key structure of a JSON value, in order, with every leaf replaced by its type. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]);
  }
  return typeof value;
}

/** status.error of a recorded TokenReview. */
export function reviewError(version: Version, name: string): string {
  const body = exchange(version, name).response.body as { status: { error?: string } };
  if (body.status.error === undefined) throw new Error(`${name} has no status.error`);
  return body.status.error;
}
