// `huge`: 150,000 pods, 20,000 service accounts, 2,000 namespaces and 5,000 legacy token Secrets
// on 1,500 Nodes, Kubernetes' published limits (150,000 pods, 110 per node), for the benches of a
// light API footprint. Each namespace runs five Deployments of 15 pods under their own service
// accounts (`app-N`); its other service accounts (`ci-N`) run nothing and hold the legacy tokens,
// as CI robots do. The controllers would take minutes to start that many pods, so each
// Deployment, its ReplicaSet and their Running pods go to the store as the controllers, the
// scheduler and the kubelet leave them: one pod per ReplicaSet through the API's create path, the
// others that pod with their own name, volume, node, IPs and container ids, sharing the rest
// (stored objects are never changed in place). Token files are minted on first read.

import { createHash } from 'node:crypto';
import { canonicalObject } from '../canonical';
import { CONTROLLER_MANAGER } from '../controllers/context';
import { deploymentStatus, replicaSetFor } from '../controllers/deployments';
import { SERVICE_ACCOUNT_NAME_ANNOTATION } from '../controllers/legacyTokens';
import { runningStatus, scheduledStatus } from '../controllers/podStatus';
import { podFor, replicaSetStatus } from '../controllers/replicaSets';
import { recordManager } from '../managedFields';
import { R, type ResourceInfo } from '../resources';
import type { TestCluster } from '../server';
import { randomSuffix, type StoreResult } from '../store';
import type { KubeObject, Pod, Workload } from '../types';
import { applied, create, namespace, node, podTemplate, SCENARIO_MANAGER, serviceAccount } from './build';
import { registerScenario } from './registry';

export interface HugeSizes {
  namespaces: number;
  /** Every service account, each namespace's `default` among them. */
  serviceAccounts: number;
  /** One per service account, until they run out; their pods split evenly between them. */
  deployments: number;
  pods: number;
  legacyTokenSecrets: number;
  nodes: number;
}

export const HUGE: HugeSizes = { namespaces: 2_000, serviceAccounts: 20_000, deployments: 10_000, pods: 150_000, legacyTokenSecrets: 5_000, nodes: 1_500 };

export function hugeNamespace(i: number): string {
  return `tenant-${String(i).padStart(4, '0')}`;
}

export function hugeNode(i: number): string {
  return `huge-node-${String(i).padStart(4, '0')}`;
}

/** Where a pod runs: round robin over the Nodes, as the fewest-pods rule spreads them. */
interface Placement {
  node: string;
  hostIP: string;
  /** The host IP as managedFields names it in hostIPs. */
  hostKey: string;
  podIP: string;
}

interface Account {
  ns: string;
  name: string;
}

/**
 * Build the scenario at any size (tests use a small one). Service accounts go round robin over the
 * namespaces, those of the Deployments first; the legacy token Secrets go round robin over the
 * others (over all of them when there are no others).
 */
export function buildHuge(cluster: TestCluster, sizes: HugeSizes): void {
  const named = sizes.serviceAccounts - sizes.namespaces;
  if (sizes.namespaces < 1 || sizes.nodes < 1) throw new Error('huge needs a namespace and a Node');
  if (sizes.deployments > named) throw new Error(`huge: ${sizes.deployments} Deployments need as many service accounts besides the defaults`);
  if (sizes.pods > 0 && sizes.deployments < 1) throw new Error('huge: pods need a Deployment');
  if (sizes.legacyTokenSecrets > 0 && named < 1) throw new Error('huge: legacy tokens need a service account besides the defaults');
  cluster.kubelet.minting = 'on-read';
  const eventsWereOn = cluster.events.enabled;
  cluster.events.enabled = false;
  try {
    cluster.batch(() => {
      const nodes: Omit<Placement, 'podIP'>[] = [];
      for (let n = 0; n < sizes.nodes; n++) {
        const hostIP = `10.2.${Math.floor(n / 250)}.${(n % 250) + 2}`;
        nodes.push({ node: hugeNode(n), hostIP, hostKey: listKey('ip', hostIP) });
        node(cluster, hugeNode(n), hostIP);
      }
      for (let i = 0; i < sizes.namespaces; i++) namespace(cluster, hugeNamespace(i));
      const apps: Account[] = [];
      const robots: Account[] = [];
      const counts = new Map<string, { app: number; ci: number }>();
      for (let s = 0; s < named; s++) {
        const ns = hugeNamespace(s % sizes.namespaces);
        const count = counts.get(ns) ?? { app: 0, ci: 0 };
        counts.set(ns, count);
        const runs = s < sizes.deployments;
        const account = { ns, name: runs ? `app-${count.app++}` : `ci-${count.ci++}` };
        serviceAccount(cluster, ns, account.name);
        (runs ? apps : robots).push(account);
      }
      const holders = robots.length > 0 ? robots : apps;
      for (let k = 0; k < sizes.legacyTokenSecrets; k++) {
        const holder = holders[k % holders.length];
        if (holder !== undefined) legacyTokenSecret(cluster, holder.ns, holder.name);
      }
      let placed = 0;
      const place = (): Placement => {
        const n = placed % sizes.nodes;
        const k = Math.floor(placed / sizes.nodes);
        placed++;
        const at = nodes[n] ?? { node: '', hostIP: '', hostKey: '' };
        // Each Node has its own /24 for pods, as kube-controller-manager's default node CIDRs.
        return { ...at, podIP: `10.${128 + (n >> 8)}.${n & 255}.${(k % 253) + 2}` };
      };
      apps.forEach(({ ns, name }, d) => {
        const replicas = Math.floor(sizes.pods / sizes.deployments) + (d < sizes.pods % sizes.deployments ? 1 : 0);
        workload(cluster, ns, name, replicas, place);
      });
    });
  } finally {
    cluster.events.enabled = eventsWereOn;
  }
}

