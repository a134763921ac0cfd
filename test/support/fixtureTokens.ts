// The recorded service-account tokens under test/fixtures/k8s, found from any working directory.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type FixtureVersion = 'v1.28' | 'v1.32';

export interface FixtureBinding {
  kind: string;
  name: string;
  uid?: string;
  /** 1.28 records the node name only; 1.32 records the node claim it put into the token. */
  pod_node?: string | { name: string; uid: string | null };
}

export interface FixtureTokenEntry {
  file: string;
  kind: string;
  /** `namespace/name` of the service account. */
  serviceaccount: string;
  bound_to: FixtureBinding | null;
  iat: number | null;
  nbf: number | null;
  exp: number | null;
  warnafter: number | null;
  jti: string | null;
  aud: string[] | null;
  expiration_seconds_requested: number | null;
  claims: Record<string, unknown>;
}

export interface FixtureToken {
  version: FixtureVersion;
  entry: FixtureTokenEntry;
  raw: string;
}

// Walks up so it works from test/support under tsx and from out/test/support after tsc.
export function fixturesRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'k8s');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`test/fixtures/k8s not found above ${__dirname}`);
    dir = parent;
  }
}

export function readFixture(version: FixtureVersion, file: string): string {
  return readFileSync(join(fixturesRoot(), version, file), 'utf8');
}

export function fixtureTokens(version: FixtureVersion): FixtureToken[] {
  const dir = join(fixturesRoot(), version, 'tokens');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { tokens: FixtureTokenEntry[] };
  return index.tokens.map((entry) => ({ version, entry, raw: readFileSync(join(dir, entry.file), 'utf8') }));
}

export function fixtureToken(version: FixtureVersion, file: string): FixtureToken {
  const found = fixtureTokens(version).find((t) => t.entry.file === file);
  if (found === undefined) throw new Error(`no fixture token ${version}/${file}`);
  return found;
}

/** Every .jwt file of both versions, raw. */
export function allFixtureJwts(): string[] {
  const out: string[] = [];
  for (const version of ['v1.28', 'v1.32'] as const) {
    const dir = join(fixturesRoot(), version, 'tokens');
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.jwt')) out.push(readFileSync(join(dir, name), 'utf8'));
  }
  return out;
}

/** One recorded token as the bare JWT (the files end with a newline). */
export function fixtureJwt(version: FixtureVersion, file: string): string {
  return readFileSync(join(fixturesRoot(), version, 'tokens', file), 'utf8').trim();
}

/** A recorded JSON file, e.g. `tokens/index.json` or `log-patterns.json`. */
export function fixtureJson<T = unknown>(version: FixtureVersion, name: string): T {
  return JSON.parse(readFixture(version, name.endsWith('.json') ? name : `${name}.json`)) as T;
}
