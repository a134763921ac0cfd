// Turns any failure from client-node, fetch or our credential layer into one value the UI can render as a sentence.
import * as l10n from '@vscode/l10n';
import { redactExcerpt } from './redact';
import { unauthorizedSentence, type CredentialExpiry } from './unauthorizedSentence';

export type ClusterErrorKind = 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'server' | 'unknown';

export interface ClusterError {
  kind: ClusterErrorKind;
  /** HTTP status, when the cluster answered. */
  status?: number;
  /** One sentence with the next step; never holds a token. */
  message: string;
  server?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  /** The `reason` of the Kubernetes Status body (Forbidden, NotFound, Expired...), when there was one. */
  reason?: string;
  /** The network or TLS error code (ECONNREFUSED, CERT_HAS_EXPIRED...), when there was one. */
  code?: string;
  /** What the cluster or the network said in full (masked, capped): for the log, next to the sentence. */
  detail?: string;
  /** For `unauthorized`: the cluster refused the credential that was sent, or none could be made to send. */
  credentialProblem?: 'rejected' | 'unavailable';
  /** For a 429 or 503 that said `Retry-After`: how long the server asked to be left alone, in milliseconds. */
  retryAfterMs?: number;
}

/** What the caller knows about the request; fills the gaps a Status body leaves. */
export interface ErrorContext {
  server?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  path?: string;
  /** The credential that was sent, read only for a 401 so its sentence can name the expiry. */
  credential?: () => CredentialExpiry | undefined;
  /** Seconds since the epoch, for that sentence; the wall clock when absent. */
  nowSec?: number;
}

/**
 * Thrown by our HTTP layer when no credential can be produced (exec plugin failed or not trusted, token file
 * unreadable). Its message is already a user sentence without secrets.
 */
export class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';

  /** `status` is 401 when the cluster rejected the old credential before the new one could not be made. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Thrown by our HTTP layer when it stopped a request itself: its deadline passed, or its client was disposed
 * because the session ended. Its message is already a user sentence.
 */
export class RequestStoppedError extends Error {
  override readonly name = 'RequestStoppedError';

  constructor(
    readonly why: 'deadline' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

/** The request to `server` got no complete answer within `seconds`. */
export function requestDeadlineError(server: string, seconds: number): RequestStoppedError {
  return new RequestStoppedError(
    'deadline',
    l10n.t(
      'the API server at {0} did not answer within {1} s; check your network, VPN or proxy, or raise clusterCredentials.requestTimeoutSeconds',
      server,
      Math.round(seconds * 10) / 10,
    ),
  );
}

/** The request to `server` was stopped because its session ended (another context or kubeconfig was chosen). */
export function requestClosedError(server: string): RequestStoppedError {
  return new RequestStoppedError(
    'closed',
    l10n.t('the request to {0} was stopped because its connection was closed (the context or kubeconfig changed); try again', server),
  );
}

interface KubernetesStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; message?: string }[] };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

// What happened to the connection, in words, with `server` as the subject ("the API server at https://…"), the
// code, and the next step: one sentence per network error code.
const CLOSED = (server: string, code: string): string =>
  l10n.t('{0} closed the connection ({1}); it may be restarting; otherwise check your network, VPN or proxy', server, code);
const NETWORK: Record<string, (server: string, code: string) => string> = {
  ECONNREFUSED: (server, code) =>
    l10n.t('{0} refused the connection ({1}); check that the cluster is running and that the context points at the right server', server, code),
  ENOTFOUND: (server, code) => l10n.t('the host name of {0} does not resolve ({1}); check the server address, your VPN or DNS', server, code),
  EAI_AGAIN: (server, code) => l10n.t('the host name of {0} could not be resolved right now ({1}); check your network or VPN', server, code),
  ETIMEDOUT: (server, code) => l10n.t('{0} did not answer in time ({1}); check your network, VPN or proxy', server, code),
  UND_ERR_CONNECT_TIMEOUT: (server, code) => l10n.t('{0} did not accept the connection in time ({1}); check your network, VPN or proxy', server, code),
  UND_ERR_HEADERS_TIMEOUT: (server, code) => l10n.t('{0} accepted the connection but did not answer ({1}); try again later', server, code),
  EHOSTUNREACH: (server, code) => l10n.t('there is no route to {0} ({1}); check your network or VPN', server, code),
  ENETUNREACH: (server, code) => l10n.t('the network of {0} is unreachable ({1}); check your network or VPN', server, code),
  ECONNRESET: CLOSED,
  UND_ERR_SOCKET: CLOSED,
  EPIPE: CLOSED,
};

