// A workload's own calls to the API: real HTTPS requests to the cluster with the token its process
// holds, every few seconds of cluster time, so the apiserver authenticates (and audits, and counts)
// them as it would a pod's. The pod's IP travels in X-Forwarded-For, which the apiserver puts first
// in an event's sourceIPs; here every connection comes from 127.0.0.1. Like a repeating log, the
// calls stop when the pod is replaced or its container restarts.

import { Agent, request } from 'node:https';
import { R } from '../resources';
import type { TestCluster } from '../server';
import type { Pod } from '../types';

export interface WorkloadCall {
  method: 'GET';
  path: string;
}

export interface WorkloadRequests {
  namespace: string;
  pod: string;
  container: string;
  userAgent: string;
  /** The bearer token of each call: the one the process held from its start, or a fresh read. */
  token(): string;
  calls: WorkloadCall[];
  everySeconds: number;
  /** The most rounds sent at once, after a long clock jump. */
  keepRounds: number;
}

export interface RunningWorkload {
  /** Resolves when every call sent so far has its answer. */
  settled(): Promise<void>;
  /** Answers so far, by HTTP status. */
  answers: Map<number, number>;
  stop(): void;
}

function restartCount(pod: Pod | undefined, container: string): number | undefined {
  const statuses = (pod?.status?.containerStatuses ?? []) as { name?: string; restartCount?: number }[];
  return statuses.find((s) => s.name === container)?.restartCount;
}

/** One round now, then one each `everySeconds` as the clock moves; returns the running workload. */
export function runWorkload(cluster: TestCluster, spec: WorkloadRequests): RunningWorkload {
  const first = cluster.store.peek(R.pods, spec.namespace, spec.pod) as Pod | undefined;
  if (first === undefined) throw new Error(`pod ${spec.namespace}/${spec.pod} does not exist`);
  const uid = first.metadata.uid;
  const restarts = restartCount(first, spec.container);
  const podIP = typeof first.status?.podIP === 'string' ? first.status.podIP : '';
  const agent = new Agent({ keepAlive: true, ca: cluster.pki.ca.certPem, maxSockets: 2 });
  const inflight = new Set<Promise<void>>();
  const answers = new Map<number, number>();
  const url = new URL(cluster.url);
  const stepMs = spec.everySeconds * 1000;
  const startMs = cluster.clock.nowMs();
  let sentRounds = 0;

  const call = (c: WorkloadCall): Promise<void> =>
    new Promise<void>((resolve) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${spec.token()}`, 'User-Agent': spec.userAgent, Accept: 'application/json' };
      if (podIP !== '') headers['X-Forwarded-For'] = podIP;
      const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, agent, headers }, (res) => {
        answers.set(res.statusCode ?? 0, (answers.get(res.statusCode ?? 0) ?? 0) + 1);
        res.resume();
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      // A cluster that is restarting or gone: the call fails, as the workload's would.
      req.on('error', () => resolve());
      req.end();
    });

  const round = (): void => {
    for (const c of spec.calls) {
      const p = call(c).finally(() => inflight.delete(p));
      inflight.add(p);
    }
  };

  const sendDue = (nowMs: number): void => {
    const due = Math.floor((nowMs - startMs) / stepMs) + 1;
    const rounds = Math.min(due - sentRounds, spec.keepRounds);
    for (let i = 0; i < rounds; i++) round();
    sentRounds = Math.max(sentRounds, due);
  };

  let stopped = false;
  const stopClock = cluster.clock.onAdvance((nowMs) => {
    const pod = cluster.store.peek(R.pods, spec.namespace, spec.pod) as Pod | undefined;
    if (pod === undefined || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp !== undefined || restartCount(pod, spec.container) !== restarts) {
      stop();
      return;
    }
    sendDue(nowMs);
  });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stopClock();
    // Sockets close once the calls under way have their answers.
    void Promise.all([...inflight]).then(() => agent.destroy());
  };
  sendDue(startMs);

  return {
    answers,
    settled: async () => {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    stop,
  };
}
