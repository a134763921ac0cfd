// Audit events (audit.k8s.io/v1, level Metadata) laid out as kube-apiserver's JSON writes them:
// the same keys in the same order, microsecond timestamps, Go's sorted map keys, empty fields left
// out. Checked against ../../fixtures/k8s/v1.28/control-plane by the conformance test.

import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../requestInfo';
import type { StatusBody } from '../status';
import type { UserInfo } from '../types';

export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete';

/** What every stage of one request's events shares. */
export interface AuditedRequest {
  auditID: string;
  requestURI: string;
  verb: string;
  /** Undefined for a request whose credentials were refused: its events carry `"user":{}`. */
  user?: UserInfo;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: Record<string, string>;
  requestReceivedMs: number;
  /** Authentication's annotations (stale or legacy token), on every stage. */
  annotations: Record<string, string>;
}

/** `2026-12-02T16:22:58.128000Z`: metav1.MicroTime, always six fractional digits (the clock counts milliseconds). */
export function microTime(ms: number): string {
  return `${new Date(Math.floor(ms)).toISOString().slice(0, 23)}000Z`;
}

/** Go's encoding of a map: keys sorted. */
function sortedMap<T>(m: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(m).sort()) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function userJson(user: UserInfo | undefined): Record<string, unknown> {
  if (user === undefined) return {};
  const out: Record<string, unknown> = { username: user.username };
  if (user.uid !== undefined && user.uid !== '') out.uid = user.uid;
  if (user.groups.length > 0) out.groups = user.groups;
  if (user.extra !== undefined && Object.keys(user.extra).length > 0) out.extra = sortedMap(user.extra);
  return out;
}

/** The objectRef the apiserver records for a resource request; none for a path such as /metrics. */
export function objectRefOf(info: RequestInfo): Record<string, string> | undefined {
  if (info.kind !== 'resource') return undefined;
  const ref: Record<string, string> = { resource: info.resource };
  if (info.namespace !== undefined) ref.namespace = info.namespace;
  if (info.name !== undefined) ref.name = info.name;
  if (info.group !== '') ref.apiGroup = info.group;
  ref.apiVersion = info.version;
  if (info.subresource !== undefined) ref.subresource = info.subresource;
  return ref;
}

/** The responseStatus of an event: a Status answer without its kind and apiVersion, or just the code. */
export function responseStatusOf(code: number, status: StatusBody | undefined): Record<string, unknown> {
  if (status === undefined) return { metadata: {}, code };
  const out: Record<string, unknown> = { metadata: {} };
  if (status.status !== undefined) out.status = status.status;
  if (status.message !== undefined) out.message = status.message;
  if (status.reason !== undefined) out.reason = status.reason;
  if (status.details !== undefined) out.details = status.details;
  out.code = status.code;
  return out;
}

/** One event of a request, at one stage. */
export function auditEvent(
  r: AuditedRequest,
  stage: AuditStage,
  stageMs: number,
  response?: Record<string, unknown>,
  stageAnnotations: Record<string, string> = {},
): Record<string, unknown> {
  const e: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: r.auditID,
    stage,
    requestURI: r.requestURI,
    verb: r.verb,
    user: userJson(r.user),
    sourceIPs: r.sourceIPs,
  };
  if (r.userAgent !== undefined && r.userAgent !== '') e.userAgent = r.userAgent;
  if (r.objectRef !== undefined) e.objectRef = r.objectRef;
  if (response !== undefined) e.responseStatus = response;
  e.requestReceivedTimestamp = microTime(r.requestReceivedMs);
  e.stageTimestamp = microTime(Math.max(stageMs, r.requestReceivedMs));
  const annotations = { ...r.annotations, ...stageAnnotations };
  if (Object.keys(annotations).length > 0) e.annotations = sortedMap(annotations);
  return e;
}

/** The address Go's net/http gives: IPv4 clients of a dual-stack socket without their ::ffff: prefix. */
function plainIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * utilnet.SourceIPs: the X-Forwarded-For chain, then X-Real-Ip, then the connection's own address
 * unless it already ends the chain.
 */
export function sourceIPsOf(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const forwarded = req.headers['x-forwarded-for'];
  const chain = Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '');
  for (const part of chain.split(',')) {
    const ip = part.trim();
    if (ip !== '') ips.push(plainIp(ip));
  }
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim() !== '' && !ips.includes(plainIp(real.trim()))) ips.push(plainIp(real.trim()));
  const remote = req.socket.remoteAddress;
  if (remote !== undefined && ips[ips.length - 1] !== plainIp(remote)) ips.push(plainIp(remote));
  return ips;
}
