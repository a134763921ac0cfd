// What the kubelets do to the API: start pods bound to their Node (Running status, a first log
// line), finish pods being deleted, and keep each running pod's projected token files fresh.

import { createHash } from 'node:crypto';
import type { KubeletPod, ProjectedTokenSource } from '../kubelet';
import { R } from '../resources';
import type { KubeObject, Pod } from '../types';
import { writeAs, type Controller, type ControllerContext } from './context';
import { runningStatus } from './podStatus';

/** A Node with this annotation has no kubelet answering, like node-a in the recordings. */
export const KUBELET_UNREACHABLE_ANNOTATION = 'test-cluster.local/kubelet-unreachable';
/** That annotation's value for a node whose address drops packets: dialing its kubelet hangs until the apiserver's dial timeout. */
export const KUBELET_DIAL_HANGS = 'timeout';

export function nodeAddress(node: KubeObject): string {
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '127.0.0.1';
}

/** Whether a pod's node has a kubelet that answers (logs, exec, status). */
export function kubeletServes(ctx: ControllerContext, nodeName: string | undefined): KubeObject | undefined {
  if (!ctx.options.kubelet || nodeName === undefined || nodeName === '') return undefined;
  const node = ctx.store.peek(R.nodes, undefined, nodeName);
  if (node === undefined || node.metadata.annotations?.[KUBELET_UNREACHABLE_ANNOTATION] !== undefined) return undefined;
  return node;
}

/** Every serviceAccountToken projection, at the path a container sees it. */
export function tokenSources(pod: Pod): ProjectedTokenSource[] {
  const out: ProjectedTokenSource[] = [];
  const seen = new Set<string>();
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  for (const v of pod.spec.volumes ?? []) {
    for (const source of v.projected?.sources ?? []) {
      const t = source.serviceAccountToken;
      if (t === undefined) continue;
      for (const c of containers) {
        for (const m of c.volumeMounts ?? []) {
          if (m.name !== v.name) continue;
          const path = `${m.mountPath.replace(/\/$/, '')}/${t.path}`;
          if (seen.has(path)) continue;
          seen.add(path);
          const s: ProjectedTokenSource = { volume: v.name, path, expirationSeconds: t.expirationSeconds ?? 3600 };
          if (t.audience !== undefined && t.audience !== '') s.audience = t.audience;
          out.push(s);
        }
      }
    }
  }
  return out;
}

/** What the last pass read and handed the kubelets, per cluster. */
const lastPass = new WeakMap<
  ControllerContext,
  { nodes: readonly KubeObject[]; pods: readonly KubeObject[]; accounts: readonly KubeObject[]; podsByNode: Map<string, { uid: string; pods: Pod[] }> }
>();

/** What each kubelet was last told of a stored pod snapshot (snapshots never change in place). */
const told = new WeakMap<KubeObject, KubeletPod>();

/** The kubelet's view of a pod, made once per pod snapshot (and service account). */
function kubeletPod(ctx: ControllerContext, pod: Pod, nodeName: string): KubeletPod {
  const ns = pod.metadata.namespace ?? '';
  const serviceAccountUid = ctx.store.peek(R.serviceAccounts, ns, pod.spec.serviceAccountName ?? 'default')?.metadata.uid ?? '';
  const known = told.get(pod);
  if (known !== undefined && known.serviceAccount.uid === serviceAccountUid && known.nodeName === nodeName) return known;
  const made: KubeletPod = {
    namespace: ns,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    serviceAccount: { name: pod.spec.serviceAccountName ?? 'default', uid: serviceAccountUid },
    nodeName,
    running: true,
    tokens: tokenSources(pod),
  };
  told.set(pod, made);
  return made;
}

