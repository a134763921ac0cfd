// Access to the recorded kube-apiserver fixtures copied into test/fixtures/k8s.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '..', 'fixtures', 'k8s');

export type KubeVersion = 'v1.28' | 'v1.32';

export function fixtureToken(version: KubeVersion, file: string): string {
  return readFileSync(join(FIXTURES, version, 'tokens', file), 'utf8').trim();
}

export function fixtureJson<T = unknown>(version: KubeVersion, name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, version, name.endsWith('.json') ? name : `${name}.json`), 'utf8')) as T;
}
