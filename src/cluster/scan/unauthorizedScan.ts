// Finds 401 symptoms in a scope of the cluster: the logs of every container of every pod (the
// previous instance too, with tailLines / sinceSeconds) and the events (reason and message), scanned
// with src/logs. Lines come back masked; a followed log is scanned as it streams.
import * as l10n from '@vscode/l10n';
import { Writable } from 'node:stream';
import { CoreV1Api, Log, type CoreV1Event, type V1Pod } from '@kubernetes/client-node';
import type { Subject, UnauthorizedEvent } from '../../history/types';
import { StreamScanner, scanText, type CompiledPatterns, type LogMatch } from '../../logs';
import type { EvidenceScope } from '../../diagnosis/evidence';
import type { ApiClients } from '../auth/apiClient';
import { configuredNamespaces, fallbackNote, forbiddenFallback } from '../inventory/namespaceReach';
import { timeOf } from '../../shared/values';

/** What a scan needs of a session. */
export interface ScanSession {
  readonly context: string;
  readonly api: ApiClients;
  /** `clusterCredentials.namespaces`: a context-wide look covers only these; empty or unset means all. */
  readonly namespaces?: readonly string[];
  /** The context's namespace: what a context-wide look falls back to when listing across the cluster is forbidden. */
  readonly contextNamespace?: string;
  /** The pods of a scope as the session's inventory holds them; without it they are listed. */
  readonly reach?: (scope: EvidenceScope) => ScopeReach;
}

/** Where a scope's pods were listed: the scope itself, or the namespaces a context-wide scope came down to. */
export interface ScopeReach {
  pods: V1Pod[];
  /** The scopes to list everything else (events, Secrets) in, so that it matches the pods. */
  scopes: EvidenceScope[];
  /** Sentences for the log: the fallback to the context's namespace, namespaces that could not be listed. */
  problems: string[];
}

export interface LogWindow {
  tailLines?: number;
  sinceSeconds?: number;
  /** Bytes read of each fetched container log (default 4 MiB); a followed log is not capped. */
  limitBytes?: number;
}

/** Enough for days of a chatty container, small enough that a scan of many pods stays in memory. */
export const DEFAULT_LOG_LIMIT_BYTES = 4 * 1024 * 1024;

export interface UnauthorizedScanOptions extends LogWindow {
  patterns: CompiledPatterns;
  /**
   * Lines that show a request with the pod's token was accepted (for telling 401 under concurrency
   * from a dead token); optional.
   */
  successPatterns?: CompiledPatterns;
  /** Characters kept of a reported line (default 2000). */
  maxLineLength?: number;
  /** Milliseconds since the epoch; the time given to lines that carry none. */
  nowMs?: () => number;
  signal?: AbortSignal;
  /** Called after each pod, for progress. */
  onPod?: (done: number, total: number, pod: string) => void;
}

export interface SuccessLine {
  atMs: number;
  subject: Subject;
  source: 'log';
  tokenFingerprint?: string;
}

export interface UnauthorizedScanResult {
  events: UnauthorizedEvent[];
  successes: SuccessLine[];
  /** How much was looked at. */
  scanned: { pods: number; logs: number; bytes: number; events: number };
  /** Pods whose logs were not read, with why: the scan never calls clean what it did not see. */
  unread: UnreadPod[];
  /** A sentence for each thing that could not be read (forbidden, container not started...). */
  problems: string[];
  cancelled: boolean;
}

export interface UnreadPod {
  /** `namespace/name`. */
  pod: string;
  /** Pending: not on a node yet (the API server answers its log with an empty 204); failed: every log read failed. */
  why: 'pending' | 'noLog' | 'failed';
}

export interface ContainerLog {
  container: string;
  previous: boolean;
  text: string;
}

/** `2026-11-22T03:40:01.123456789Z ` that `timestamps=true` puts before each line. */
const KUBELET_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z /;

function describe(api: ApiClients, err: unknown, about: string): string {
  return `${about}: ${api.classify(err).message}`;
}

