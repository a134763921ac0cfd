// How the rest of the extension talks to the cluster: client-node API clients, KubeConfigs for Watch/Exec/Log and
// raw requests, all carrying the provider's current credential and retrying once after a 401.
import * as l10n from '@vscode/l10n';
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  createConfiguration,
  wrapHttpLibrary,
  type ApiConstructor,
  type ApiType,
  type Configuration,
  type HttpLibrary,
  type ResponseBody,
} from '@kubernetes/client-node';
import type { ActiveCredential, CredentialProvider } from './credentials';
import {
  type ClusterError,
  type ErrorContext,
  CredentialUnavailableError,
  classifyError,
  classifyResponse,
  isUnauthorized,
  requestClosedError,
  requestDeadlineError,
} from '../errors';
import { retryAfterMs } from '../backoff';
import { type ProxyChoice, chooseProxy } from './proxy';
import { TransportCache, kubeConfigWithCredential } from './transport';

export interface UnauthorizedEvent {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Fingerprint of the rejected token, when it was a token. */
  fingerprint?: string;
  /** Whether a refreshed credential was sent once more. */
  retried: boolean;
  /** Whether that second attempt was accepted. */
  recovered: boolean;
  /** Why no fresh credential could be made, when that is the reason there was no retry. */
  refreshProblem?: string;
}

export interface ApiClientsOptions {
  userAgent?: string;
  /** Every 401 the cluster answered, for history and diagnosis. Never receives a token. */
  onUnauthorized?: (event: UnauthorizedEvent) => void;
  /**
   * `clusterCredentials.requestTimeoutSeconds`: how long one request may take, answer body included (default 30).
   * Watches and followed logs are exempt: they end by their own timeoutSeconds.
   */
  requestTimeoutSeconds?: number;
  /** VS Code's `http.proxy`: used when neither the kubeconfig's proxy-url nor HTTPS_PROXY/HTTP_PROXY names a proxy. */
  httpProxy?: string;
  /** VS Code's `http.noProxy` (NO_PROXY syntax): hosts `httpProxy` is not used for. */
  noProxy?: readonly string[];
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read; process.env when absent. */
  env?: NodeJS.ProcessEnv;
}

export interface ApiClientOptions {
  /** Cancels every request of this client (say, a scan's Cancel); the deadline still applies. */
  signal?: AbortSignal;
}

export type HttpMethodName = (typeof HttpMethod)[keyof typeof HttpMethod];

export interface RawRequestInit {
  method?: HttpMethodName;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** What the request is about, for a better error sentence. */
  about?: Omit<ErrorContext, 'server' | 'path'>;
}

export type RawResponse =
  { ok: true; status: number; headers: Record<string, string>; body: string } | { ok: false; error: ClusterError; status?: number; body?: string };

export type KubeConfigResult = { ok: true; kc: KubeConfig } | { ok: false; error: ClusterError };

const DEFAULT_USER_AGENT = 'cluster-credentials';
const DEFAULT_TIMEOUT_SECONDS = 30;
// setTimeout fires at once beyond 2^31-1 ms.
const MAX_TIMEOUT_SECONDS = 2_000_000;

export class ApiClients {
  readonly server: string;
  private readonly inner = new IsomorphicFetchHttpLibrary();
  private readonly httpApi: HttpLibrary;
  private readonly transports: TransportCache;
  private kubeConfigCache: { generation: number; kc: KubeConfig } | undefined;
  private readonly kubeConfigCredentials = new WeakMap<KubeConfig, ActiveCredential>();
  /** The proxy requests go through (kubeconfig proxy-url, environment or VS Code setting), if any. */
  readonly proxy: ProxyChoice | undefined;
  /** Seconds one request may take. */
  readonly requestTimeoutSeconds: number;
  private readonly inFlight = new Set<AbortController>();
  private disposed = false;