/** "the API server at https://…", or "the API server" when the server is not known. */
function apiServer(server: string | undefined): string {
  return server ? l10n.t('the API server at {0}', server) : l10n.t('the API server');
}

/** Classify anything a request can throw: ApiException, Watch errors, fetch/undici errors, our own credential errors. */
export function classifyError(err: unknown, context: ErrorContext = {}): ClusterError {
  if (err instanceof CredentialUnavailableError) {
    return finish({ kind: 'unauthorized', status: err.status, message: err.message, credentialProblem: 'unavailable' }, context);
  }
  const stopped = findStopped(err);
  if (stopped) return finish({ kind: 'unreachable', message: stopped.message }, context);
  const status = httpStatusOf(err);
  if (status !== undefined) {
    return classifyResponse(status, bodyOf(err), context);
  }
  const code = findErrorCode(err);
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    const detail = firstLine(findErrorMessage(err, code) ?? code);
    return finish(
      {
        kind: 'tls',
        code,
        message: context.server
          ? l10n.t("the TLS connection to {0} failed ({1}: {2}); check the context's certificate-authority data and server name", context.server, code, detail)
          : l10n.t("the TLS connection to the cluster failed ({0}: {1}); check the context's certificate-authority data and server name", code, detail),
      },
      context,
    );
  }
  const network = code !== undefined && Object.hasOwn(NETWORK, code) ? NETWORK[code] : undefined;
  if (code !== undefined && network) {
    return finish({ kind: 'unreachable', code, message: network(apiServer(context.server), code) }, context);
  }
  if (isAbort(err)) {
    return finish(
      { kind: 'unreachable', message: l10n.t('the request timed out or was cancelled before {0} answered; try again', apiServer(context.server)) },
      context,
    );
  }
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : l10n.t('an unexpected error');
  return finish(
    {
      kind: 'unknown',
      code,
      message: code
        ? l10n.t("the request failed: {0} ({1}); try again, and check the context's server address if it keeps failing", firstLine(text), code)
        : l10n.t("the request failed: {0}; try again, and check the context's server address if it keeps failing", firstLine(text)),
      detail: text,
    },
    context,
  );
}

/** Classify an HTTP answer that is not 2xx from its status and body (a Status object, its JSON text, or nothing). */
export function classifyResponse(status: number, body: unknown, context: ErrorContext = {}): ClusterError {
  const st = parseStatus(body);
  const reason = st?.reason;
  const message = st?.message ? firstLine(st.message) : undefined;
  const base = { status, reason };
  if (status === 401) {
    return finish(
      {
        ...base,
        kind: 'unauthorized',
        credentialProblem: 'rejected',
        message: unauthorizedSentence(context.credential?.(), context.nowSec ?? Math.floor(Date.now() / 1000)),
      },
      context,
    );
  }
  if (status === 403) return finish({ ...base, ...forbidden(message, context) }, context);
  if (status === 404) return finish({ ...base, ...notFound(st, context) }, context);
  if (status === 409) {
    const what = message ?? l10n.t('the object changed on the cluster');
    return finish({ ...base, kind: 'conflict', message: l10n.t('{0} (409 Conflict); reload and try again', what) }, context);
  }
  if (status === 410) {
    const what = message ?? l10n.t('the data you asked for is no longer available');
    return finish({ ...base, kind: 'conflict', message: l10n.t('{0} (410 Gone); list again from the start', what) }, context);
  }
  if (status === 429) {
    return finish(
      { ...base, kind: 'server', message: l10n.t('the cluster is throttling requests (429 Too Many Requests); wait a moment and try again') },
      context,
    );
  }
  if (status === 400 || status === 406 || status === 415 || status === 422) {
    const cause = st?.details?.causes?.[0];
    const detail = cause?.field && cause.message ? `${cause.field}: ${cause.message}` : (message ?? `HTTP ${status}`);
    return finish({ ...base, kind: 'invalid', message: l10n.t('the cluster rejected the request as invalid ({0}): {1}', status, detail) }, context);
  }
  if (status >= 500) {
    return finish(
      { ...base, kind: 'server', message: l10n.t('the cluster failed to answer ({0}): {1}; try again later', status, message ?? l10n.t('no details')) },
      context,
    );
  }
  return finish({ ...base, kind: 'unknown', message: l10n.t('the cluster answered {0}: {1}', status, message ?? l10n.t('no details')) }, context);
}

