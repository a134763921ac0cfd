// Loads a kubeconfig from disk and builds our provider and API clients over it, as the extension does.
import assert from 'node:assert/strict';
import { type ApiClients, type ApiClientsOptions, type UnauthorizedEvent, createApiClients } from '../../../../../src/cluster/auth/apiClient';
import { CredentialProvider, type CredentialProviderOptions } from '../../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../../src/cluster/auth/kubeconfig';
import { type TempDir, kubeconfigYaml } from './fixtures';
import type { RecordingServer } from './recordingServer';

export interface TestClients {
  provider: CredentialProvider;
  clients: ApiClients;
  unauthorized: UnauthorizedEvent[];
}

export function clientsFor(
  tmp: TempDir,
  server: RecordingServer,
  user: Record<string, unknown>,
  options: Partial<CredentialProviderOptions> = {},
  clientOptions: ApiClientsOptions = {},
): TestClients {
  const file = tmp.file('config', kubeconfigYaml({ server: server.url, caPem: server.ca.caPem, user }));
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(load.ok, !load.ok ? load.message : '');
  const provider = new CredentialProvider(load.kc, load.currentContext ?? 'test', { trustExecPlugins: true, env: process.env, ...options });
  const unauthorized: UnauthorizedEvent[] = [];
  const clients = createApiClients(provider, { onUnauthorized: (e) => unauthorized.push(e), ...clientOptions });
  return { provider, clients, unauthorized };
}
