// A test cluster in a worker thread, for benches that measure a client's heap or time against a cluster too large
// to share a heap with: a real apiserver runs apart from its clients, and in one heap every page a client parses
// would make the collector mark the cluster's 700 MB again (that, not the client, would be the figure), while the
// client's retained heap would move with whatever the cluster cached or freed. Each thread has its own V8 heap,
// so `process.memoryUsage().heapUsed` on the main thread is the client's alone.
// The bench talks to the worker with small messages: the kubeconfig, moving the cluster's clock, open watches
// and the request log's counts.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { R } from '../test/cluster/resources';
import { startTestCluster, type ClusterUser, type TestCluster } from '../test/cluster/server';
import { heapAfterGc } from './heap';

/** What the worker tells once its cluster is up. */
export interface WorkerClusterInfo {
  url: string;
  caPem: string;
  adminToken: string;
  /** ms to build the cluster and its scenarios, until it serves them. */
  buildMs: number;
  /** The heap the cluster holds after garbage collection, above what its thread held before. */
  heapMb: number;
  /** The cluster clock when it came up (it stands still until advanced; `advance` answers the new time). */
  nowMs: number;
}

/** Counts by resource and verb, as `RequestLog.counts` gives them; plus the non-resource paths asked. */
export interface RequestCounts {
  resources: Record<string, Record<string, number>>;
  paths: Record<string, number>;
}

export interface WorkerCluster extends WorkerClusterInfo {
  kubeconfigFor(user: ClusterUser): Promise<string>;
  /** Moves the cluster's clock; the controllers and kubelets react before this answers. Returns the clock after. */
  advance(seconds: number): Promise<number>;
  openWatches(): Promise<number>;
  /** A point in the request log: `countsSince` counts what came after it. */
  mark(): Promise<number>;
  countsSince(mark: number): Promise<RequestCounts>;
  /** Pods in the store. */
  podCount(): Promise<number>;
  stop(): Promise<void>;
}

type Op = 'kubeconfigFor' | 'advance' | 'openWatches' | 'mark' | 'countsSince' | 'podCount';
interface Call {
  id: number;
  op: Op;
  arg?: unknown;
}
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** Starts a cluster with `scenarios` in a worker thread (a heap of up to `maxHeapMb`). */
export async function startClusterInWorker(scenarios: string[], maxHeapMb = 4096): Promise<WorkerCluster> {
  const worker = new Worker(__filename, { workerData: { clusterWorker: true, scenarios }, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let gone: Error | undefined;
  // Whenever the worker ends (asked to, out of memory, a throw), every call still waiting fails rather than hangs.
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      gone = new Error(`the cluster worker exited (${code})`);
      for (const waiting of pending.values()) waiting.reject(gone);
      pending.clear();
      resolve();
    });
  });
  const info = await new Promise<WorkerClusterInfo>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    void exited.then(() => reject(gone ?? new Error('the cluster worker exited before it was up')));
  });
  worker.on('message', (answer: Answer) => {
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if (answer.ok) waiting.resolve(answer.value);
    else waiting.reject(new Error(answer.message));
  });
  // An error ends the worker: 'exit' follows and fails what waits.
  worker.on('error', () => undefined);
  const call = <T>(op: Op, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(gone);
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, arg } satisfies Call);
    });
  return {
    ...info,
    kubeconfigFor: (user) => call('kubeconfigFor', user),
    advance: (seconds) => call('advance', seconds),
    openWatches: () => call('openWatches'),
    mark: () => call('mark'),
    countsSince: (mark) => call('countsSince', mark),
    podCount: () => call('podCount'),
    stop: async () => {
      if (gone) return;
      worker.postMessage('stop');
      // A cluster that does not stop within a minute is ended with its thread.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)));
      await Promise.race([exited, late]);
      clearTimeout(timer);
      if (!gone) await worker.terminate();
    },
  };
}

/** In the worker: build the cluster, say where it listens, answer calls until told to stop. */
async function serve(scenarios: string[]): Promise<void> {
  const baseline = heapAfterGc();
  const t0 = process.hrtime.bigint();
  const cluster: TestCluster = await startTestCluster({ scenarios });
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const port = parentPort;
  if (!port) return;
  port.on('message', (message: Call | 'stop') => {
    if (message === 'stop') {
      void cluster.stop().finally(() => port.close());
      return;
    }
    try {
      port.postMessage({ id: message.id, ok: true, value: answer(message) } satisfies Answer);
    } catch (err) {
      port.postMessage({ id: message.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies Answer);
    }
  });
  function answer(message: Call): unknown {
    switch (message.op) {
      case 'kubeconfigFor':
        return cluster.kubeconfigFor(message.arg as ClusterUser);
      case 'advance':
        cluster.advance(message.arg as number);
        return cluster.clock.nowMs();
      case 'openWatches':
        return cluster.openWatches();
      case 'mark':
        return cluster.requests.mark();
      case 'countsSince': {
        const since = message.arg as number;
        return { resources: cluster.requests.counts(since), paths: cluster.requests.paths(since) } satisfies RequestCounts;
      }
      case 'podCount':
        return cluster.store.list(R.pods).length;
    }
  }
  const info: WorkerClusterInfo = {
    url: cluster.url,
    caPem: cluster.pki.ca.certPem,
    adminToken: cluster.adminToken,
    buildMs,
    heapMb: (heapAfterGc() - baseline) / (1024 * 1024),
    nowMs: cluster.clock.nowMs(),
  };
  port.postMessage(info);
}

const data = workerData as { clusterWorker?: boolean; scenarios?: string[] } | null;
if (!isMainThread && data?.clusterWorker === true) void serve(data.scenarios ?? []);
