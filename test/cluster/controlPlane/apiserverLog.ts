// kube-apiserver's own log, in klog's format, as the log of its static pod `kube-system/
// kube-apiserver-<node>` (a cluster made by kubeadm has one per control-plane node). The test
// cluster writes there what the real one writes about refused credentials; with no such pod (no
// scenario made it) the lines go nowhere, as a managed control plane's logs are out of reach.

import type { Clock } from '../clock';
import type { PodLogs } from '../podLogs';
import { R } from '../resources';
import type { Store } from '../store';
import type { Pod } from '../types';

export const APISERVER_NAMESPACE = 'kube-system';
export const APISERVER_CONTAINER = 'kube-apiserver';
export const APISERVER_LABELS = { component: 'kube-apiserver', tier: 'control-plane' } as const;
/** The apiserver is its container's first process. */
const PID = 1;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `E1202 16:22:58.176191       1 authentication.go:73] "msg" key="value"`: klog's header, then a structured message. */
export function klogLine(severity: 'I' | 'W' | 'E', atMs: number, source: string, message: string, values: [string, string][] = []): string {
  const d = new Date(atMs);
  const header = `${severity}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`;
  const pairs = values.map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('');
  return `${header} ${String(PID).padStart(7)} ${source}] ${JSON.stringify(message)}${pairs}`;
}

/** The line for a request whose credentials were refused; `error` as the authenticators put it. */
export function unauthenticatedLine(atMs: number, error: string): string {
  return klogLine('E', atMs, 'authentication.go:73', 'Unable to authenticate the request', [['err', error]]);
}

/** The running kube-apiserver static pod, when the cluster has one. */
export function apiserverPod(store: Store): Pod | undefined {
  return (store.list(R.pods, APISERVER_NAMESPACE) as Pod[]).find(
    (p) => p.metadata.labels?.component === APISERVER_LABELS.component && p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Running',
  );
}

export class ApiserverLog {
  constructor(
    private readonly store: Store,
    private readonly logs: PodLogs,
    private readonly clock: Clock,
  ) {}

  /** A refused credential, logged as authentication.go logs it. */
  unauthenticated(error: string): void {
    const pod = apiserverPod(this.store);
    if (pod === undefined) return;
    const now = this.clock.nowMs();
    this.logs.container(APISERVER_NAMESPACE, pod.metadata.name, APISERVER_CONTAINER).append(unauthenticatedLine(now, error), now);
  }
}