function core(session: ScanSession): CoreV1Api {
  return session.api.makeApiClient(CoreV1Api);
}

/** The pods of a scope: every pod, a namespace's, one pod, or those running as a service account. */
export async function listScopePods(session: ScanSession, scope: EvidenceScope): Promise<V1Pod[]> {
  const api = core(session);
  switch (scope.kind) {
    case 'context':
      return (await api.listPodForAllNamespaces()).items;
    case 'namespace':
      return (await api.listNamespacedPod({ namespace: scope.namespace })).items;
    case 'pod':
      return [await api.readNamespacedPod({ namespace: scope.namespace, name: scope.name })];
    case 'serviceAccount':
      return (await api.listNamespacedPod({ namespace: scope.namespace, fieldSelector: `spec.serviceAccountName=${scope.name}` })).items;
  }
}

/**
 * The pods of a scope and where they were found: the inventory's when the session has one. Otherwise a
 * context-wide scope lists the configured namespaces one by one; without them it lists across the
 * cluster, and on 403 falls back to the context's namespace as the explorer does. Never throws: what
 * could not be listed is a problem, and no pods.
 */
export async function listScopeReach(session: ScanSession, scope: EvidenceScope): Promise<ScopeReach> {
  if (session.reach) return session.reach(scope);
  try {
    return await reachOf(session, scope);
  } catch (err) {
    return { pods: [], scopes: [scope], problems: [describe(session.api, err, 'listing pods')] };
  }
}

async function reachOf(session: ScanSession, scope: EvidenceScope): Promise<ScopeReach> {
  if (scope.kind !== 'context') return { pods: await listScopePods(session, scope), scopes: [scope], problems: [] };
  const fixed = configuredNamespaces(session.namespaces);
  if (fixed) return listNamespaces(session, fixed, []);
  try {
    return { pods: await listScopePods(session, scope), scopes: [scope], problems: [] };
  } catch (err) {
    const error = session.api.classify(err);
    const ns = forbiddenFallback(error, session.contextNamespace);
    if (ns === undefined) throw err;
    return listNamespaces(session, [ns], [fallbackNote('listing pods', error, ns)]);
  }
}

async function listNamespaces(session: ScanSession, namespaces: readonly string[], problems: string[]): Promise<ScopeReach> {
  const scopes: EvidenceScope[] = namespaces.map((namespace) => ({ kind: 'namespace', namespace }));
  const pods: V1Pod[] = [];
  for (const s of scopes) {
    try {
      pods.push(...(await listScopePods(session, s)));
    } catch (err) {
      problems.push(describe(session.api, err, `listing pods in namespace ${s.kind === 'namespace' ? s.namespace : ''}`));
    }
  }
  return { pods, scopes, problems };
}

