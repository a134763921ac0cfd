// The credential of one kubeconfig context, handed out fresh: token files are re-read when they change, exec
// plugins re-run when their answer expires or is rejected. Our own client must not go stale the way the
// workloads we diagnose do. An exec plugin whose run failed or was cancelled is not run again by itself
// ("login needed") until the user signs in or reloads: a login that opens a browser must not loop.
import * as l10n from '@vscode/l10n';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import { decodeToken } from '../../token/jwt';
import { fingerprint } from '../../token/fingerprint';
import { type CredentialDescription, type CredentialKind, type ExecSpec, credentialKindOf, describeCredential, execSpecOf } from './credentialDescription';
import { type ExecInteraction, type ExecRunTrigger, loginNeededReason, runRecorded } from './execInteraction';
import { type ExecCredentialOutput, type ExecRunResult, execSpecProblem } from './execPlugin';
import { execCommandLine, recognizeExecPlugin } from './execPlugins';
import { type ExecRuns, execRunKey, execRuns } from './execRuns';
import { attachedKubectlRefusal } from './kubeconfigValidation';
import { oidcToken } from './oidcToken';
import { isRecord } from '../../shared/values';
import { TokenFileSource } from './tokenFileSource';

export {
  credentialKindOf,
  describeCredential,
  type AuthProviderInfo,
  type ClientCertificateInfo,
  type CredentialDescription,
  type CredentialKind,
  type CredentialObservation,
  type ExecSpec,
  type ExpirySource,
} from './credentialDescription';

export interface CredentialProviderOptions {
  /** False for a kubeconfig from an untrusted workspace: exec plugins are then never run. */
  trustExecPlugins: boolean;
  /** Milliseconds since the epoch; injectable so tests move time instead of sleeping. */
  nowMs?: () => number;
  execTimeoutMs?: number;
  /** Minimum time between two looks at a token file (client-go: one minute). */
  tokenFilePeriodMs?: number;
  /** Environment exec plugins start from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Once a plugin printed a login prompt, how long from its start it may wait for the user (5 minutes by default). */
  execInteractiveTimeoutMs?: number;
  /** Shows an interactive plugin's login (device code, browser) and lets the user cancel it. */
  interaction?: ExecInteraction;
  /** Where every plugin run is recorded and "login needed" survives a re-opened session (the process's log by default). */
  execRuns?: ExecRuns;
}

export interface ClientCertificatePair {
  certPem: string;
  keyPem: string;
}

/** What a request should carry right now. Certificates from the kubeconfig itself are applied by the transport. */
export interface ActiveCredential {
  kind: CredentialKind;
  token?: string;
  /** Only from an exec plugin. */
  clientCertificate?: ClientCertificatePair;
  /** Seconds since the epoch, when known. */
  expiresAtSec?: number;
  fingerprint?: string;
  /** Grows whenever the credential is replaced, so a 401 on an old one does not trigger a second refresh. */
  generation: number;
}

export type CredentialProblem =
  | 'noContext'
  | 'refusedByKubectl'
  | 'execNotTrusted'
  | 'execFailed'
  /** The exec plugin's last run failed or was cancelled: it runs again only on Sign In or Reload Credentials. */
  | 'loginNeeded'
  | 'tokenFileUnreadable'
  | 'authProviderToken';

export type CredentialResult =
  | { ok: true; credential: ActiveCredential; /** The last refresh failed and an older credential is kept. */ warning?: string }
  | { ok: false; problem: CredentialProblem; message: string };

export interface RefreshOutcome {
  /** True when there is a (possibly) new credential worth one more attempt. */
  retry: boolean;
  result: CredentialResult;
}

export interface ReloadResult {
  /** Expiry (seconds since the epoch) before and after the reload, where one can be known. */
  expiryBeforeSec?: number;
  expiryAfterSec?: number;
  /** The credential value changed (compared by fingerprint, never by the token itself). */
  changed: boolean;
  /** A sentence when the reload could not produce a credential. */
  problem?: string;
}

/** What an explicit sign-in came to. */
export type SignInResult =
  | { outcome: 'ok'; credential: ActiveCredential }
  /** `unavailable`: the plugin cannot be run at all (untrusted workspace, kubeconfig stanza unusable). */
  | { outcome: 'failed' | 'cancelled' | 'unavailable'; message: string }
  /** The context's credential is not an exec plugin: there is nothing to sign in to. */
  | { outcome: 'notExec' };

/** The command a user runs to leave "login needed", as the palette shows it. */
export function signInTitle(): string {
  return l10n.t('Cluster Credentials: Sign In to Context');
}

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const DEFAULT_TOKEN_FILE_PERIOD_MS = 60_000;