  constructor(
    readonly provider: CredentialProvider,
    private readonly options: ApiClientsOptions = {},
  ) {
    // Without a cluster every request stops at the provider with a sentence; the placeholder only keeps
    // client-node's URL building from throwing first.
    this.server = provider.cluster?.server ?? 'https://cluster-not-defined.invalid';
    const seconds = options.requestTimeoutSeconds;
    this.requestTimeoutSeconds =
      seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_TIMEOUT_SECONDS) : DEFAULT_TIMEOUT_SECONDS;
    this.proxy = chooseProxy(this.server, {
      kubeconfigProxyUrl: provider.cluster?.proxyUrl,
      env: options.env ?? process.env,
      settingProxy: options.httpProxy,
      settingNoProxy: options.noProxy,
    });
    this.httpApi = wrapHttpLibrary({ send: (request) => this.send(request) });
    this.transports = new TransportCache(provider, this.server, this.proxy?.url);
  }

  /** A client-node API client (CoreV1Api, AuthenticationV1Api, ...) whose every request goes through the provider. */
  makeApiClient<T extends ApiType>(api: ApiConstructor<T>, opts: ApiClientOptions = {}): T {
    return new api(this.configuration(opts));
  }

  configuration(opts: ApiClientOptions = {}): Configuration {
    const { signal } = opts;
    return createConfiguration({
      baseServer: new ServerConfiguration<Record<string, string>>(this.server, {}),
      httpApi: signal ? wrapHttpLibrary({ send: (request) => this.send(request, signal) }) : this.httpApi,
      authMethods: {},
      middleware: [],
    });
  }

  /** A KubeConfig holding the current credential, for client-node's Watch, Exec, Log and PortForward. */
  async kubeConfig(): Promise<KubeConfigResult> {
    const result = await this.provider.get();
    if (!result.ok) return { ok: false, error: this.classify(new CredentialUnavailableError(result.message)) };
    return { ok: true, kc: this.kubeConfigFor(result.credential) };
  }

  /**
   * After a Watch/Exec/Log made with `rejected` got 401: a KubeConfig with a refreshed credential, or undefined
   * when there is nothing new to try. Call it once per failure; never in a loop.
   */
  async kubeConfigAfterUnauthorized(rejected: KubeConfig): Promise<KubeConfigResult | undefined> {
    const used = this.kubeConfigCredentials.get(rejected);
    if (!used) return this.kubeConfig();
    const refresh = await this.provider.refreshAfterUnauthorized(used);
    if (!refresh.result.ok) return { ok: false, error: this.classify(new CredentialUnavailableError(refresh.result.message, 401)) };
    return refresh.retry ? { ok: true, kc: this.kubeConfigFor(refresh.result.credential) } : undefined;
  }

  /** Runs `fn` with a current KubeConfig; on a 401 refreshes once and runs it once more. */
  async withKubeConfig<T>(fn: (kc: KubeConfig) => Promise<T>): Promise<T> {
    const first = await this.kubeConfig();
    if (!first.ok) throw new CredentialUnavailableError(first.error.message);
    try {
      return await fn(first.kc);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      const next = await this.kubeConfigAfterUnauthorized(first.kc);
      if (!next) throw err;
      if (!next.ok) throw new CredentialUnavailableError(next.error.message, 401);
      return fn(next.kc);
    }
  }

  /** A request client-node has no method for (e.g. /openid/v1/jwks); errors come back as values. */
  async rawRequest(path: string, init: RawRequestInit = {}): Promise<RawResponse> {
    const about: ErrorContext = { ...init.about, path };
    let request: RequestContext;
    try {
      request = new RequestContext(this.server + path, init.method ?? HttpMethod.GET);
    } catch (err) {
      return { ok: false, error: this.classify(err, about) };
    }
    request.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(init.headers ?? {})) request.setHeaderParam(k, v);
    if (init.body !== undefined) request.setBody(init.body);
    if (init.signal) request.setSignal(init.signal);
    try {
      const response = await this.send(request);
      const body = await response.body.text();
      const status = response.httpStatusCode;
      if (status >= 200 && status < 300) return { ok: true, status, headers: response.headers, body };
      const error = classifyResponse(status, body, this.errorContext(about));
      const wait = status === 429 || status === 503 ? retryAfterMs(headerOf(response.headers, 'retry-after'), Date.now()) : undefined;
      if (wait !== undefined) error.retryAfterMs = wait;
      return { ok: false, status, body, error };
    } catch (err) {
      return { ok: false, error: this.classify(err, about) };
    }
  }

  /** classifyError with this cluster's server filled in, and its credential for the sentence of a 401. */
  classify(err: unknown, context: ErrorContext = {}): ClusterError {
    return classifyError(err, this.errorContext(context));
  }

  private errorContext(context: ErrorContext): ErrorContext {
    return { server: this.server, credential: () => this.provider.describe(), ...context };
  }

  /** Stops every request in flight, refuses new ones and closes pooled connections. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const controller of this.inFlight) controller.abort(requestClosedError(this.server));
    this.inFlight.clear();
    await this.transports.dispose();
  }

  /** `bound` is the signal of a client made with one; a RequestContext's own signal (rawRequest) comes first. */
  private async send(request: RequestContext, bound?: AbortSignal): Promise<ResponseContext> {
    const caller = request.getSignal() ?? bound;
    if (this.disposed) throw requestClosedError(this.server);
    const first = await this.credential();
    await this.apply(request, first);
    const response = await this.exchange(request, caller);
    if (response.httpStatusCode !== 401) return response;

    const refresh = await this.provider.refreshAfterUnauthorized(first);
    const event: UnauthorizedEvent = { method: request.getHttpMethod(), path: pathOf(request.getUrl()), retried: false, recovered: false };
    if (first.fingerprint) event.fingerprint = first.fingerprint;
    if (!refresh.result.ok) {
      this.emit({ ...event, refreshProblem: refresh.result.message });
      throw new CredentialUnavailableError(
        l10n.t('the cluster rejected your credential (401 Unauthorized) and no fresh one could be made: {0}', refresh.result.message),
        401,
      );
    }
    if (!refresh.retry) {
      this.emit(event);
      return response;
    }
    await this.apply(request, refresh.result.credential);
    const second = await this.exchange(request, caller);
    this.emit({ ...event, retried: true, recovered: second.httpStatusCode !== 401 });
    return second;
  }

  /**
   * One request and its whole answer under the deadline, the caller's signal and dispose(). The body is read here
   * because client-node reads it after send() returns, where no deadline would cover a server that stalls mid-body.
   */
  private async exchange(request: RequestContext, caller: AbortSignal | undefined): Promise<ResponseContext> {
    if (this.disposed) throw requestClosedError(this.server);
    caller?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(caller?.reason);
    caller?.addEventListener('abort', onAbort, { once: true });
    this.inFlight.add(controller);
    const timer = isLongRunning(request.getUrl())
      ? undefined
      : setTimeout(() => controller.abort(requestDeadlineError(this.server, this.requestTimeoutSeconds)), this.requestTimeoutSeconds * 1000);
    request.setSignal(controller.signal);
    try {
      const response = await this.inner.send(request).toPromise();
      const data = await readAll(response.body);
      return new ResponseContext(response.httpStatusCode, response.headers, bufferedBody(data));
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
    }
  }

  private async credential(): Promise<ActiveCredential> {
    const result = await this.provider.get();
    if (!result.ok) throw new CredentialUnavailableError(result.message);
    return result.credential;
  }

  private async apply(request: RequestContext, credential: ActiveCredential): Promise<void> {
    const transport = await this.transports.get(credential.clientCertificate);
    request.setHeaderParam('User-Agent', this.options.userAgent ?? DEFAULT_USER_AGENT);
    for (const [k, v] of Object.entries(transport.headers)) request.setHeaderParam(k, v);
    if (credential.token) request.setHeaderParam('Authorization', `Bearer ${credential.token}`);
    else if (!('Authorization' in transport.headers)) dropHeader(request, 'Authorization');
    if (transport.dispatcher) request.setDispatcher(transport.dispatcher);
  }

  private kubeConfigFor(credential: ActiveCredential): KubeConfig {
    if (this.kubeConfigCache?.generation === credential.generation) return this.kubeConfigCache.kc;
    const kc = kubeConfigWithCredential(this.provider, this.server, credential.token, credential.clientCertificate, this.proxy?.url);
    this.kubeConfigCache = { generation: credential.generation, kc };
    this.kubeConfigCredentials.set(kc, credential);
    return kc;
  }

  private emit(event: UnauthorizedEvent): void {
    try {
      this.options.onUnauthorized?.(event);
    } catch {
      // A listener's bug must not turn into a failed request.
    }
  }
}

export function createApiClients(provider: CredentialProvider, options?: ApiClientsOptions): ApiClients {
  return new ApiClients(provider, options);
}

/** A retry with a certificate-only credential must not resend the rejected token; getHeaders() is the live map. */
function dropHeader(request: RequestContext, name: string): void {
  const headers = request.getHeaders();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

/** A watch or a followed log answers for as long as it lasts: its end is set by timeoutSeconds, not our deadline. */
function isLongRunning(url: string): boolean {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return false;
  }
  // The API server reads these flags with Go's strconv.ParseBool.
  const on = (name: string): boolean => ['1', 't', 'true'].includes((query.get(name) ?? '').toLowerCase());
  return on('watch') || on('follow');
}

async function readAll(body: ResponseBody): Promise<Buffer> {
  const stream = body.stream();
  // fetch gives no stream for an answer without a body (204, 304).
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as fetch would hand it out: text decoded as UTF-8 (BOM dropped), bytes as they came. */
function bufferedBody(data: Buffer): ResponseBody {
  return {
    text: () => Promise.resolve(new TextDecoder().decode(data)),
    binary: () => Promise.resolve(data),
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(data));
          controller.close();
        },
      }),
  };
}

/** A response header by name, whatever its case. */
function headerOf(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