/** Containers of a pod (init, regular, ephemeral) and whether each has a previous instance. */
export function podContainers(pod: V1Pod): { name: string; hasPrevious: boolean }[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const names = [
    ...(pod.spec?.initContainers ?? []).map((c) => c.name),
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
  return names.map((name) => {
    const s = statuses.find((x) => x.name === name);
    return { name, hasPrevious: (s?.restartCount ?? 0) > 0 || s?.lastState?.terminated !== undefined };
  });
}

/**
 * The logs of every container of a pod, and of the previous instance of those that restarted, with
 * timestamps. Containers that cannot be read come back as problems, not exceptions.
 */
export async function fetchPodLogs(
  session: ScanSession,
  pod: V1Pod,
  window: LogWindow,
  signal?: AbortSignal,
): Promise<{ logs: ContainerLog[]; problems: string[]; unread?: UnreadPod['why'] }> {
  // A pod no kubelet runs has no log: the server answers an empty 204, which is "nothing yet", not "no 401".
  if (pod.spec?.nodeName === undefined || pod.spec.nodeName === '') return { logs: [], problems: [], unread: 'pending' };
  // Bound to the signal, so that Cancel stops a log read in flight and not only the next one.
  const api = session.api.makeApiClient(CoreV1Api, signal ? { signal } : {});
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const limitBytes = window.limitBytes !== undefined && window.limitBytes > 0 ? Math.floor(window.limitBytes) : DEFAULT_LOG_LIMIT_BYTES;
  const logs: ContainerLog[] = [];
  const problems: string[] = [];
  for (const c of podContainers(pod)) {
    for (const previous of c.hasPrevious ? [true, false] : [false]) {
      if (signal?.aborted) return { logs, problems };
      const about = `logs of ${namespace}/${name} (${c.name}${previous ? ', previous' : ''})`;
      try {
        const read = await api.readNamespacedPodLog({
          namespace,
          name,
          container: c.name,
          previous,
          timestamps: true,
          limitBytes,
          ...(window.tailLines !== undefined && window.tailLines > 0 ? { tailLines: window.tailLines } : {}),
          ...(window.sinceSeconds !== undefined && window.sinceSeconds > 0 ? { sinceSeconds: window.sinceSeconds } : {}),
        });
        if (read === undefined || read === null) continue; // 204 No Content: this container has written nothing yet
        const text = typeof read === 'string' ? read : String(read);
        logs.push({ container: c.name, previous, text });
        if (Buffer.byteLength(text) >= limitBytes) {
          problems.push(
            `${about}: only the first ${describeBytes(limitBytes)} of the window were read; lower clusterCredentials.logs.tailLines or logs.sinceSeconds to scan the newest lines`,
          );
        }
      } catch (err) {
        // A cancelled scan is not a problem to report.
        if (signal?.aborted) return { logs, problems };
        // client-node cannot parse the empty 204 the server sends for a container with no log yet.
        if (isEmptyAnswer(err)) continue;
        problems.push(describe(session.api, err, about));
      }
    }
  }
  if (logs.length === 0) return { logs, problems, unread: problems.length > 0 ? 'failed' : 'noLog' };
  return { logs, problems };
}

/** client-node's error for a 2xx answer with no body and no Content-Type (kube-apiserver's 204 for a log not there yet). */
function isEmptyAnswer(err: unknown): boolean {
  return err instanceof Error && /No Content-Type defined/i.test(err.message);
}

/** "3 of 5 pods have no log yet (Pending)": what a scan could not read, in one sentence; undefined when it read every pod. */
export function describeUnread(unread: readonly UnreadPod[], total: number): string | undefined {
  if (unread.length === 0) return undefined;
  const count = (why: UnreadPod['why']): number => unread.filter((u) => u.why === why).length;
  const parts: string[] = [];
  const pending = count('pending');
  const noLog = count('noLog');
  const failed = count('failed');
  const of = (n: number): string => (total === 1 ? l10n.t('{0} of 1 pod', n) : l10n.t('{0} of {1} pods', n, total));
  if (pending > 0) {
    parts.push(
      pending === 1 ? l10n.t('{0} has no log yet: Pending, not on a node', of(pending)) : l10n.t('{0} have no log yet: Pending, not on a node', of(pending)),
    );
  }
  if (noLog > 0) parts.push(l10n.t('{0} wrote no log yet', of(noLog)));
  if (failed > 0) parts.push(l10n.t('the logs of {0} could not be read (see the log)', of(failed)));
  return parts.reduce((sentence, part) => l10n.t('{0}; {1}', sentence, part));
}

function describeBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** Events of a scope: a pod's, a service account's and its pods', a namespace's, or all. */
export async function listScopeEvents(session: ScanSession, scope: EvidenceScope, pods: readonly V1Pod[]): Promise<CoreV1Event[]> {
  const api = core(session);
  switch (scope.kind) {
    case 'context':
      return (await api.listEventForAllNamespaces()).items;
    case 'namespace':
      return (await api.listNamespacedEvent({ namespace: scope.namespace })).items;
    case 'pod':
      return (await api.listNamespacedEvent({ namespace: scope.namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${scope.name}` })).items;
    case 'serviceAccount': {
      const names = new Set(pods.map((p) => p.metadata?.name ?? ''));
      const all = (await api.listNamespacedEvent({ namespace: scope.namespace })).items;
      return all.filter((e) => {
        const o = e.involvedObject;
        return (o.kind === 'ServiceAccount' && o.name === scope.name) || (o.kind === 'Pod' && names.has(o.name ?? ''));
      });
    }
  }
}

/** 401 symptoms among events: `reason: message` scanned like a log line. */
export function scanEvents(context: string, events: readonly CoreV1Event[], patterns: CompiledPatterns, maxLineLength?: number): UnauthorizedEvent[] {
  const out: UnauthorizedEvent[] = [];
  for (const e of events) {
    const text = `${e.reason ?? ''}: ${e.message ?? ''}`.replace(/\r?\n/g, ' ');
    const match = scanText(text, patterns, maxLineLength !== undefined ? { maxLineLength } : undefined)[0];
    if (!match) continue;
    const o = e.involvedObject;
    const subject: Subject = { context };
    if (o.namespace ?? e.metadata.namespace) subject.namespace = o.namespace ?? e.metadata.namespace;
    if (o.kind === 'Pod' && o.name) {
      subject.pod = o.name;
      if (o.uid) subject.podUid = o.uid;
    }
    if (o.kind === 'ServiceAccount' && o.name) subject.serviceAccount = o.name;
    const at = timeOf(e.lastTimestamp) ?? timeOf(e.eventTime) ?? timeOf(e.firstTimestamp) ?? timeOf(e.metadata.creationTimestamp) ?? 0;
    const event: UnauthorizedEvent = { kind: 'unauthorized', at, subject, source: 'event', pattern: match.patternIds[0] ?? 'unknown', line: match.line };
    if (e.count !== undefined && e.count > 1) event.count = e.count;
    out.push(event);
  }
  return out;
}

export function podSubject(context: string, pod: V1Pod, container?: string): Subject {
  const s: Subject = { context, namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
  if (pod.metadata?.uid) s.podUid = pod.metadata.uid;
  if (pod.spec?.serviceAccountName) s.serviceAccount = pod.spec.serviceAccountName;
  if (container !== undefined) s.container = container;
  return s;
}

/** A log match as a 401 event: the kubelet's timestamp dropped from the line (it is the event's `at`, in ms). */
export function matchToEvent(match: LogMatch, subject: Subject, fallbackAtMs: number): UnauthorizedEvent {
  return {
    kind: 'unauthorized',
    at: match.timeMs ?? fallbackAtMs,
    subject: { ...subject },
    source: 'log',
    pattern: match.patternIds[0] ?? 'unknown',
    line: match.line.replace(KUBELET_STAMP, ''),
  };
}

function successOf(match: LogMatch, subject: Subject, fallbackAt: number): SuccessLine {
  const s: SuccessLine = { atMs: match.timeMs ?? fallbackAt, subject: { ...subject }, source: 'log' };
  const fp = /sha256:([0-9a-f]{8})/.exec(match.line)?.[1];
  if (fp !== undefined) s.tokenFingerprint = fp;
  return s;
}

/** Scans the logs and events of a scope for 401 symptoms. Never throws for what the cluster refuses. */
export async function scanUnauthorized(session: ScanSession, scope: EvidenceScope, opts: UnauthorizedScanOptions): Promise<UnauthorizedScanResult> {
  const now = opts.nowMs ?? Date.now;
  const result: UnauthorizedScanResult = {
    events: [],
    successes: [],
    scanned: { pods: 0, logs: 0, bytes: 0, events: 0 },
    unread: [],
    problems: [],
    cancelled: false,
  };
  const scanOpts = opts.maxLineLength !== undefined ? { maxLineLength: opts.maxLineLength } : undefined;
  const { pods, scopes, problems } = await listScopeReach(session, scope);
  result.problems.push(...problems);
  for (const [i, pod] of pods.entries()) {
    if (opts.signal?.aborted) {
      result.cancelled = true;
      return result;
    }
    const { logs, problems, unread } = await fetchPodLogs(session, pod, opts, opts.signal);
    result.problems.push(...problems);
    if (unread !== undefined && !opts.signal?.aborted) result.unread.push({ pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`, why: unread });
    const fetchedAt = now();
    for (const log of logs) {
      const subject = podSubject(session.context, pod, log.container);
      result.scanned.logs++;
      result.scanned.bytes += Buffer.byteLength(log.text);
      const matches = scanText(log.text, opts.patterns, scanOpts);
      for (const m of matches) result.events.push(matchToEvent(m, subject, fetchedAt));
      if (opts.successPatterns) {
        const bad = new Set(matches.map((m) => m.lineNumber));
        for (const m of scanText(log.text, opts.successPatterns, scanOpts)) if (!bad.has(m.lineNumber)) result.successes.push(successOf(m, subject, fetchedAt));
      }
    }
    result.scanned.pods++;
    opts.onPod?.(i + 1, pods.length, `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
  }
  if (opts.signal?.aborted) {
    result.cancelled = true;
    return result;
  }
  for (const s of scopes) {
    try {
      const events = await listScopeEvents(session, s, pods);
      result.scanned.events += events.length;
      result.events.push(...scanEvents(session.context, events, opts.patterns, opts.maxLineLength));
    } catch (err) {
      result.problems.push(
        describe(session.api, err, s.kind === 'namespace' && scope.kind === 'context' ? `listing events in namespace ${s.namespace}` : 'listing events'),
      );
    }
  }
  result.events.sort((a, b) => a.at - b.at);
  result.successes.sort((a, b) => a.atMs - b.atMs);
  return result;
}

export interface FollowTarget {
  namespace: string;
  pod: string;
  podUid?: string;
  serviceAccount?: string;
  container: string;
}

export interface LogFollow {
  /** Stops following; safe to call twice. */
  stop(): void;
  /** Settles when the stream ends (container stopped, stop() called) or fails. */
  readonly done: Promise<void>;
}

/**
 * Follows one container's log (client-node Log with follow) and reports each 401 line as it
 * arrives. Rejects when the stream cannot be opened.
 */
export async function followUnauthorized(
  session: ScanSession,
  target: FollowTarget,
  opts: Omit<UnauthorizedScanOptions, 'successPatterns' | 'onPod'>,
  onEvent: (event: UnauthorizedEvent) => void,
): Promise<LogFollow> {
  const now = opts.nowMs ?? Date.now;
  const subject: Subject = { context: session.context, namespace: target.namespace, pod: target.pod, container: target.container };
  if (target.podUid !== undefined) subject.podUid = target.podUid;
  if (target.serviceAccount !== undefined) subject.serviceAccount = target.serviceAccount;
  const scanner = new StreamScanner(opts.patterns, opts.maxLineLength !== undefined ? { maxLineLength: opts.maxLineLength } : undefined, (m) =>
    onEvent(matchToEvent(m, subject, now())),
  );
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    scanner.end();
    finish();
  };
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!ended) scanner.push(chunk);
      callback();
    },
    final(callback) {
      end();
      callback();
    },
  });
  sink.on('close', end);
  sink.on('error', end);
  // client-node pipes the response into the sink and leaves the source's errors unhandled: an abort
  // would otherwise surface as an uncaught AbortError.
  sink.on('pipe', (source: NodeJS.ReadableStream) => {
    source.on('error', end);
    source.on('end', end);
  });
  const kc = await session.api.kubeConfig();
  if (!kc.ok) throw new Error(kc.error.message);
  const controller = await new Log(kc.kc).log(target.namespace, target.pod, target.container, sink, {
    follow: true,
    timestamps: true,
    ...(opts.tailLines !== undefined && opts.tailLines > 0 ? { tailLines: opts.tailLines } : {}),
    ...(opts.sinceSeconds !== undefined && opts.sinceSeconds > 0 ? { sinceSeconds: opts.sinceSeconds } : {}),
  });
  const stop = (): void => {
    controller.abort();
    end();
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  return { stop, done };
}