export class CredentialProvider {
  readonly cluster: Cluster | undefined;
  readonly user: User | undefined;
  readonly namespace: string | undefined;
  private readonly kind: CredentialKind;
  private readonly exec: ExecSpec | undefined;
  private readonly tokenFile: TokenFileSource | undefined;
  private readonly now: () => number;
  private current: ActiveCredential | undefined;
  private generation = 0;
  private execCache: ExecCredentialOutput | undefined;
  /** When the plugin gave execCache (seconds): the start of an opaque token's lifetime, which the token does not say. */
  private execObtainedAtSec: number | undefined;
  private execInFlight: Promise<CredentialResult> | undefined;
  /** The cached plugin answer got a 401: it is not handed out again. */
  private execRejected = false;
  /** Why the plugin's last run gave nothing: it is not run again until signIn() or reload(). */
  private loginNeeded: string | undefined;
  private lastOutcome: 'failed' | 'cancelled' | undefined;
  private readonly runs: ExecRuns;
  private lastWarning: string | undefined;

  constructor(
    readonly kc: KubeConfig,
    readonly context: string,
    private readonly options: CredentialProviderOptions,
  ) {
    this.now = options.nowMs ?? Date.now;
    const ctx = kc.getContextObject(context);
    this.cluster = ctx ? (kc.getCluster(ctx.cluster) ?? undefined) : undefined;
    this.user = ctx ? (kc.getUser(ctx.user) ?? undefined) : undefined;
    this.namespace = ctx?.namespace;
    this.kind = this.user ? credentialKindOf(this.user) : 'none';
    this.exec = this.user ? execSpecOf(this.user) : undefined;
    const provider = this.user && isRecord(this.user.authProvider) ? this.user.authProvider : undefined;
    const config = provider && isRecord(provider.config) ? provider.config : undefined;
    if (this.kind === 'tokenFile' && config && typeof config.tokenFile === 'string') {
      this.tokenFile = new TokenFileSource(config.tokenFile, {
        nowMs: this.now,
        periodMs: options.tokenFilePeriodMs ?? DEFAULT_TOKEN_FILE_PERIOD_MS,
        fallbackToken: this.user?.token || undefined,
      });
    }
    this.runs = options.execRuns ?? execRuns;
    // A session opened again (the kubeconfig changed) keeps a failed or cancelled login: no new browser window.
    if (this.exec && options.trustExecPlugins) this.loginNeeded = loginNeededReason(this.runs, this.runKey(this.exec));
  }

  /** The kind and expiry of this context's credential, including what was learnt at run time. */
  describe(): CredentialDescription {
    const d = describeCredential(this.kc, this.context, {
      token: this.kind === 'tokenFile' ? this.current?.token : undefined,
      exec: this.execCache
        ? {
            expiresAtSec: this.execCache.expiresAtSec,
            token: this.execCache.token,
            certificatePem: this.execCache.clientCertificateData,
            ...(this.execObtainedAtSec !== undefined ? { obtainedAtSec: this.execObtainedAtSec } : {}),
          }
        : undefined,
    });
    const refusal = attachedKubectlRefusal(this.cluster);
    if (refusal !== undefined) d.problem = refusal;
    if (this.lastWarning && d.problem === undefined) d.problem = this.lastWarning;
    if (this.kind === 'exec' && this.loginNeeded !== undefined && !this.execUsable() && d.problem === undefined) {
      d.problem = this.loginNeededMessage(this.loginNeeded);
      d.loginNeeded = true;
    }
    if (this.kind === 'exec' && !this.options.trustExecPlugins && d.problem === undefined) d.problem = this.untrustedMessage();
    if (this.kind === 'authProvider' && d.problem === undefined) {
      const oidc = this.oidc();
      if (oidc && !oidc.ok) d.problem = oidc.message;
    }
    return d;
  }

  /** The credential to send now. Cheap when nothing changed: a file is looked at once a period, a plugin run once per expiry. */
  async get(): Promise<CredentialResult> {
    const ctx = this.kc.getContextObject(this.context);
    if (!ctx) {
      return { ok: false, problem: 'noContext', message: l10n.t('the context "{0}" is not in the kubeconfig; pick another context', this.context) };
    }
    if (!this.cluster) {
      return {
        ok: false,
        problem: 'noContext',
        message: l10n.t(
          'the context "{0}" uses cluster "{1}", which the kubeconfig does not define with a server; fix the kubeconfig or pick another context',
          this.context,
          ctx.cluster,
        ),
      };
    }
    const refusal = attachedKubectlRefusal(this.cluster);
    if (refusal !== undefined) return { ok: false, problem: 'refusedByKubectl', message: refusal };
    switch (this.kind) {
      case 'authProvider': {
        // Looked at on every request: the id-token expires while the session lasts.
        const oidc = this.oidc();
        if (oidc && !oidc.ok) return { ok: false, problem: 'authProviderToken', message: oidc.message };
        return this.ok(this.replace(oidc?.token, undefined, oidc?.expiresAtSec));
      }
      case 'exec':
        if (this.execUsable() && this.current) return this.ok(this.current);
        if (this.loginNeeded !== undefined && this.options.trustExecPlugins) return this.loginNeededResult(this.loginNeeded);
        return this.runExec('request');
      case 'tokenFile':
        return this.readTokenFile(false);
      default:
        // Static credentials change only with the kubeconfig (a new provider) or an explicit reload.
        return this.ok(this.current ?? this.replace(this.staticToken(), undefined, this.staticExpiry()));
    }
  }