registerScenario('huge', (cluster) => buildHuge(cluster, HUGE));

/** A Secret the token controller fills in (at the end of the batch), named as it used to name them. */
function legacyTokenSecret(cluster: TestCluster, ns: string, serviceAccountName: string): void {
  let name: string;
  do name = `${serviceAccountName}-token-${randomSuffix()}`;
  while (cluster.store.peek(R.secrets, ns, name) !== undefined);
  create(cluster, R.secrets, ns, {
    metadata: { name, annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: serviceAccountName } },
    type: 'kubernetes.io/service-account-token',
  });
}

/** A Deployment of `replicas` Running pods under the service account of its name. */
function workload(cluster: TestCluster, ns: string, name: string, replicas: number, place: () => Placement): void {
  const { api, store } = cluster;
  const now = cluster.clock.nowRfc3339();
  const labels = { app: name };
  const body = {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: podTemplate(labels, name, [{ name: 'app', image: `registry.example.com/${ns}/${name}:1.0.0` }]),
    },
  };
  // The Deployment as the controller leaves it once every pod is Ready: revision 1, then status.
  const d = prepared(api.prepareCreate(R.deployments, ns, applied(R.deployments, ns, body), { manager: SCENARIO_MANAGER })) as Workload;
  const readyReplicaSet = (rs: Workload): Workload => ({ ...rs, status: replicaSetStatus(rs, replicas, replicas) });
  const planned = readyReplicaSet(replicaSetFor(d, 1) as Workload);
  d.metadata.annotations = { ...d.metadata.annotations, 'deployment.kubernetes.io/revision': '1' };
  recordManager(d, CONTROLLER_MANAGER, now);
  d.status = deploymentStatus(d, planned, [planned], now);
  recordManager(d, CONTROLLER_MANAGER, now, { subresource: 'status' });
  const deployment = stored(store.create(R.deployments, d), R.deployments);

  const rs = readyReplicaSet(
    prepared(api.prepareCreate(R.replicaSets, ns, replicaSetFor(deployment as Workload, 1), { manager: CONTROLLER_MANAGER })) as Workload,
  );
  recordManager(rs, CONTROLLER_MANAGER, now, { subresource: 'status' });
  const replicaSet = stored(store.create(R.replicaSets, rs), R.replicaSets) as Workload;

  const pods = new Replicas(cluster, runningPod(prepared(api.prepareCreate(R.pods, ns, podFor(replicaSet), { manager: CONTROLLER_MANAGER })) as Pod, now));
  for (let i = 0; i < replicas; i++) stored(store.create(R.pods, pods.next(place())), R.pods);
}

const TEMPLATE_NODE = '<node>';
const TEMPLATE_HOST_IP = '<host-ip>';
const TEMPLATE_HOST_KEY = listKey('ip', TEMPLATE_HOST_IP);

/** The pod once scheduled (on a placeholder Node) and started by its kubelet, managedFields and all. */
function runningPod(created: Pod, now: string): Pod {
  // The store gives each replica its uid; until then the status derives from an empty one.
  const bound: Pod = {
    ...created,
    metadata: { ...created.metadata, uid: '' },
    spec: { ...created.spec, nodeName: TEMPLATE_NODE },
    status: scheduledStatus(created, now),
  };
  recordManager(bound, 'kube-scheduler', now, { subresource: 'status' });
  const running: Pod = { ...bound, metadata: { ...bound.metadata }, status: runningStatus(bound, TEMPLATE_HOST_IP, now) };
  recordManager(running, 'kubelet', now, { subresource: 'status' });
  // In the stored order, with a place for what the store fills in: it keeps each replica as it comes.
  return canonicalObject({ ...running, metadata: { ...running.metadata, resourceVersion: '', creationTimestamp: '' } });
}

/**
 * More pods like `template`, each with its own name, kube-api-access volume, Node, IPs and
 * container ids: the template's own strings are swapped for them, everything else is shared.
 */
class Replicas {
  /** The template's strings to swap, each mapped to the current replica's. */
  private readonly swaps = new Map<string, string>();
  private readonly volume?: string;
  private readonly podIP?: string;
  private readonly containerIDs: { name: string; id: string }[] = [];
  /** Where in the template those strings are, found once. */
  private readonly plan: { managedFields?: Plan; spec?: Plan; status?: Plan };

