// The cluster a recorded exchange is replayed against, shaped like the recorded one (no
// scheduler, no kubelet), with the objects each exchange needs, and the translation of the
// recording's names, uids and tokens into ours.

import { startTestCluster, type TestCluster } from '../../../../cluster/server';
import { R, type ResourceInfo } from '../../../../cluster/resources';
import { create } from '../../../../cluster/scenarios/build';
import type { KubeObject, Pod, Secret } from '../../../../cluster/types';
import { jwtClaims, readWatchEvents, type Fixture, type FixtureVersion } from './fixtures';
import { send } from './https';

export type TokenMode = 'normal' | 'expired' | 'within-leeway' | 'invalidated' | 'cached' | 'terminating' | 'terminating-invalidated' | 'bad-signature';

interface RecordedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
}

function kindOfItem(listKind: unknown): string | undefined {
  return typeof listKind === 'string' && listKind.endsWith('List') ? listKind.slice(0, -4) : undefined;
}

/** Every object the recording shows, with its name and uid, so ours can stand in for it. */
function recordedObjects(fixtures: Fixture[]): RecordedObject[] {
  const out: RecordedObject[] = [];
  const add = (kind: string | undefined, o: unknown): void => {
    if (kind === undefined || typeof o !== 'object' || o === null) return;
    const m = (o as { metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> } }).metadata;
    if (m?.name === undefined || m.uid === undefined) return;
    out.push({ kind, name: m.name, uid: m.uid, labels: m.labels ?? {}, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) });
  };
  for (const f of fixtures) {
    const b = f.response.body as { kind?: string; items?: unknown[] } | undefined;
    if (b !== undefined && typeof b === 'object' && b !== null) {
      add(b.kind, b);
      for (const item of b.items ?? []) add(kindOfItem(b.kind), item);
    }
    if (f.response.body_file !== undefined) for (const e of readWatchEvents(f.version, f.response.body_file)) add(e.object.kind as string, e.object);
  }
  return out;
}

export class ReplayEnv {
  private readonly recorded: RecordedObject[];
  private probeCounter = 0;

  private constructor(
    readonly cluster: TestCluster,
    readonly version: FixtureVersion,
    fixtures: Fixture[],
  ) {
    this.recorded = recordedObjects(fixtures);
  }

  static async start(version: FixtureVersion, fixtures: Fixture[]): Promise<ReplayEnv> {
    const cluster = await startTestCluster({ scenarios: ['healthy'], controlPlaneOnly: true });
    return new ReplayEnv(cluster, version, fixtures);
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }

  /** Our object standing in for a recorded one: the same Deployment's current pod, else the same name. */
  private ours(o: RecordedObject): KubeObject | undefined {
    const r = this.resourceFor(o.kind);
    if (r === undefined) return undefined;
    if (o.kind === 'Pod' && o.labels['pod-template-hash'] !== undefined) {
      return this.cluster.store
        .list(R.pods, o.namespace)
        .find(
          (p) =>
            p.metadata.labels?.app === o.labels.app && p.metadata.labels?.['pod-template-hash'] !== undefined && p.metadata.deletionTimestamp === undefined,
        );
    }
    if (o.kind === 'ReplicaSet') return undefined;
    return this.cluster.store.peek(r, o.namespace, o.name);
  }

  private resourceFor(kind: string): ResourceInfo | undefined {
    return Object.values(R).find((r) => r.kind === kind);
  }

  /** Recorded name or uid → ours, longest first so no replacement eats part of another. */
  translations(): [string, string][] {
    const map = new Map<string, string>();
    for (const o of this.recorded) {
      const ours = this.ours(o);
      if (ours === undefined) continue;
      if (o.name !== ours.metadata.name) map.set(o.name, ours.metadata.name);
      if (o.uid !== ours.metadata.uid) map.set(o.uid, ours.metadata.uid);
    }
    return [...map.entries()].sort((a, b) => b[0].length - a[0].length);
  }

  translate(text: string): string {
    let out = text;
    for (const [from, to] of this.translations()) out = out.split(from).join(to);
    return out;
  }

  // --- objects the recordings needed -------------------------------------------------------

  private createPod(ns: string, name: string, spec: Record<string, unknown>, labels: Record<string, string>): Pod {
    return create(this.cluster, R.pods, ns, { metadata: { name, labels }, spec }) as Pod;
  }

  private probeSpec(container = 'probe', nodeName?: string): Record<string, unknown> {
    return {
      serviceAccountName: 'api',
      containers: [{ name: container, image: 'registry.example.com/payments/api:1.4.2' }],
      ...(nodeName !== undefined ? { nodeName } : {}),
    };
  }

