// Audit lines for the control-plane tests, made from the recorded ones so their layout stays the
// apiserver's: same keys in the same order, six-digit microsecond timestamps.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot } from '../../support/fixtureTokens';

const DIR = join(fixturesRoot(), 'v1.28', 'control-plane');

export function recordedLines(file: string): string[] {
  return readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

type Json = Record<string, unknown>;

function recorded(file: string, index: number): Json {
  const line = recordedLines(file)[index];
  if (line === undefined) throw new Error(`${file} has no line ${index}`);
  return JSON.parse(line) as Json;
}

/** `2026-12-02T16:22:58.128529Z`: the apiserver's MicroTime, always six digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

export interface StaleLine {
  auditID: string;
  atMs: number;
  namespace: string;
  serviceAccount: string;
  pod: string;
  podUid: string;
  seconds: number;
  stage?: 'RequestReceived' | 'ResponseComplete';
  sourceIP?: string;
  userAgent?: string;
}

/** A stale-token event shaped like audit-stale-token.jsonl. */
export function staleLine(p: StaleLine): string {
  const e = recorded('audit-stale-token.jsonl', p.stage === 'ResponseComplete' ? 1 : 0);
  const subject = `system:serviceaccount:${p.namespace}:${p.serviceAccount}`;
  e.auditID = p.auditID;
  e.user = {
    username: subject,
    uid: 'u',
    groups: ['system:serviceaccounts', `system:serviceaccounts:${p.namespace}`, 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/pod-name': [p.pod], 'authentication.kubernetes.io/pod-uid': [p.podUid] },
  };
  e.sourceIPs = [p.sourceIP ?? '127.0.0.1'];
  e.userAgent = p.userAgent ?? 'curl/7.88.1';
  e.requestReceivedTimestamp = microTime(p.atMs);
  e.stageTimestamp = microTime(p.atMs + 1);
  e.annotations = { ...(e.annotations as Json), 'authentication.k8s.io/stale-token': `subject: ${subject}, seconds after warning threshold: ${p.seconds}` };
  return JSON.stringify(e);
}

/** A legacy-token event shaped like audit-legacy-token.jsonl. */
export function legacyLine(p: {
  auditID: string;
  atMs: number;
  subject: string;
  stage?: 'RequestReceived' | 'ResponseComplete';
  sourceIP?: string;
  userAgent?: string;
}): string {
  const e = recorded('audit-legacy-token.jsonl', p.stage === 'ResponseComplete' ? 1 : 0);
  e.auditID = p.auditID;
  if (p.sourceIP !== undefined) e.sourceIPs = [p.sourceIP];
  if (p.userAgent !== undefined) e.userAgent = p.userAgent;
  e.requestReceivedTimestamp = microTime(p.atMs);
  e.stageTimestamp = microTime(p.atMs + 1);
  e.annotations = { ...(e.annotations as Json), 'authentication.k8s.io/legacy-token': p.subject };
  return JSON.stringify(e);
}

/** A refused request shaped like audit-401-expired.jsonl. */
export function unauthorizedLine(p: { auditID: string; atMs: number; sourceIP: string; userAgent: string }): string {
  const e = recorded('audit-401-expired.jsonl', 0);
  e.auditID = p.auditID;
  e.sourceIPs = [p.sourceIP];
  e.userAgent = p.userAgent;
  e.requestReceivedTimestamp = microTime(p.atMs);
  e.stageTimestamp = microTime(p.atMs + 2);
  return JSON.stringify(e);
}

/** An ordinary event (neither stale, legacy nor refused), shaped like audit-ordinary.jsonl. */
export function ordinaryLine(p: { auditID: string; atMs: number; stage?: 'RequestReceived' | 'ResponseComplete' }): string {
  const e = recorded('audit-ordinary.jsonl', p.stage === 'ResponseComplete' ? 1 : 0);
  e.auditID = p.auditID;
  e.requestReceivedTimestamp = microTime(p.atMs);
  e.stageTimestamp = microTime(p.atMs + 1);
  return JSON.stringify(e);
}

/** An event as AKS's diagnostic setting `kube-audit` exports it: the event's text in `properties.log`. */
export function aksRecord(eventLine: string): string {
  const at = (JSON.parse(eventLine) as Json).requestReceivedTimestamp;
  return JSON.stringify({
    time: at,
    resourceId: '/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PAYMENTS',
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: eventLine, stream: 'stdout', pod: 'kube-apiserver-7d9c6b8f4-x2x7q' },
  });
}

/** An event as CloudWatch Logs' `filter-log-events` returns it (EKS): the event's text in `message`. */
export function cloudWatchRecord(eventLine: string): string {
  const at = Date.parse(String((JSON.parse(eventLine) as Json).requestReceivedTimestamp));
  return JSON.stringify({ logStreamName: 'kube-apiserver-audit-2f1c9e', timestamp: at, message: eventLine, ingestionTime: at + 900, eventId: `${at}0` });
}

/** A line of a CloudWatch Logs export to S3: the ingestion time, a space, the event. */
export function s3ExportLine(eventLine: string): string {
  const at = Date.parse(String((JSON.parse(eventLine) as Json).requestReceivedTimestamp));
  return `${new Date(at + 900).toISOString()} ${eventLine}`;
}

/** A GKE Cloud Audit Log entry of a Kubernetes request, as a log sink or `gcloud logging read` gives it. */
export function gkeEntry(p: {
  insertId: string;
  atMs: number;
  principal?: string;
  callerIp: string;
  userAgent: string;
  /** google.rpc.Code: 0 OK, 16 UNAUTHENTICATED. */
  rpcCode: number;
  labels?: Record<string, string>;
}): string {
  const payload: Json = {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    authenticationInfo: p.principal === undefined ? {} : { principalEmail: p.principal },
    methodName: 'io.k8s.core.v1.pods.list',
    requestMetadata: { callerIp: p.callerIp, callerSuppliedUserAgent: p.userAgent },
    resourceName: 'core/v1/namespaces/db/pods',
    serviceName: 'k8s.io',
    status: p.rpcCode === 0 ? {} : { code: p.rpcCode, message: 'UNAUTHENTICATED' },
  };
  return JSON.stringify({
    protoPayload: payload,
    insertId: p.insertId,
    resource: { type: 'k8s_cluster', labels: { cluster_name: 'analytics', location: 'europe-west1', project_id: 'acme-analytics' } },
    timestamp: new Date(p.atMs).toISOString(),
    severity: p.rpcCode === 0 ? 'INFO' : 'ERROR',
    labels: { 'authorization.k8s.io/decision': 'allow', ...(p.labels ?? {}) },
    logName: 'projects/acme-analytics/logs/cloudaudit.googleapis.com%2Fdata_access',
    operation: { id: `op-${p.insertId}`, producer: 'k8s.io', first: true, last: true },
    receiveTimestamp: new Date(p.atMs + 40).toISOString(),
  });
}
