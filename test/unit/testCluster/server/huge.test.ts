// The `huge` scenario, built small: its counts, pods that look exactly like the ones the
// controllers, the scheduler and the kubelet make, legacy tokens as the token controller fills
// them, and a cluster that is settled once built (nothing left for a controller to do).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../../../cluster/admission';
import { SERVICE_ACCOUNT_NAME_ANNOTATION, SERVICE_ACCOUNT_UID_ANNOTATION } from '../../../cluster/controllers/legacyTokens';
import { R } from '../../../cluster/resources';
import { deployment } from '../../../cluster/scenarios/build';
import { buildHuge, HUGE, hugeNamespace, type HugeSizes } from '../../../cluster/scenarios/huge';
import { scenarioNames } from '../../../cluster/scenarios/index';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { KubeObject, Pod, Secret, Workload } from '../../../cluster/types';
import { jwtClaims } from './support/fixtures';

const SMALL: HugeSizes = { namespaces: 3, serviceAccounts: 14, deployments: 5, pods: 23, legacyTokenSecrets: 4, nodes: 2 };

function inTenants(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.metadata.namespace?.startsWith('tenant-') === true);
}

/**
 * What does not vary between two objects made the same way: every key in its order (the values of
 * `k:{...}` managedFields keys masked), every number and boolean, and where strings are.
 */
function masked(value: unknown): unknown {
  if (typeof value === 'string') return 'string';
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(masked);
  return Object.entries(value).map(([k, v]) => [k.startsWith('k:') ? 'k:*' : k, masked(v)]);
}

