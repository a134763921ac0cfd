// How each recorded exchange is replayed: the state it needs first, the token states its
// credentials were in, and the few exchanges that need their own steps or cannot be replayed.

import { R } from '../../../../cluster/resources';
import type { Fixture, FixtureVersion } from './fixtures';
import { send } from './https';
import type { ReplayEnv, TokenMode } from './replayEnv';

export interface Recipe {
  /** Lower phases run first: 1 needs the api Deployment restarted, 2 compacts history or moves the clock. */
  phase?: number;
  skip?: string;
  prepare?(env: ReplayEnv): void | Promise<void>;
  tokenMode?: TokenMode;
  path?(env: ReplayEnv, recordedPath: string): Promise<string> | string;
  body?(env: ReplayEnv, recordedBody: unknown): unknown;
}

/** A write and then etcd compaction, so every resourceVersion handed out so far is too old. */
export function compactHistory(env: ReplayEnv): void {
  const cm = env.cluster.api.create(R.configMaps, 'default', { metadata: { generateName: 'compaction-' } });
  if (cm.ok) env.cluster.api.delete(R.configMaps, 'default', cm.object.metadata.name);
  env.cluster.store.compact();
}

/** Only the scenario's four pods, as when the paging fixtures were recorded. */
function onlyScenarioPods(env: ReplayEnv): void {
  for (const p of env.cluster.store.list(R.pods)) {
    const owned = (p.metadata.ownerReferences ?? []).length > 0;
    if (!owned && p.metadata.name !== 'vault-client') env.cluster.store.remove(R.pods, p.metadata.namespace, p.metadata.name);
  }
}

const SKIPS: Record<string, { versions?: FixtureVersion[]; reason: string }> = {
  'openid-configuration-anonymous': {
    versions: ['v1.32'],
    reason:
      'OpenShift-only: its ClusterRole system:openshift:public-info-viewer lets anonymous read the OIDC document; upstream (and the test cluster) answer 403 as v1.28 does',
  },
  'selfsubjectreview-v1beta1-admin-runtime-config': {
    reason: 'needs --runtime-config=authentication.k8s.io/v1beta1=true; the test cluster serves v1.32, where v1beta1 is gone',
  },
  'selfsubjectreview-v1beta1-sa-token-runtime-config': {
    reason: 'needs --runtime-config=authentication.k8s.io/v1beta1=true; the test cluster serves v1.32, where v1beta1 is gone',
  },
  'tokenrequest-error-bind-node': {
    versions: ['v1.28'],
    reason: 'v1.28 cannot bind tokens to Nodes; the test cluster follows v1.32 (tokenrequest-bound-node)',
  },
  'pod-exec-on-node-kubelet-unreachable-websocket': {
    versions: ['v1.28'],
    reason: 'v1.28 answered 500 before upgrading; v1.32 upgrades first and reports on the error channel (checked against the v1.32 recording)',
  },
  'pod-watch-sendinitialevents': { reason: 'recorded against etcd 3.4 without RequestWatchProgress (500); the test cluster serves streaming lists' },
};

