// What kube-apiserver tells about authentication besides its answers: audit events (when an
// audit log is set), the authentication counters of /metrics, and its own log lines about refused
// credentials. The request pipeline reports each request here; one instance per cluster, found
// from its store, so the handler and the scenarios reach the same one.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthnResult } from '../auth';
import type { Clock } from '../clock';
import { sentStatus } from '../http';
import type { PodLogs } from '../podLogs';
import type { Decision } from '../rbac';
import { requestInfo, type RequestInfo } from '../requestInfo';
import { unauthorized } from '../status';
import type { Store } from '../store';
import type { TokenIssuer } from '../tokenIssuer';
import { ApiserverLog } from './apiserverLog';
import { auditEvent, objectRefOf, responseStatusOf, sourceIPsOf, type AuditedRequest } from './auditEvents';
import { AuditLog, type AuditLogOptions } from './auditLog';
import { AuthMetrics } from './authMetrics';

/** The parts of a cluster the signals need; a ClusterCore and a TestCluster both have them. */
export interface ClusterParts {
  store: Store;
  clock: Clock;
  logs: PodLogs;
  issuer: TokenIssuer;
}

interface Admitted {
  request: AuditedRequest;
  decision: Decision;
}

export class ControlPlaneSignals {
  readonly metrics: AuthMetrics;
  readonly apiserverLog: ApiserverLog;
  private auditLog: AuditLog | undefined;
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();

  constructor(private readonly parts: ClusterParts) {
    this.metrics = new AuthMetrics(parts.issuer.counts);
    this.apiserverLog = new ApiserverLog(parts.store, parts.logs, parts.clock);
  }

  /** The audit log, once `enableAudit` has made one. */
  get audit(): AuditLog | undefined {
    return this.auditLog;
  }

  /** Start auditing every request (`--audit-log-path`); the log stays in memory until moved to a file. */
  enableAudit(opts: AuditLogOptions = {}): AuditLog {
    this.auditLog ??= new AuditLog(this.parts.clock, opts);
    return this.auditLog;
  }

  /** Credentials were refused: a 401 event with no user, the authentication.go line, the counter. */
  refused(req: IncomingMessage, url: URL, authn: Extract<AuthnResult, { ok: false }>): void {
    const now = this.parts.clock.nowMs();
    this.metrics.attempt(authn.error === undefined ? 'failure' : 'error');
    if (authn.error !== undefined) this.apiserverLog.unauthenticated(authn.error);
    if (this.auditLog === undefined) return;
    // The request is resolved before it is authenticated: a refused one still has its verb and object.
    const request = this.describe(req, url, requestInfo(req.method ?? 'GET', url), undefined, {});
    const status = unauthorized();
    this.auditLog.write(auditEvent(request, 'ResponseStarted', now, responseStatusOf(status.code, status.body)));
  }

  /** Credentials were accepted: the counters, and the RequestReceived event (its end comes with the answer). */
  authenticated(req: IncomingMessage, url: URL, info: RequestInfo, authn: Extract<AuthnResult, { ok: true }>, decision: Decision): void {
    this.metrics.attempt('success', authn.user.username);
    if (this.auditLog === undefined) return;
    const request = this.describe(req, url, info, authn.user, authn.annotations ?? {});
    this.admitted.set(req, { request, decision });
    this.auditLog.write(auditEvent(request, 'RequestReceived', request.requestReceivedMs));
  }

  /** Watch the answer to `req`, so an admitted request's ResponseComplete is written when it ends. */
  answering(req: IncomingMessage, answer: ServerResponse | Duplex): void {
    if (this.auditLog === undefined) return;
    let done = false;
    const complete = (): void => {
      if (done) return;
      done = true;
      const admitted = this.admitted.get(req);
      const log = this.auditLog;
      if (admitted === undefined || log === undefined) return;
      const status = sentStatus.get(answer);
      // An upgrade that was not refused switched protocols.
      const code = status?.code ?? ('statusCode' in answer ? answer.statusCode : 101);
      const authz = {
        'authorization.k8s.io/decision': admitted.decision.allowed ? 'allow' : 'forbid',
        'authorization.k8s.io/reason': admitted.decision.reason,
      };
      log.write(auditEvent(admitted.request, 'ResponseComplete', this.parts.clock.nowMs(), responseStatusOf(code, status), authz));
    };
    if ('statusCode' in answer) answer.once('finish', complete);
    answer.once('close', complete);
  }

  private describe(req: IncomingMessage, url: URL, info: RequestInfo, user: AuditedRequest['user'], annotations: Record<string, string>): AuditedRequest {
    const header = req.headers['audit-id'];
    const request: AuditedRequest = {
      auditID: typeof header === 'string' && header !== '' ? header : randomUUID(),
      requestURI: `${url.pathname}${url.search}`,
      verb: info.verb,
      sourceIPs: sourceIPsOf(req),
      requestReceivedMs: this.parts.clock.nowMs(),
      annotations,
    };
    if (user !== undefined) request.user = user;
    const agent = req.headers['user-agent'];
    if (agent !== undefined && agent !== '') request.userAgent = agent;
    const ref = objectRefOf(info);
    if (ref !== undefined) request.objectRef = ref;
    return request;
  }
}

const byStore = new WeakMap<Store, ControlPlaneSignals>();

/** The cluster's signals, made on first use. */
export function controlPlaneOf(parts: ClusterParts): ControlPlaneSignals {
  let signals = byStore.get(parts.store);
  if (signals === undefined) {
    signals = new ControlPlaneSignals(parts);
    byStore.set(parts.store, signals);
  }
  return signals;
}