describe('scenario huge', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
    buildHuge(cluster, SMALL);
  });
  after(() => cluster.stop());

  it('is registered, at the size of the limits Kubernetes publishes', () => {
    assert.ok(scenarioNames().includes('huge'));
    assert.deepEqual(HUGE, { namespaces: 2_000, serviceAccounts: 20_000, deployments: 10_000, pods: 150_000, legacyTokenSecrets: 5_000, nodes: 1_500 });
  });

  it('holds the namespaces, service accounts, Deployments, pods, token Secrets and Nodes asked for', () => {
    assert.deepEqual(
      cluster.store
        .list(R.namespaces)
        .map((n) => n.metadata.name)
        .filter((n) => n.startsWith('tenant-')),
      [0, 1, 2].map(hugeNamespace),
    );
    const accounts = inTenants(cluster.store.list(R.serviceAccounts));
    assert.equal(accounts.length, SMALL.serviceAccounts);
    assert.equal(accounts.filter((a) => a.metadata.name === 'default').length, SMALL.namespaces);
    assert.equal(inTenants(cluster.store.list(R.deployments)).length, SMALL.deployments);
    assert.equal(inTenants(cluster.store.list(R.replicaSets)).length, SMALL.deployments);
    assert.equal(inTenants(cluster.store.list(R.pods)).length, SMALL.pods);
    assert.equal(inTenants(cluster.store.list(R.secrets)).length, SMALL.legacyTokenSecrets);
    assert.equal(cluster.store.list(R.nodes).filter((n) => n.metadata.name.startsWith('huge-node-')).length, SMALL.nodes);
  });

  it('spreads the pods evenly over the Deployments and the Nodes, each with its own name and IP', () => {
    const pods = inTenants(cluster.store.list(R.pods)) as Pod[];
    const perDeployment = (inTenants(cluster.store.list(R.deployments)) as Workload[]).map((d) => d.spec.replicas);
    assert.deepEqual(perDeployment.sort(), [4, 4, 5, 5, 5]);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
    assert.deepEqual([...perNode.values()].sort(), [11, 12]);
    const ips = pods.map((p) => (p.status as { podIP?: string }).podIP);
    assert.equal(new Set(ips).size, pods.length);
    assert.equal(new Set(pods.map((p) => p.metadata.uid)).size, pods.length);
  });

  it('runs each pod under its Deployment service account, owned by its ReplicaSet, with its own kube-api-access volume', () => {
    for (const p of inTenants(cluster.store.list(R.pods)) as Pod[]) {
      const ns = p.metadata.namespace ?? '';
      const owner = p.metadata.ownerReferences?.[0];
      const rs = cluster.store.peek(R.replicaSets, ns, owner?.name ?? '') as Workload | undefined;
      assert.ok(rs !== undefined && rs.metadata.uid === owner?.uid, `${p.metadata.name} is owned by its ReplicaSet`);
      assert.ok(p.metadata.name.startsWith(`${rs.metadata.name}-`));
      assert.match(p.metadata.name.slice(rs.metadata.name.length + 1), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.labels, rs.spec.selector.matchLabels);
      assert.ok(cluster.store.peek(R.serviceAccounts, ns, p.spec.serviceAccountName ?? '') !== undefined);
      assert.equal(p.status?.phase, 'Running');
      const volume = p.spec.volumes?.find((v) => v.projected !== undefined);
      assert.match(volume?.name ?? '', /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(volume?.projected?.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
      for (const c of p.spec.containers) assert.deepEqual(c.volumeMounts, [{ name: volume?.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }]);
      const keys = JSON.stringify(p.metadata.managedFields);
      assert.ok(keys.includes(`k:{\\"name\\":\\"${volume?.name ?? ''}\\"}`), 'the volume is in managedFields by its own name');
      assert.ok(keys.includes(`k:{\\"ip\\":\\"${String((p.status as { podIP?: string }).podIP)}\\"}`), 'so is the pod IP');
      assert.ok(!/<node>|<host-ip>/.test(JSON.stringify(p)), 'no placeholder is left');
    }
  });

  it('makes its Deployments, ReplicaSets and pods exactly as the controllers, the scheduler and the kubelet do', () => {
    const ns = hugeNamespace(0);
    const replicas = (cluster.store.peek(R.deployments, ns, 'app-0') as Workload | undefined)?.spec.replicas;
    const made = deployment(cluster, ns, 'made-by-controllers', 'app-0', [{ name: 'app', image: 'registry.example.com/tenant-0000/made:1.0.0' }], replicas);
    const controllerPod = cluster.store.list(R.pods, ns).find((p) => p.metadata.labels?.app === made.metadata.name);
    const hugePod = cluster.store.list(R.pods, ns).find((p) => p.metadata.labels?.app === 'app-0');
    assert.ok(controllerPod !== undefined && hugePod !== undefined);
    assert.deepEqual(masked(hugePod), masked(controllerPod));
    const rsOf = (app: string): KubeObject | undefined => cluster.store.list(R.replicaSets, ns).find((rs) => rs.metadata.labels?.app === app);
    assert.deepEqual(masked(rsOf('app-0')), masked(rsOf(made.metadata.name)));
    assert.deepEqual(masked(cluster.store.peek(R.deployments, ns, 'app-0')), masked(cluster.store.peek(R.deployments, ns, made.metadata.name)));
  });

  it('fills the legacy token Secrets of the service accounts that run nothing, as the token controller does', () => {
    for (const o of inTenants(cluster.store.list(R.secrets))) {
      const secret = o as Secret;
      const ns = secret.metadata.namespace ?? '';
      const saName = secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ?? '';
      const sa = cluster.store.peek(R.serviceAccounts, ns, saName);
      assert.equal(secret.type, 'kubernetes.io/service-account-token');
      assert.match(saName, /^ci-\d+$/);
      assert.ok(secret.metadata.name.startsWith(`${saName}-token-`));
      assert.equal(secret.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION], sa?.metadata.uid);
      const claims = jwtClaims(Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8'));
      assert.equal(claims?.['kubernetes.io/serviceaccount/service-account.name'], saName);
      assert.equal(claims?.['kubernetes.io/serviceaccount/secret.name'], secret.metadata.name);
    }
  });

  it('mints a pod token only when it is read, and is settled once built', () => {
    const pod = inTenants(cluster.store.list(R.pods))[0] as Pod;
    assert.deepEqual(cluster.kubelet.written(pod.metadata.uid), []);
    const token = cluster.kubelet.readFile(pod.metadata.uid, `${SERVICE_ACCOUNT_MOUNT_PATH}/token`);
    const claims = jwtClaims(token ?? '') as { 'kubernetes.io'?: { pod?: { uid?: string } } } | undefined;
    assert.equal(claims?.['kubernetes.io']?.pod?.uid, pod.metadata.uid);
    const rv = cluster.store.resourceVersion();
    cluster.advance(60);
    assert.equal(cluster.store.resourceVersion(), rv, 'no controller had anything left to write');
  });
});