const RECIPES: Record<string, Recipe> = {
  'deployment-get-api-after-restart': { phase: 1, prepare: (env) => env.ensureRestarted() },
  'replicaset-list-payments-after-restart': { phase: 1, prepare: (env) => env.ensureRestarted() },
  'deployment-patch-rollout-restart': { phase: 1 },
  'deployment-patch-wrong-content-type-415': { phase: 1 },
  'deployment-put-stale-resourceversion-409': {
    phase: 1,
    body: (_env, recorded) => ({ ...(recorded as object), metadata: { ...(recorded as { metadata: object }).metadata, resourceVersion: '1' } }),
  },
  'pod-delete-api-probe': { prepare: (env) => env.ensureProbe() },
  'pod-delete-missing-404': { prepare: (env) => env.ensureProbeDeleted() },
  'pod-delete-on-node-force': { prepare: (env) => env.ensureNodeA() },
  'pod-delete-on-node-graceful': { prepare: (env) => env.ensureNodeA() },
  'pod-get-on-node': { prepare: (env) => env.ensureNodeA() },
  'pod-get-on-node-terminating': { prepare: (env) => env.ensureOnNodeTerminating() },
  'tokenrequest-bound-probe-pod': { prepare: (env) => env.ensureProbe() },
  'tokenrequest-bound-pod-on-node': { prepare: (env) => env.ensureNodeA() },
  'tokenrequest-bound-node': { prepare: (env) => env.ensureNodeA() },
  'tokenrequest-bound-pod-on-missing-node': { prepare: (env) => env.ensureGhostPod() },
  'tokenrequest-bound-secret': { prepare: (env) => void env.ensureLegacySecret() },
  'secret-create-legacy-sa-token': { prepare: (env) => env.ensureLegacySecretAbsent() },
  'secret-get-legacy-sa-token-filled': { prepare: (env) => void env.ensureLegacySecret(true) },
  'secret-list-db': { prepare: (env) => useLegacyToken(env) },
  'secret-get-legacy-sa-token-after-use': { prepare: (env) => useLegacyToken(env) },
  'pod-watch-payments': { phase: 1, prepare: (env) => env.ensureRestarted() },
  'pod-watch-payments-rv1-too-old': { phase: 2 },
  'node-get-node-a': { prepare: (env) => env.ensureNodeA() },
  'pod-list-all-limit2-page1': { prepare: onlyScenarioPods },
  'pod-list-all-limit2-page2': {
    prepare: onlyScenarioPods,
    path: async (env) => `/api/v1/pods?limit=2&continue=${await firstPageToken(env)}`,
  },
  'pod-list-continue-expired-410': {
    phase: 2,
    prepare: onlyScenarioPods,
    path: async (env) => {
      const token = await firstPageToken(env);
      compactHistory(env);
      return `/api/v1/pods?limit=2&continue=${token}`;
    },
  },
  'pod-list-resourceversion-exact-compacted-410': {
    phase: 2,
    path: (env) => {
      compactHistory(env);
      return '/api/v1/namespaces/payments/pods?resourceVersion=1&resourceVersionMatch=Exact';
    },
  },
  'tokenreview-expired': { tokenMode: 'expired' },
  'expired-token-pod-list-401': { tokenMode: 'expired' },
  'selfsubjectreview-v1-expired-token-401': { tokenMode: 'expired' },
  'tokenreview-expired-within-leeway': { tokenMode: 'within-leeway' },
  'invalidated-token-pod-list-401': { tokenMode: 'invalidated' },
  'selfsubjectreview-v1-invalidated-token-401': { tokenMode: 'invalidated' },
  'tokenreview-bound-pod-deleted-invalidated': { tokenMode: 'invalidated' },
  'tokenreview-bound-pod-garbage-collected-invalidated': { tokenMode: 'invalidated' },
  'tokenreview-bound-pod-deleted-still-cached': { tokenMode: 'cached' },
  'tokenreview-bound-pod-terminating-valid': { tokenMode: 'terminating' },
  'tokenreview-bound-pod-terminating-invalidated': { phase: 2, tokenMode: 'terminating-invalidated' },
  'tokenreview-bad-signature': { tokenMode: 'bad-signature' },
  'bad-signature-token-pod-list-401': { tokenMode: 'bad-signature' },
};

async function firstPageToken(env: ReplayEnv): Promise<string> {
  const page = await send(env.cluster, { path: '/api/v1/pods?limit=2' });
  const token = (page.json as { metadata?: { continue?: string } } | undefined)?.metadata?.continue;
  if (token === undefined) throw new Error('the first page has no continue token');
  return token;
}

/** The recorded legacy token Secret, after one request authenticated with its token. */
async function useLegacyToken(env: ReplayEnv): Promise<void> {
  await send(env.cluster, { path: '/api/v1/namespaces/db/pods', auth: { token: env.legacyToken() } });
}

export function recipeFor(f: Fixture): Recipe {
  const skip = SKIPS[f.name];
  if (skip !== undefined && (skip.versions === undefined || skip.versions.includes(f.version))) return { skip: skip.reason };
  const recipe = RECIPES[f.name];
  if (recipe !== undefined) return recipe;
  // The on-node exchanges need node-a and its pod; v1.32's payments lists were recorded with them.
  const paymentsList = /^(pod-list-payments|sa-token-pod-list-payments)/.test(f.name);
  if (f.name.includes('on-node') || (f.version === 'v1.32' && paymentsList)) return { prepare: (env) => env.ensureNodeA() };
  if (paymentsList) return { prepare: (env) => env.ensureNoPodOnNodeA() };
  return {};
}