export const kubeletAgent: Controller = {
  name: 'kubelet',
  sync(ctx: ControllerContext) {
    if (!ctx.options.kubelet) return;
    const nodes = ctx.store.list(R.nodes);
    const pods = ctx.store.list(R.pods);
    const accounts = ctx.store.list(R.serviceAccounts);
    const describe = (pod: Pod, nodeName: string): KubeletPod => kubeletPod(ctx, pod, nodeName);
    const last = lastPass.get(ctx);
    if (last !== undefined && last.nodes === nodes && last.pods === pods && last.accounts === accounts) {
      // Only the clock moved: the kubelets refresh their token files, no pod needs a look.
      ctx.kubelets.sync(last.podsByNode, describe);
      return;
    }
    const serving = new Map<string, KubeObject>();
    for (const n of nodes) if (kubeletServes(ctx, n.metadata.name) !== undefined) serving.set(n.metadata.name, n);
    const podsByNode = new Map<string, { uid: string; pods: Pod[] }>();
    for (const [name, n] of serving) podsByNode.set(name, { uid: n.metadata.uid, pods: [] });

    for (const o of pods) {
      const pod = o as Pod;
      const node = serving.get(pod.spec.nodeName ?? '');
      if (node === undefined) continue;
      const ns = pod.metadata.namespace ?? '';
      if (pod.metadata.deletionTimestamp !== undefined) {
        // Containers exit on SIGTERM at once; the kubelet then removes the pod for good.
        for (const c of pod.spec.containers) ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, 'kubelet', node.metadata.name);
        ctx.store.remove(R.pods, ns, pod.metadata.name);
        ctx.logs.forget(ns, pod.metadata.name);
        continue;
      }
      if (pod.status?.phase === 'Pending') {
        const now = ctx.clock.nowRfc3339();
        const started: Pod = { ...pod, metadata: { ...pod.metadata }, status: runningStatus(pod, nodeAddress(node), now) };
        writeAs(ctx, R.pods, started, 'kubelet', 'status');
        for (const c of pod.spec.containers) {
          ctx.events.record(pod, 'Normal', 'Pulled', `Container image "${c.image ?? ''}" already present on machine`, 'kubelet', node.metadata.name);
          ctx.events.record(pod, 'Normal', 'Created', `Created container ${c.name}`, 'kubelet', node.metadata.name);
          ctx.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', node.metadata.name);
          ctx.logs.container(ns, pod.metadata.name, c.name).append(`${c.name} started (${c.image ?? 'no image'})`);
        }
      }
      podsByNode.get(node.metadata.name)?.pods.push(pod);
    }
    // Lists are shared until their next write, so the same lists next pass mean nothing changed.
    lastPass.set(ctx, { nodes, pods, accounts, podsByNode });
    ctx.kubelets.sync(podsByNode, describe);
  },
};

/**
 * A container exits and the kubelet starts it again: restartCount + 1, lastState.terminated,
 * and a fresh log (the old one stays readable with `previous=true`).
 */
export function restartContainer(ctx: ControllerContext, ns: string, podName: string, container: string, exitCode = 1): void {
  const pod = ctx.store.peek(R.pods, ns, podName) as Pod | undefined;
  if (pod === undefined || pod.status?.phase !== 'Running') throw new Error(`pod ${ns}/${podName} is not running`);
  const statuses = (pod.status.containerStatuses ?? []) as Record<string, unknown>[];
  const index = statuses.findIndex((s) => s.name === container);
  const current = statuses[index];
  if (current === undefined) throw new Error(`pod ${ns}/${podName} has no container ${container}`);
  const now = ctx.clock.nowRfc3339();
  const restartCount = Number(current.restartCount ?? 0) + 1;
  const startedAt = (current.state as { running?: { startedAt?: string } } | undefined)?.running?.startedAt ?? now;
  const next = {
    ...current,
    state: { running: { startedAt: now } },
    lastState: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now, containerID: current.containerID } },
    restartCount,
    containerID: `containerd://${createHash('sha256').update(`${pod.metadata.uid}/${container}/${restartCount}`).digest('hex')}`,
  };
  const updated: Pod = {
    ...pod,
    metadata: { ...pod.metadata },
    status: { ...pod.status, containerStatuses: statuses.map((s, i) => (i === index ? next : s)) },
  };
  writeAs(ctx, R.pods, updated, 'kubelet', 'status');
  const logs = ctx.logs.container(ns, podName, container);
  logs.restart();
  logs.append(`${container} started (${pod.spec.containers.find((c) => c.name === container)?.image ?? 'no image'})`);
  ctx.events.record(pod, 'Normal', 'Started', `Started container ${container}`, 'kubelet', pod.spec.nodeName);
}
