// The recorded kube-apiserver exchanges under test/fixtures/k8s, loaded as typed values.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot, type FixtureVersion } from '../../../../support/fixtureTokens';

export type { FixtureVersion };
export const FIXTURE_ROOT = fixturesRoot();

export interface Fixture {
  name: string;
  version: FixtureVersion;
  request: {
    method: string;
    path: string;
    body?: unknown;
    auth: 'admin' | 'sa-token' | 'none' | 'garbage-token' | 'bad-signature-token' | 'expired-token' | 'invalidated-token';
    content_type?: string;
    accept?: string;
    token?: string;
    headers?: Record<string, string>;
  };
  response: { status: number; headers?: Record<string, string>; body?: unknown; body_file?: string; websocket_frames?: unknown[] };
  capture?: { events: { type: string; kind: string; name: string | null }[] };
  note?: string;
}

export function loadFixtures(version: FixtureVersion): Fixture[] {
  const dir = join(FIXTURE_ROOT, version);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.json'.length), version, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Fixture, 'name' | 'version'>) }));
}

export { fixtureJwt as readFixtureToken } from '../../../../support/fixtureTokens';

/** The raw watch events of a `.ndjson` capture. */
export function readWatchEvents(version: FixtureVersion, file: string): { type: string; object: Record<string, unknown> }[] {
  const path = join(FIXTURE_ROOT, version, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
}

/** The claims of a JWT, without checking anything. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
