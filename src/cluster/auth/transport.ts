// The connection side of a credential: TLS (CA, client certificate, server name, proxy) and static headers,
// worked out by client-node itself from a KubeConfig that holds no secret it could go stale on.
import { HttpMethod, KubeConfig, RequestContext, type Cluster, type User } from '@kubernetes/client-node';
import { fingerprint } from '../../token/fingerprint';
import type { ClientCertificatePair, CredentialProvider } from './credentials';
import { type Impersonation, attachedImpersonation, impersonatingDispatcher, impersonationHeaders } from './impersonation';

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

export interface Transport {
  key: string;
  /** undici dispatcher with the TLS settings; undefined when the defaults will do. */
  dispatcher: Dispatcher;
  /** Basic auth and impersonation headers the kubeconfig asks for. */
  headers: Record<string, string>;
}

const RETIRED_POOL_GRACE_MS = 60_000;

/**
 * One connection pool per client certificate: the kubeconfig's own, or the latest one an exec plugin returned.
 * Built once and shared, so connections are reused across requests.
 */
export class TransportCache {
  private current: { key: string; ready: Promise<Transport> } | undefined;

  constructor(
    private readonly provider: CredentialProvider,
    private readonly server: string,
    private readonly proxyUrl?: string,
  ) {}

  get(cert: ClientCertificatePair | undefined): Promise<Transport> {
    const key = cert ? fingerprint(cert.certPem) : 'kubeconfig';
    // Concurrent first requests share one transport instead of each building (and replacing) their own.
    if (this.current?.key === key) return this.current.ready;
    const previous = this.current;
    const ready = this.build(key, cert);
    const entry = { key, ready };
    this.current = entry;
    // A failure (say, an unreadable CA file) is not kept: the next request tries again.
    ready.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    if (previous) {
      // A rotated client certificate needs new connections; requests already holding the old pool may still be
      // about to use it, so it is closed later rather than now.
      void previous.ready.then(
        (t) => setTimeout(() => void t.dispatcher?.close().catch(() => undefined), RETIRED_POOL_GRACE_MS).unref(),
        () => undefined,
      );
    }
    return ready;
  }

  async dispose(): Promise<void> {
    const entry = this.current;
    this.current = undefined;
    const transport = await entry?.ready.catch(() => undefined);
    await transport?.dispatcher?.close().catch(() => undefined);
  }

  private async build(key: string, cert: ClientCertificatePair | undefined): Promise<Transport> {
    const kc = kubeConfigWithCredential(this.provider, this.server, undefined, cert, this.proxyUrl);
    const probe = new RequestContext(this.server, HttpMethod.GET);
    await kc.applySecurityAuthentication(probe);
    return { key, dispatcher: probe.getDispatcher(), headers: { ...probe.getHeaders() } };
  }
}

/**
 * A one-context KubeConfig with the static parts of the provider's user and, optionally, a token and an exec
 * client certificate. No exec plugin or auth-provider is left in it for client-node to run or cache.
 * `proxyUrl` (the proxy chosen for this server) becomes the cluster's proxy-url, so Watch, Log and Exec use it too.
 */
export function kubeConfigWithCredential(
  provider: CredentialProvider,
  server: string,
  token: string | undefined,
  cert: ClientCertificatePair | undefined,
  proxyUrl?: string,
): KubeConfig {
  const u: User | undefined = provider.user;
  const user: Record<string, unknown> = { name: u?.name ?? 'user' };
  if (token) user.token = token;
  if (cert) {
    // client-node decodes certData/keyData as base64; exec plugins hand out PEM.
    user.certData = Buffer.from(cert.certPem).toString('base64');
    user.keyData = Buffer.from(cert.keyPem).toString('base64');
  } else if (u) {
    Object.assign(user, definedOnly({ certData: u.certData, certFile: u.certFile, keyData: u.keyData, keyFile: u.keyFile }));
  }
  // Impersonation is added by ImpersonatingKubeConfig, with every group and extra value client-node would drop.
  if (u) Object.assign(user, definedOnly({ username: u.username, password: u.password }));
  const base = provider.cluster ?? { name: 'cluster', server, skipTLSVerify: false };
  let cluster: Cluster = proxyUrl !== undefined ? { ...base, proxyUrl } : base;
  const imp = attachedImpersonation(u);
  if (imp && !cert && !hasTlsSettings(cluster, user)) {
    // client-node makes no dispatcher of its own for the system's trust and no client certificate; the name the
    // connection would verify anyway makes it build one, which then carries the impersonation headers.
    cluster = { ...cluster, tlsServerName: hostnameOf(server) };
  }
  const kc = imp ? new ImpersonatingKubeConfig(imp) : new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: provider.context, cluster: cluster.name, user: String(user.name), namespace: provider.namespace }],
    currentContext: provider.context,
  });
  return kc;
}

function definedOnly(rec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** A KubeConfig that sends kubectl's impersonation headers on fetch requests (through the dispatcher) and WebSockets. */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly impersonation: Impersonation) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const dispatcher = context.getDispatcher();
    if (dispatcher) context.setDispatcher(impersonatingDispatcher(dispatcher, this.impersonation));
  }

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    // Node writes an array value as one header line per value.
    opts.headers = { ...opts.headers, ...impersonationHeaders(this.impersonation) };
  }
}

function hasTlsSettings(cluster: Cluster, user: Record<string, unknown>): boolean {
  return Boolean(cluster.caData || cluster.caFile || cluster.skipTLSVerify || cluster.tlsServerName || cluster.proxyUrl || user.certData || user.certFile);
}

function hostnameOf(server: string): string {
  try {
    return new URL(server).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return server;
  }
}