  /**
   * Called once after a request carrying `rejected` got 401. Re-runs the exec plugin (or re-reads the token file)
   * unless another request already replaced that credential. The caller retries at most once.
   */
  async refreshAfterUnauthorized(rejected: ActiveCredential): Promise<RefreshOutcome> {
    if (this.current && this.current.generation !== rejected.generation) {
      return { retry: true, result: await this.get() };
    }
    if (this.kind === 'exec') {
      if (!this.options.trustExecPlugins) return { retry: false, result: await this.get() };
      this.execRejected = true;
      // A 401 after a successful run re-runs the plugin once (client-go); after a failed login it waits for the user.
      if (this.loginNeeded !== undefined) return { retry: false, result: this.loginNeededResult(this.loginNeeded) };
      const result = await this.runExec('request');
      return { retry: result.ok, result };
    }
    if (this.kind === 'tokenFile') {
      const result = await this.readTokenFile(true);
      return { retry: result.ok && result.credential.generation !== rejected.generation, result };
    }
    return { retry: false, result: await this.get() };
  }

  /**
   * Forces a fresh credential: re-reads the token file, re-runs the exec plugin. `previous` is the credential of
   * the session this one replaces (the kubeconfig was re-read), so an edited static token counts as a change.
   */
  async reload(previous?: CredentialDescription): Promise<ReloadResult> {
    const before = previous ?? this.describe();
    let result: CredentialResult;
    if (this.kind === 'exec') {
      result = this.options.trustExecPlugins ? await this.runExec('reload') : await this.get();
    } else if (this.kind === 'tokenFile') {
      result = await this.readTokenFile(true);
    } else {
      this.current = undefined;
      result = await this.get();
    }
    const after = this.describe();
    const out: ReloadResult = {
      changed: before.fingerprint !== after.fingerprint || before.expiresAtSec !== after.expiresAtSec,
    };
    if (before.expiresAtSec !== undefined) out.expiryBeforeSec = before.expiresAtSec;
    if (after.expiresAtSec !== undefined) out.expiryAfterSec = after.expiresAtSec;
    if (!result.ok) out.problem = result.message;
    else if (result.warning) out.problem = result.warning;
    return out;
  }

  /**
   * The user asked to sign in: runs the exec plugin now (its login shown through the interaction), even when
   * the last run failed or was cancelled. Joins a run already in progress rather than starting a second login.
   */
  async signIn(): Promise<SignInResult> {
    if (this.kind !== 'exec' || !this.exec) return { outcome: 'notExec' };
    if (!this.options.trustExecPlugins) return { outcome: 'unavailable', message: this.untrustedMessage() };
    const problem = execSpecProblem(this.exec);
    if (problem !== undefined) return { outcome: 'unavailable', message: problem };
    const result = await this.runExec('signIn');
    if (result.ok) return { outcome: 'ok', credential: result.credential };
    return { outcome: this.lastOutcome ?? 'failed', message: this.loginNeeded ?? result.message };
  }

  private runExec(trigger: ExecRunTrigger): Promise<CredentialResult> {
    const exec = this.exec;
    if (!exec) return Promise.resolve({ ok: false, problem: 'execFailed', message: l10n.t('this context has no exec plugin') });
    if (!this.options.trustExecPlugins) {
      return Promise.resolve({ ok: false, problem: 'execNotTrusted', message: this.untrustedMessage() });
    }
    // A stanza that cannot be run is said each time; it is not a failed login.
    const problem = execSpecProblem(exec);
    if (problem !== undefined) return Promise.resolve({ ok: false, problem: 'execFailed', message: problem });
    if (trigger !== 'request') this.loginNeeded = undefined;
    const user = this.user?.name ?? '';
    const recognized = recognizeExecPlugin(exec);
    // Requests that fail together share one plugin run instead of starting one each.
    this.execInFlight ??= runRecorded({
      spec: exec,
      key: this.runKey(exec),
      info: { context: this.context, user, words: recognized.label, commandLine: execCommandLine(exec), trigger },
      runs: this.runs,
      ...(this.options.interaction ? { interaction: this.options.interaction } : {}),
      run: {
        cluster: this.cluster,
        baseEnv: this.options.env ?? process.env,
        timeoutMs: this.options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
        ...(this.options.execInteractiveTimeoutMs !== undefined ? { interactiveTimeoutMs: this.options.execInteractiveTimeoutMs } : {}),
      },
      nowMs: this.now,
    })
      .then((run) => this.takeRun(run))
      .finally(() => {
        this.execInFlight = undefined;
      });
    return this.execInFlight;
  }