/** True when the error is a 401 from the cluster (ApiException, Watch error or our raw request). */
export function isUnauthorized(err: unknown): boolean {
  return httpStatusOf(err) === 401;
}

const FORBIDDEN_RESOURCE = /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)"| at the cluster scope)?/;
const FORBIDDEN_PATH = /User "([^"]*)" cannot (\S+) path "([^"]+)"/;

function forbidden(message: string | undefined, context: ErrorContext): Omit<ClusterError, 'status' | 'reason'> {
  const res = message ? FORBIDDEN_RESOURCE.exec(message) : null;
  if (res) {
    const [, user, verb, resource, group, namespace] = res;
    const what = group ? `${resource}.${group}` : resource;
    const action = namespace
      ? youCannot(verb, what, namespace)
      : message?.includes('at the cluster scope')
        ? l10n.t('you cannot {0} {1} across the cluster', verb, what)
        : youCannot(verb, what);
    return {
      kind: 'forbidden',
      verb,
      resource: what,
      namespace,
      message: l10n.t('{0} (403): {1} lacks the {2} verb on {3}; {4}', action, who(user), verb, what, forbiddenNextStep(user)),
    };
  }
  const path = message ? FORBIDDEN_PATH.exec(message) : null;
  if (path) {
    const [, user, verb, target] = path;
    return {
      kind: 'forbidden',
      verb,
      resource: target,
      message: l10n.t('{0} (403): {1} lacks the {2} verb on that path; {3}', youCannot(verb, target), who(user), verb, forbiddenNextStep(user)),
    };
  }
  const action = context.verb && context.resource ? youCannot(context.verb, context.resource, context.namespace) : l10n.t('the cluster refused the request');
  return { kind: 'forbidden', message: l10n.t('{0} (403): {1}', action, message ?? 'Forbidden') };
}

/** "you cannot list pods in namespace x": the verb and the resource as the API names them. */
function youCannot(verb: string, resource: string, namespace?: string): string {
  return namespace ? l10n.t('you cannot {0} {1} in namespace {2}', verb, resource, namespace) : l10n.t('you cannot {0} {1}', verb, resource);
}

function who(user: string): string {
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(user);
  if (sa) return l10n.t('service account {0}/{1}', sa[1], sa[2]);
  return l10n.t('user {0}', user);
}

function forbiddenNextStep(user: string): string {
  if (user === 'system:anonymous') {
    return l10n.t('the cluster did not recognise any credential, so check the user of this context');
  }
  return l10n.t('ask a cluster admin for a Role or ClusterRole that grants it');
}

function notFound(st: KubernetesStatus | undefined, context: ErrorContext): Omit<ClusterError, 'status' | 'reason'> {
  const kind = st?.details?.kind ?? context.resource;
  const name = st?.details?.name ?? context.name;
  if (kind && name) {
    const message = context.namespace
      ? l10n.t('{0} {1} was not found in namespace {2} (404); it may have been deleted, so refresh the view', kind, name, context.namespace)
      : l10n.t('{0} {1} was not found (404); it may have been deleted, so refresh the view', kind, name);
    return { kind: 'notFound', resource: kind, message };
  }
  const target = context.path ?? context.resource ?? l10n.t('the requested resource');
  return { kind: 'notFound', message: l10n.t('the cluster does not serve {0} (404); it may run a Kubernetes version without this API', target) };
}

/** A ClusterError built by hand, made safe the same way: secrets masked, the request's context filled in. */
export function clusterError(partial: ClusterError, context: ErrorContext = {}): ClusterError {
  return finish(partial, context);
}

/**
 * An answer body as a log detail: its content type, its length and a masked excerpt, never the body itself,
 * which can hold a token, a Secret or a key. `contentType` is the answer's header, when the caller has it.
 */
export function answerDetail(body: unknown, contentType?: string): string {
  let text: string;
  try {
    text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : (JSON.stringify(body) ?? String(body));
  } catch {
    text = String(body);
  }
  const type = contentType ?? (typeof body === 'string' || Buffer.isBuffer(body) ? lookOf(text) : 'JSON');
  return `${type} body, ${text.length} characters: ${redactExcerpt(text, MAX_EXCERPT)}`;
}

/** What a body without a content type looks like, for the log. */
function lookOf(text: string): string {
  const start = text.trimStart()[0];
  return start === '{' || start === '[' ? 'JSON' : start === '<' ? 'HTML' : 'text';
}

const MAX_EXCERPT = 1000;
// Details and messages are capped before they are masked, so masking stays cheap on a huge answer.
const MAX_DETAIL = 2000;
const MAX_MESSAGE = 2000;

function finish(partial: ClusterError, context: ErrorContext): ClusterError {
  const out: ClusterError = { ...partial, message: redactExcerpt(partial.message, MAX_MESSAGE) };
  if (partial.detail !== undefined) out.detail = redactExcerpt(partial.detail, MAX_DETAIL);
  if (context.server && out.server === undefined) out.server = context.server;
  if (context.verb && out.verb === undefined) out.verb = context.verb;
  if (context.resource && out.resource === undefined) out.resource = context.resource;
  if (context.namespace && out.namespace === undefined) out.namespace = context.namespace;
  for (const key of Object.keys(out) as (keyof ClusterError)[]) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

function parseStatus(body: unknown): KubernetesStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim() } : undefined;
    }
  }
  if (Buffer.isBuffer(value)) return parseStatus(value.toString('utf8'));
  if (typeof value !== 'object' || value === null) return undefined;
  const rec = value as Record<string, unknown>;
  const details = typeof rec.details === 'object' && rec.details !== null ? (rec.details as KubernetesStatus['details']) : undefined;
  return {
    message: typeof rec.message === 'string' ? rec.message : undefined,
    reason: typeof rec.reason === 'string' ? rec.reason : undefined,
    code: typeof rec.code === 'number' ? rec.code : undefined,
    details,
  };
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const rec = err as Record<string, unknown>;
  // client-node's ApiException carries `code` (number) and `body`; Watch errors carry `statusCode`.
  if (typeof rec.code === 'number' && 'body' in rec) return rec.code;
  if (typeof rec.statusCode === 'number') return rec.statusCode;
  return undefined;
}

function bodyOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'body' in err ? err.body : undefined;
}

/** Walks `cause` chains and AggregateError lists (happy-eyeballs connects) for a string `code`. */
function findErrorCode(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof err !== 'object' || err === null) return undefined;
  const rec = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof rec.code === 'string' && rec.code !== 'UND_ERR' && rec.code !== 'ERR_INVALID_STATE') return rec.code;
  const fromCause = findErrorCode(rec.cause, depth + 1);
  if (fromCause) return fromCause;
  if (Array.isArray(rec.errors)) {
    for (const inner of rec.errors) {
      const found = findErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function findErrorMessage(err: unknown, code: string, depth = 0): string | undefined {
  if (depth > 6 || typeof err !== 'object' || err === null) return undefined;
  const rec = err as { code?: unknown; cause?: unknown; message?: unknown };
  if (rec.code === code && typeof rec.message === 'string') return rec.message;
  return findErrorMessage(rec.cause, code, depth + 1);
}

/** fetch rejects with the abort reason itself, but a wrapper may hang it under `cause`. */
function findStopped(err: unknown, depth = 0): RequestStoppedError | undefined {
  if (err instanceof RequestStoppedError) return err;
  if (depth > 6 || typeof err !== 'object' || err === null) return undefined;
  return findStopped((err as { cause?: unknown }).cause, depth + 1);
}

function isAbort(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { name?: unknown }).name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
