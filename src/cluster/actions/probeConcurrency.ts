// The concurrency probe: one token sent in many parallel requests, each answer counted. A token that
// works alone but gets 401 for a share of parallel requests is the Rancher 2.10.1 failure. The probe
// goes around ApiClients on purpose: their refresh-and-retry after a 401 would hide exactly what it looks for.
import * as l10n from '@vscode/l10n';
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fingerprint } from '../../token/fingerprint';
import type { ApiClients } from '../auth/apiClient';
import type { ActiveCredential, CredentialProvider } from '../auth/credentials';
import { classifyError } from '../errors';
import { kubeConfigWithCredential } from '../auth/transport';
import { type ActionResult, failed, refusal, succeeded } from './result';

/** Every authenticated user may read it, so any answer but 2xx says something about the token. */
export const DEFAULT_PROBE_PATH = '/version';
export const MAX_PROBE_REQUESTS = 1000;

export type ProbeCredential =
  /** The context's own credential as the provider hands it out now (token, or certificate). */
  | { kind: 'active' }
  /** A given bearer token (say, from a TokenRequest), sent with the cluster's CA and nothing else. */
  | { kind: 'token'; token: string };

export interface ProbeOptions {
  requests: number;
  credential: ProbeCredential;
  path?: string;
  signal?: AbortSignal;
  /** The proxy the session's other requests use (kubeconfig, environment or VS Code's), when any. */
  proxyUrl?: string;
  /** Each request's deadline; a request past it counts as a failure, not as cancelled. */
  timeoutMs?: number;
  /** Milliseconds with sub-millisecond precision; injectable. */
  nowMs?: () => number;
}

export interface ProbeOutcome {
  /** Fingerprint of the token sent; absent for a certificate. */
  fingerprint?: string;
  path: string;
  total: number;
  ok: number;
  unauthorized: number;
  other: number;
  /** Requests not answered because the probe was cancelled. */
  cancelled: number;
  /** How many answers had each status ("0" for a network failure). */
  statuses: Record<string, number>;
  /** One sentence per distinct failure that was not an HTTP answer. */
  failures: string[];
  p50Ms: number;
  p99Ms: number;
}

/** A probe through a session's clients takes their deadline and proxy: what its other requests meet on the way. */
export function probeTransportOf(api: Pick<ApiClients, 'requestTimeoutSeconds' | 'proxy'>): Pick<ProbeOptions, 'timeoutMs' | 'proxyUrl'> {
  return { timeoutMs: api.requestTimeoutSeconds * 1000, ...(api.proxy ? { proxyUrl: api.proxy.url } : {}) };
}

/** Nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export async function probeConcurrency(provider: CredentialProvider, opts: ProbeOptions): Promise<ActionResult<ProbeOutcome>> {
  const requests = Math.floor(opts.requests);
  if (!Number.isFinite(requests) || requests < 1 || requests > MAX_PROBE_REQUESTS) {
    return failed(
      refusal(
        'invalid',
        l10n.t('the probe sends between 1 and {0} requests, not {1}; change clusterCredentials.probe.requests', MAX_PROBE_REQUESTS, opts.requests),
      ),
    );
  }
  const server = provider.cluster?.server;
  if (!server)
    return failed(
      refusal('unreachable', l10n.t('the context "{0}" has no cluster server to probe; fix the kubeconfig or pick another context', provider.context)),
    );

  let kc: KubeConfig;
  let token: string | undefined;
  if (opts.credential.kind === 'token') {
    token = opts.credential.token.trim();
    kc = tokenOnlyKubeConfig(provider, server, token, opts.proxyUrl);
  } else {
    const current = await provider.get();
    if (!current.ok) return failed({ kind: 'unauthorized', message: current.message });
    const c: ActiveCredential = current.credential;
    token = c.token;
    kc = kubeConfigWithCredential(provider, server, c.token, c.clientCertificate, opts.proxyUrl);
  }

  const path = opts.path ?? DEFAULT_PROBE_PATH;
  const now = opts.nowMs ?? (() => performance.now());
  let template: RequestContext;
  try {
    template = new RequestContext(server + path, HttpMethod.GET);
    await kc.applySecurityAuthentication(template);
  } catch (err) {
    return failed(classifyError(err, { server, path }));
  }
  const dispatcher = template.getDispatcher();
  const headers = { ...template.getHeaders() };
  const http = new IsomorphicFetchHttpLibrary();

  const send = async (): Promise<{ status: number; ms: number; failure?: string } | 'cancelled'> => {
    if (opts.signal?.aborted) return 'cancelled';
    const req = new RequestContext(server + path, HttpMethod.GET);
    for (const [k, v] of Object.entries(headers)) req.setHeaderParam(k, v);
    req.setHeaderParam('Accept', 'application/json');
    if (dispatcher) req.setDispatcher(dispatcher);
    // The probe bypasses the session's client on purpose (no 401 retry), so it brings its own deadline.
    const signals = [opts.signal, opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined].filter(
      (x): x is AbortSignal => x !== undefined,
    );
    if (signals.length > 0) req.setSignal(AbortSignal.any(signals));
    const started = now();
    try {
      const res = await http.send(req).toPromise();
      await res.body.text().catch(() => undefined);
      return { status: res.httpStatusCode, ms: now() - started };
    } catch (err) {
      if (opts.signal?.aborted) return 'cancelled';
      return { status: 0, ms: now() - started, failure: classifyError(err, { server, path }).message };
    }
  };

  // All requests start before any answer is awaited: that is what makes them concurrent.
  const answers = await Promise.all(Array.from({ length: requests }, () => send()));
  await dispatcher?.close().catch(() => undefined);

  const out: ProbeOutcome = { path, total: requests, ok: 0, unauthorized: 0, other: 0, cancelled: 0, statuses: {}, failures: [], p50Ms: 0, p99Ms: 0 };
  if (token) out.fingerprint = fingerprint(token);
  const latencies: number[] = [];
  for (const a of answers) {
    if (a === 'cancelled') {
      out.cancelled++;
      continue;
    }
    latencies.push(a.ms);
    out.statuses[String(a.status)] = (out.statuses[String(a.status)] ?? 0) + 1;
    if (a.status >= 200 && a.status < 300) out.ok++;
    else if (a.status === 401) out.unauthorized++;
    else out.other++;
    if (a.failure && !out.failures.includes(a.failure)) out.failures.push(a.failure);
  }
  latencies.sort((x, y) => x - y);
  out.p50Ms = percentile(latencies, 50);
  out.p99Ms = percentile(latencies, 99);
  return succeeded(out);
}

/** The cluster's TLS settings with a bearer token and no client certificate, which would take precedence. */
function tokenOnlyKubeConfig(provider: CredentialProvider, server: string, token: string, proxyUrl: string | undefined): KubeConfig {
  const base = provider.cluster ?? { name: 'cluster', server, skipTLSVerify: false };
  const cluster = proxyUrl !== undefined ? { ...base, proxyUrl } : base;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'probe', token }],
    contexts: [{ name: 'probe', cluster: cluster.name, user: 'probe' }],
    currentContext: 'probe',
  });
  return kc;
}