  private takeRun(run: ExecRunResult): CredentialResult {
    if (!run.ok) {
      this.loginNeeded = run.message;
      this.lastOutcome = run.cancelled === true ? 'cancelled' : 'failed';
      return run.cancelled === true ? this.loginNeededResult(run.message) : { ok: false, problem: 'execFailed', message: run.message };
    }
    this.loginNeeded = undefined;
    this.lastOutcome = undefined;
    this.execRejected = false;
    this.execCache = run.credential;
    this.execObtainedAtSec = Math.floor(Date.now() / 1000);
    const c = run.credential;
    const cert = c.clientCertificateData && c.clientKeyData ? { certPem: c.clientCertificateData, keyPem: c.clientKeyData } : undefined;
    // A fresh plugin answer is a new credential even when the token is the same: it has been re-issued.
    return this.ok(this.replace(c.token, cert, c.expiresAtSec ?? jwtExpiry(c.token), true));
  }

  /** The plugin's last answer may still be sent: not expired and not rejected with a 401. */
  private execUsable(): boolean {
    return this.execCache !== undefined && !this.execExpired(this.execCache) && !this.execRejected;
  }

  private runKey(exec: ExecSpec): string {
    return execRunKey(this.user?.name ?? '', exec);
  }

  private loginNeededMessage(reason: string): string {
    return l10n.t('login needed: {0}; run "{1}" to try again', reason, signInTitle());
  }

  private loginNeededResult(reason: string): CredentialResult {
    return { ok: false, problem: 'loginNeeded', message: this.loginNeededMessage(reason) };
  }

  private async readTokenFile(force: boolean): Promise<CredentialResult> {
    const source = this.tokenFile;
    if (!source) return { ok: false, problem: 'tokenFileUnreadable', message: l10n.t('this context has no token file') };
    const read = force ? await source.reload() : await source.get();
    if (!read.ok) return { ok: false, problem: 'tokenFileUnreadable', message: read.message };
    this.lastWarning = read.warning;
    const credential = this.replace(read.token, undefined, jwtExpiry(read.token));
    return read.warning ? { ok: true, credential, warning: read.warning } : { ok: true, credential };
  }

  private execExpired(c: ExecCredentialOutput): boolean {
    return c.expiresAtSec !== undefined && this.now() >= c.expiresAtSec * 1000;
  }

  private staticToken(): string | undefined {
    return this.kind === 'token' ? this.user?.token || undefined : undefined;
  }

  /** The `oidc` auth-provider's id-token by client-go's rule (the only auth-provider kubectl still has). */
  private oidc(): ReturnType<typeof oidcToken> | undefined {
    const provider = this.user && isRecord(this.user.authProvider) ? this.user.authProvider : undefined;
    if (!provider || provider.name !== 'oidc') return undefined;
    return oidcToken(this.user?.name ?? '', isRecord(provider.config) ? provider.config : {}, this.now());
  }

  private staticExpiry(): number | undefined {
    return this.kind === 'clientCertificate' ? this.describe().expiresAtSec : jwtExpiry(this.staticToken());
  }

  /** Keeps the same object while the value is unchanged, so generations only move on real replacement. */
  private replace(token: string | undefined, cert: ClientCertificatePair | undefined, expiresAt: number | undefined, forceNew = false): ActiveCredential {
    const cur = this.current;
    if (!forceNew && cur && cur.token === token && cur.clientCertificate?.certPem === cert?.certPem && cur.kind === this.kind) {
      return cur;
    }
    const next: ActiveCredential = { kind: this.kind, generation: ++this.generation };
    if (token) {
      next.token = token;
      next.fingerprint = fingerprint(token);
    }
    if (cert) next.clientCertificate = cert;
    if (expiresAt !== undefined) next.expiresAtSec = expiresAt;
    this.current = next;
    return next;
  }

  private ok(credential: ActiveCredential): CredentialResult {
    return { ok: true, credential };
  }

  private untrustedMessage(): string {
    const command = this.exec?.command ?? l10n.t('a command');
    return l10n.t(
      'the kubeconfig user "{0}" gets its credential by running "{1}", which is not run for an untrusted workspace; trust the workspace to allow it',
      this.user?.name ?? '',
      command,
    );
  }
}

function jwtExpiry(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const decoded = decodeToken(token);
  return decoded.ok ? decoded.token.claims.exp : undefined;
}