  constructor(
    private readonly cluster: TestCluster,
    private readonly template: Pod,
  ) {
    this.volume = template.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'))?.name;
    const status = template.status as { podIP?: string; containerStatuses?: { name: string; containerID?: string }[] };
    this.podIP = status.podIP;
    for (const c of status.containerStatuses ?? []) if (c.containerID !== undefined) this.containerIDs.push({ name: c.name, id: c.containerID });
    const own = new Set([TEMPLATE_NODE, TEMPLATE_HOST_IP, TEMPLATE_HOST_KEY, ...this.containerIDs.map((c) => c.id)]);
    if (this.volume !== undefined) own.add(this.volume).add(listKey('name', this.volume));
    if (this.podIP !== undefined) own.add(this.podIP).add(listKey('ip', this.podIP));
    this.plan = { managedFields: planOf(template.metadata.managedFields, own), spec: planOf(template.spec, own), status: planOf(template.status, own) };
  }

  next(at: Placement): Pod {
    const { template, swaps, plan } = this;
    const ns = template.metadata.namespace ?? '';
    let name: string;
    do name = `${template.metadata.generateName ?? ''}${randomSuffix()}`;
    while (this.cluster.store.peek(R.pods, ns, name) !== undefined);
    swaps.set(TEMPLATE_NODE, at.node);
    swaps.set(TEMPLATE_HOST_IP, at.hostIP);
    swaps.set(TEMPLATE_HOST_KEY, at.hostKey);
    if (this.volume !== undefined) {
      const own = `kube-api-access-${randomSuffix()}`;
      swaps.set(this.volume, own);
      swaps.set(listKey('name', this.volume), listKey('name', own));
    }
    if (this.podIP !== undefined) {
      swaps.set(this.podIP, at.podIP);
      swaps.set(listKey('ip', this.podIP), listKey('ip', at.podIP));
    }
    for (const c of this.containerIDs) swaps.set(c.id, `containerd://${createHash('sha256').update(`${ns}/${name}/${c.name}`).digest('hex')}`);
    const metadata = { ...template.metadata, name, managedFields: swapped(template.metadata.managedFields, plan.managedFields, swaps) };
    return { ...template, metadata, spec: swapped(template.spec, plan.spec, swaps), status: swapped(template.status, plan.status, swaps) };
  }
}

/** A managedFields key of a list element, as `fieldsV1` writes it: k:{"ip":"10.2.0.2"}. */
function listKey(field: string, value: string): string {
  return `k:${JSON.stringify({ [field]: value })}`;
}

/**
 * Where a value holds strings to swap: the value itself, or the elements and keys that hold one
 * (a key to swap itself is `renamed`). Undefined: nothing, the value is shared as it is.
 */
type Plan = { kind: 'string' } | { kind: 'array'; at: [number, Plan][] } | { kind: 'object'; at: Map<string, Plan>; renamed: boolean };

function planOf(value: unknown, own: ReadonlySet<string>): Plan | undefined {
  if (typeof value === 'string') return own.has(value) ? { kind: 'string' } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    const at: [number, Plan][] = [];
    value.forEach((v: unknown, i) => {
      const p = planOf(v, own);
      if (p !== undefined) at.push([i, p]);
    });
    return at.length > 0 ? { kind: 'array', at } : undefined;
  }
  let at: Map<string, Plan> | undefined;
  let renamed = false;
  for (const k in value) {
    const p = planOf((value as Record<string, unknown>)[k], own);
    if (p !== undefined) (at ??= new Map()).set(k, p);
    renamed ||= own.has(k);
  }
  return at !== undefined || renamed ? { kind: 'object', at: at ?? new Map(), renamed } : undefined;
}

/** `value` with the strings its plan names swapped; only the objects on the way are copied. */
function swapped<T>(value: T, plan: Plan | undefined, swaps: ReadonlyMap<string, string>): T {
  if (plan === undefined) return value;
  if (plan.kind === 'string') return (swaps.get(value as string) ?? value) as T;
  if (plan.kind === 'array') {
    const out = [...(value as unknown[])];
    for (const [i, p] of plan.at) out[i] = swapped(out[i], p, swaps);
    return out as T;
  }
  const obj = value as Record<string, unknown>;
  if (!plan.renamed) {
    const out = { ...obj };
    for (const [k, p] of plan.at) out[k] = swapped(obj[k], p, swaps);
    return out as T;
  }
  // A key changes: rebuilt in order, as the apiserver would print it.
  const out: Record<string, unknown> = {};
  for (const k in obj) out[swaps.get(k) ?? k] = swapped(obj[k], plan.at.get(k), swaps);
  return out as T;
}

function prepared(result: StoreResult): KubeObject {
  if (!result.ok) throw new Error(`huge: the API would refuse an object: ${result.error.body.message ?? ''}`);
  return result.object;
}

function stored(result: StoreResult, r: ResourceInfo): KubeObject {
  if (!result.ok) throw new Error(`huge: could not store ${r.plural}: ${result.error.body.message ?? ''}`);
  return result.object;
}
