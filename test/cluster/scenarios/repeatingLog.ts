// A container that logs the same failure every few seconds: its past at once (the latest cycles
// only, as log rotation would leave them), then new cycles as the cluster's clock moves. It stops
// when its pod is replaced or its container restarts: a fresh process reads a fresh token.

import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';

export interface RepeatingLog {
  namespace: string;
  pod: string;
  container: string;
  /** When the first cycle ran (cluster time, ms). */
  fromMs: number;
  everySeconds: number;
  /** The lines of cycle `index`, which ran at `atMs`. */
  cycle(atMs: number, index: number): string[];
  /** The most cycles written at once: the history at start, or after a long clock jump. */
  keepCycles: number;
}

function restartCount(pod: Pod | undefined, container: string): number | undefined {
  const statuses = (pod?.status?.containerStatuses ?? []) as { name?: string; restartCount?: number }[];
  return statuses.find((s) => s.name === container)?.restartCount;
}

/** Writes the history now and follows the clock; returns the function that stops it. */
export function repeatLog(cluster: TestCluster, spec: RepeatingLog): () => void {
  const first = cluster.store.peek(R.pods, spec.namespace, spec.pod) as Pod | undefined;
  if (first === undefined) throw new Error(`pod ${spec.namespace}/${spec.pod} does not exist`);
  const uid = first.metadata.uid;
  const restarts = restartCount(first, spec.container);
  const stepMs = spec.everySeconds * 1000;
  const logs = cluster.logs.container(spec.namespace, spec.pod, spec.container);
  let next = 0;

  const writeUntil = (nowMs: number): void => {
    const last = Math.floor((nowMs - spec.fromMs) / stepMs);
    if (last < next) return;
    for (let i = Math.max(next, last - spec.keepCycles + 1); i <= last; i++) {
      const atMs = spec.fromMs + i * stepMs;
      for (const line of spec.cycle(atMs, i)) logs.append(line, atMs);
    }
    next = last + 1;
  };

  writeUntil(cluster.clock.nowMs());
  const stop = cluster.clock.onAdvance((nowMs) => {
    const pod = cluster.store.peek(R.pods, spec.namespace, spec.pod) as Pod | undefined;
    if (pod === undefined || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp !== undefined || restartCount(pod, spec.container) !== restarts) {
      stop();
      return;
    }
    writeUntil(nowMs);
  });
  return stop;
}