  ensureProbe(): void {
    if (this.cluster.store.peek(R.pods, 'payments', 'api-probe') === undefined) this.createPod('payments', 'api-probe', this.probeSpec(), { app: 'api-probe' });
  }

  ensureProbeDeleted(): void {
    if (this.cluster.store.peek(R.pods, 'payments', 'api-probe') !== undefined) this.cluster.store.remove(R.pods, 'payments', 'api-probe');
  }

  ensureNodeA(): void {
    if (this.cluster.store.peek(R.nodes, undefined, 'node-a') === undefined) {
      create(this.cluster, R.nodes, undefined, {
        metadata: {
          name: 'node-a',
          labels: { 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-a', 'kubernetes.io/os': 'linux' },
          annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
        },
        status: {
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            machineID: '',
            systemUUID: '',
            bootID: '',
            kernelVersion: '',
            osImage: '',
            containerRuntimeVersion: '',
            kubeletVersion: '',
            kubeProxyVersion: '',
            operatingSystem: '',
            architecture: '',
          },
        },
      });
    }
    const node = this.cluster.store.get(R.nodes, undefined, 'node-a');
    if (node !== undefined && !(node.metadata.managedFields ?? []).some((m) => m.subresource === 'status')) {
      // The recorded node-a carries a status entry from the node lifecycle controller.
      this.cluster.api.update(R.nodes, undefined, 'node-a', node, {
        manager: 'kube-controller-manager',
        subresource: 'status',
      });
    }
    const pod = this.cluster.store.peek(R.pods, 'payments', 'api-on-node-a');
    if (pod?.metadata.deletionTimestamp !== undefined) this.cluster.store.remove(R.pods, 'payments', 'api-on-node-a');
    if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) {
      this.createPod('payments', 'api-on-node-a', this.probeSpec('api', 'node-a'), { app: 'api-on-node' });
    }
  }

  ensureNoPodOnNodeA(): void {
    if (this.cluster.store.peek(R.pods, 'payments', 'api-on-node-a') !== undefined) this.cluster.store.remove(R.pods, 'payments', 'api-on-node-a');
  }

  ensureOnNodeTerminating(): void {
    this.ensureNodeA();
    this.cluster.api.delete(R.pods, 'payments', 'api-on-node-a');
  }

  ensureGhostPod(): void {
    if (this.cluster.store.peek(R.pods, 'payments', 'api-on-node-ghost') === undefined) {
      this.createPod('payments', 'api-on-node-ghost', this.probeSpec('api', 'node-ghost'), { app: 'api-on-node-ghost' });
    }
  }

  ensureLegacySecret(fresh = false): Secret {
    if (fresh) this.ensureLegacySecretAbsent();
    if (this.cluster.store.peek(R.secrets, 'db', 'patroni-token') === undefined) {
      create(this.cluster, R.secrets, 'db', {
        metadata: { name: 'patroni-token', annotations: { 'kubernetes.io/service-account.name': 'patroni' } },
        type: 'kubernetes.io/service-account-token',
      });
    }
    const s = this.cluster.store.get<Secret>(R.secrets, 'db', 'patroni-token');
    if (s === undefined) throw new Error('legacy token secret missing');
    return s;
  }

  ensureLegacySecretAbsent(): void {
    if (this.cluster.store.peek(R.secrets, 'db', 'patroni-token') !== undefined) this.cluster.store.remove(R.secrets, 'db', 'patroni-token');
  }

  legacyToken(): string {
    const token = this.ensureLegacySecret().data?.token;
    if (token === undefined) throw new Error('legacy token secret was not filled');
    return Buffer.from(token, 'base64').toString('utf8');
  }

  /** Whether the api Deployment has been restarted (its template carries restartedAt). */
  ensureRestarted(): void {
    const d = this.cluster.store.peek(R.deployments, 'payments', 'api') as
      { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } } | undefined;
    if (d?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] !== undefined) return;
    const result = this.cluster.api.patch(
      R.deployments,
      'payments',
      'api',
      'application/strategic-merge-patch+json',
      {
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': this.cluster.clock.nowRfc3339() } } } },
      },
      { manager: 'kubectl-rollout' },
    );
    if (!result.ok) throw new Error('restart failed');
  }

  // --- tokens ----------------------------------------------------------------------------

  /** A token of ours with the recorded token's subject, binding, audiences and lifetime, in the state `mode` asks for. */
  async translateToken(recorded: string, mode: TokenMode): Promise<string> {
    const claims = jwtClaims(recorded);
    if (claims === undefined) return recorded;
    if (claims.iss === 'kubernetes/serviceaccount') return mode === 'bad-signature' ? flipSignature(this.legacyToken()) : this.legacyToken();
    const k8s = (claims['kubernetes.io'] ?? {}) as {
      namespace?: string;
      serviceaccount?: { name?: string };
      pod?: { name?: string };
      secret?: { name?: string };
      node?: { name?: string };
    };
    const ns = k8s.namespace ?? '';
    const saName = k8s.serviceaccount?.name ?? '';
    const sa = this.cluster.store.peek(R.serviceAccounts, ns, saName);
    if (sa === undefined) throw new Error(`no service account ${ns}/${saName} for a recorded token`);
    const iat = Number(claims.iat);
    const warnafter = (claims['kubernetes.io'] as { warnafter?: number }).warnafter;
    const lifetime = warnafter !== undefined ? warnafter - iat : Number(claims.exp) - iat;
    const audiences = Array.isArray(claims.aud) ? (claims.aud as string[]) : undefined;

    let bound: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid: string } | undefined;
    let node: { name: string; uid?: string } | undefined;
    let throwaway: Pod | undefined;
    const podName = k8s.pod?.name;
    if (podName !== undefined) {
      let pod: KubeObject | undefined;
      if (['invalidated', 'cached', 'terminating', 'terminating-invalidated'].includes(mode)) {
        this.probeCounter += 1;
        const onNode = mode.startsWith('terminating') ? 'node-a' : podName.includes('ghost') ? 'node-ghost' : undefined;
        if (onNode === 'node-a') this.ensureNodeA();
        throwaway = this.createPod('payments', `throwaway-${this.probeCounter}`, this.probeSpec('probe', onNode), { app: 'throwaway' });
        pod = throwaway;
      } else {
        if (podName === 'api-probe') this.ensureProbe();
        if (podName === 'api-on-node-a') this.ensureNodeA();
        if (podName === 'api-on-node-ghost') this.ensureGhostPod();
        pod = this.cluster.store.peek(R.pods, ns, this.translate(podName));
      }
      if (pod === undefined) throw new Error(`no pod stands in for ${podName}`);
      bound = { kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid };
      const nodeName = (pod as Pod).spec.nodeName;
      if (nodeName !== undefined) {
        const n = this.cluster.store.peek(R.nodes, undefined, nodeName);
        node = n === undefined ? { name: nodeName } : { name: nodeName, uid: n.metadata.uid };
      }
    } else if (k8s.secret?.name !== undefined) {
      const s = this.ensureLegacySecret();
      bound = { kind: 'Secret', name: s.metadata.name, uid: s.metadata.uid };
    } else if (k8s.node?.name !== undefined) {
      this.ensureNodeA();
      const n = this.cluster.store.peek(R.nodes, undefined, k8s.node.name);
      if (n === undefined) throw new Error(`no node ${k8s.node.name}`);
      bound = { kind: 'Node', name: n.metadata.name, uid: n.metadata.uid };
    }

    const now = this.cluster.clock.nowSeconds();
    const issuedAt = mode === 'expired' ? now - lifetime - 90 : mode === 'within-leeway' ? now - lifetime - 15 : now;
    const result = this.cluster.issuer.issue({
      namespace: ns,
      serviceAccount: { name: saName, uid: sa.metadata.uid },
      expirationSeconds: lifetime,
      nowSeconds: issuedAt,
      ...(audiences !== undefined ? { audiences } : {}),
      ...(bound !== undefined ? { boundObject: bound } : {}),
      ...(node !== undefined ? { node } : {}),
    });
    if (!result.ok) throw new Error(`could not mint a stand-in token: ${result.message}`);
    const token = result.issued.token;

    if (throwaway !== undefined) {
      const name = throwaway.metadata.name;
      if (mode === 'cached') {
        // Used once while the pod lives, so the apiserver's 10 s cache still vouches for it.
        await send(this.cluster, {
          method: 'POST',
          path: '/apis/authentication.k8s.io/v1/tokenreviews',
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
        });
      }
      if (mode.startsWith('terminating')) this.cluster.api.delete(R.pods, 'payments', name);
      else this.cluster.api.delete(R.pods, 'payments', name, { gracePeriodSeconds: 0 });
      if (mode === 'terminating-invalidated') this.cluster.advance(30 + 61);
    }
    return mode === 'bad-signature' ? flipSignature(token) : token;
  }
}

/** One character of the signature changed, as the recording's bad-signature token was made. */
export function flipSignature(token: string): string {
  const i = token.length - 5;
  const c = token[i] === 'A' ? 'B' : 'A';
  return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
}
