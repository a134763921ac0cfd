// Temp folders, kubeconfigs, fake JWTs and a movable clock for the credential tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { fixtureJson, fixtureJwt, fixturesRoot, type FixtureVersion } from '../../../../support/fixtureTokens';

export interface TempDir {
  dir: string;
  file(name: string, content: string): string;
  remove(): void;
}

export function tempDir(prefix = 'cc-cred-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JWT-shaped token (signature is filler: the recording server compares strings, it does not verify). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const filler = Buffer.from(`sig-${JSON.stringify(claims)}`).toString('base64url');
  return `${enc({ alg: 'RS256', kid: 'test', typ: 'JWT' })}.${enc(claims)}.${filler}`;
}

export function fixturesDir(version: FixtureVersion): string {
  return path.join(fixturesRoot(), version);
}

/** A real service-account token recorded from kube-apiserver v1.28. */
export function fixtureToken(name: string): string {
  return fixtureJwt('v1.28', name);
}

export function fixture(version: FixtureVersion, name: string): { request: Record<string, unknown>; response: { status: number; body: unknown } } {
  return fixtureJson(version, name);
}

export class FakeClock {
  constructor(public ms: number = Date.UTC(2026, 10, 22, 4, 0, 0)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** A one-context kubeconfig for `server` with the given `user` stanza. */
export function kubeconfigYaml(opts: { server: string; caPem?: string; user: Record<string, unknown>; context?: string; namespace?: string }): string {
  const context = opts.context ?? 'test';
  const cluster: Record<string, unknown> = { server: opts.server };
  if (opts.caPem) cluster['certificate-authority-data'] = Buffer.from(opts.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test-cluster', cluster }],
    users: [{ name: 'test-user', user: opts.user }],
    contexts: [{ name: context, context: { cluster: 'test-cluster', user: 'test-user', namespace: opts.namespace ?? 'payments' } }],
    'current-context': context,
  });
}
