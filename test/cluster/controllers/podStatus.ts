// The status a kubelet reports: Running with its conditions, IPs and container states.

import { createHash } from 'node:crypto';
import type { Container, Pod } from '../types';

export function isReady(p: Pod): boolean {
  const conditions = (p.status?.conditions ?? []) as { type: string; status: string }[];
  return p.status?.phase === 'Running' && conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A stable pod IP in 10.244.0.0/16, derived from the pod's uid. */
export function podIp(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  return `10.244.${(h[0] ?? 0) % 256}.${((h[1] ?? 0) % 253) + 2}`;
}

function containerStatus(c: Container, podUid: string, startedAt: string, restartCount: number): Record<string, unknown> {
  const image = c.image ?? '';
  return {
    name: c.name,
    state: { running: { startedAt } },
    lastState: {},
    ready: true,
    restartCount,
    image,
    imageID: `${image.split(':')[0] ?? image}@sha256:${hex(image, 64)}`,
    containerID: `containerd://${hex(`${podUid}/${c.name}/${restartCount}`, 64)}`,
    started: true,
  };
}

export function runningStatus(pod: Pod, hostIP: string, now: string): Record<string, unknown> {
  const condition = (type: string): Record<string, unknown> => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  const ip = podIp(pod.metadata.uid);
  const status: Record<string, unknown> = {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    containerStatuses: pod.spec.containers.map((c) => containerStatus(c, pod.metadata.uid, now, 0)),
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
  if ((pod.spec.initContainers ?? []).length > 0) {
    status.initContainerStatuses = (pod.spec.initContainers ?? []).map((c) => ({
      name: c.name,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: now,
          finishedAt: now,
          containerID: `containerd://${hex(`${pod.metadata.uid}/${c.name}`, 64)}`,
        },
      },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image ?? '',
      imageID: '',
      containerID: `containerd://${hex(`${pod.metadata.uid}/${c.name}`, 64)}`,
      started: false,
    }));
  }
  return status;
}

/** What the scheduler writes when it binds a pod: the PodScheduled condition. */
export function scheduledStatus(pod: Pod, now: string): Record<string, unknown> {
  return { ...(pod.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
}
