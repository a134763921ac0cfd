// Audit events as managed control planes hand them out. kube-apiserver writes one audit.k8s.io/v1
// Event per line; EKS, AKS and GKE keep the same events in their log services, and what users
// export from there wraps each one:
// - EKS (CloudWatch Logs): the event is the record's `message` string (`filter-log-events`
//   records, or a line of an S3 export, which puts the time in front: `2026-12-02T16:22:58.128Z {…}`);
// - AKS (diagnostic setting `kube-audit`): the event is the record's `properties.log` string;
// - GKE (Cloud Audit Logs): the event is rewritten into a LogEntry whose `protoPayload` is an
//   AuditLog (`serviceName` "k8s.io"); its audit annotations are the entry's `labels`.
// unwrapAuditRecord turns each of these back into the Event record the native parser reads.

import { isRecord } from '../shared/values';

type JsonRecord = Record<string, unknown>;

export function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** What a line of an export holds: an Event record, or why it is none. */
export type Unwrapped = { kind: 'event'; record: JsonRecord } | { kind: 'malformed'; reason: string };

/** An S3 export of a CloudWatch log group starts each line with the ingestion time and a space. */
const TIME_PREFIX = /^\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d) (?=\{)/;

/** The line without a leading `<RFC 3339 time> ` an export put in front of the JSON. */
export function withoutTimePrefix(line: string): string {
  if (line.startsWith('{')) return line;
  const m = TIME_PREFIX.exec(line);
  return m === null ? line : line.slice(m[0].length);
}

function parseInner(text: string, where: string): Unwrapped {
  let inner: unknown;
  try {
    inner = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: `${where} is not JSON` };
  }
  return isRecord(inner) && inner.kind === 'Event' ? { kind: 'event', record: inner } : { kind: 'malformed', reason: `${where} is not an audit Event` };
}

/** google.rpc.Code values that stand for the HTTP statuses the findings read. */
const RPC_TO_HTTP: Readonly<Record<number, number>> = { 0: 200, 7: 403, 16: 401 };

/** The HTTP status of a Cloud Audit Log entry's `status`: an rpc code, or (seen too) the HTTP one. */
function httpStatusOf(status: unknown): number {
  if (!isRecord(status) || typeof status.code !== 'number') return 200;
  return RPC_TO_HTTP[status.code] ?? status.code;
}

/** `io.k8s.core.v1.pods.list` → `list`. */
function verbOf(methodName: string | undefined): string {
  if (methodName === undefined) return '';
  const dot = methodName.lastIndexOf('.');
  return dot === -1 ? methodName : methodName.slice(dot + 1);
}

/**
 * A GKE Cloud Audit Log entry read as the Event kube-apiserver wrote before GKE rewrote it. What
 * GKE does not carry (user.extra, so the pod a token is bound to) stays absent; the caller's
 * address does, so refused callers are still tied to pods by IP.
 */
function fromCloudAuditLog(entry: JsonRecord, payload: JsonRecord): Unwrapped {
  const time = stringOf(entry.timestamp);
  const operation = isRecord(entry.operation) ? entry.operation : {};
  const auditID = stringOf(operation.id) ?? stringOf(entry.insertId);
  if (time === undefined || auditID === undefined) return { kind: 'malformed', reason: 'a Cloud Audit Log entry without timestamp or insertId' };
  const meta = isRecord(payload.requestMetadata) ? payload.requestMetadata : {};
  const auth = isRecord(payload.authenticationInfo) ? payload.authenticationInfo : {};
  const principal = stringOf(auth.principalEmail);
  const callerIp = stringOf(meta.callerIp);
  const record: JsonRecord = {
    kind: 'Event',
    auditID,
    stage: 'ResponseComplete',
    verb: verbOf(stringOf(payload.methodName)),
    requestURI: stringOf(payload.resourceName) ?? '',
    user: principal === undefined ? {} : { username: principal },
    sourceIPs: callerIp === undefined ? [] : [callerIp],
    responseStatus: { code: httpStatusOf(payload.status) },
    requestReceivedTimestamp: time,
    stageTimestamp: stringOf(entry.receiveTimestamp) ?? time,
  };
  const userAgent = stringOf(meta.callerSuppliedUserAgent);
  if (userAgent !== undefined) record.userAgent = userAgent;
  if (isRecord(entry.labels)) record.annotations = entry.labels;
  return { kind: 'event', record };
}

/** An Event record from whichever export the parsed line came from. */
export function unwrapAuditRecord(value: JsonRecord): Unwrapped {
  if (value.kind === 'Event') return { kind: 'event', record: value };
  const properties = value.properties;
  if (isRecord(properties) && properties.log !== undefined) {
    const log = properties.log;
    if (typeof log === 'string') return parseInner(log, 'properties.log');
    return isRecord(log) && log.kind === 'Event' ? { kind: 'event', record: log } : { kind: 'malformed', reason: 'properties.log is not an audit Event' };
  }
  const message = value.message;
  if (typeof message === 'string' && message.startsWith('{')) return parseInner(message, 'message');
  const payload = value.protoPayload;
  if (isRecord(payload) && payload.serviceName === 'k8s.io') return fromCloudAuditLog(value, payload);
  return { kind: 'malformed', reason: 'not an audit Event' };
}
