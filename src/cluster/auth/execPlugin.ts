// Runs a kubeconfig exec credential plugin once, the way kubectl does, and reads its ExecCredential.
import * as l10n from '@vscode/l10n';
import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import type { Cluster } from '@kubernetes/client-node';
import type { ExecSpec } from './credentialDescription';
import { PromptLines, looksLikeLoginPrompt, maskPromptLine } from './execPrompt';
import { redactSecrets } from '../redact';
import { errorMessage } from '../../shared/values';

export interface ExecCredentialOutput {
  token?: string;
  /** PEM, as the plugin printed it. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** `status.expirationTimestamp` in seconds since the epoch; absent means "until rejected". */
  expiresAtSec?: number;
}

/** `cancelled` only when the signal ended the run (the user cancelled the login). */
export type ExecRunResult = { ok: true; credential: ExecCredentialOutput } | { ok: false; message: string; cancelled?: true };

export interface ExecRunOptions {
  cluster?: Cluster;
  baseEnv: NodeJS.ProcessEnv;
  /** How long a plugin that asks nothing of the user may take. */
  timeoutMs: number;
  /** How long, from its start, a plugin that printed a login prompt may wait for the user (5 minutes by default). */
  interactiveTimeoutMs?: number;
  /**
   * The plugin's stderr, one masked line at a time as it arrives: the device code and the page it asks the user
   * to open. `loginPrompt` is true for a line that asks the user to do something.
   */
  onPrompt?: (text: string, loginPrompt: boolean) => void;
  /** Aborting ends the plugin's process group; the run then settles with `cancelled`. */
  signal?: AbortSignal;
}

const SUPPORTED_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
const MAX_STDOUT = 4 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;
/** After the plugin exits, how long its output may take to drain before a pipe held by a child of its is let go. */
const EXIT_GRACE_MS = 500;
export const DEFAULT_INTERACTIVE_TIMEOUT_MS = 5 * 60_000;

/** Why a stanza cannot be run at all, before anything is started: said each time, never a failed login. */
export function execSpecProblem(spec: ExecSpec): string | undefined {
  const name = pluginName(spec);
  if (!spec.apiVersion) return l10n.t('{0} has no apiVersion in the kubeconfig; add exec.apiVersion: client.authentication.k8s.io/v1', name);
  if (!SUPPORTED_VERSIONS.has(spec.apiVersion)) {
    return l10n.t('{0} asks for {1}, which is no longer supported; use client.authentication.k8s.io/v1', name, spec.apiVersion);
  }
  if (spec.interactiveMode === 'Always') {
    return l10n.t('{0} needs a terminal (interactiveMode: Always); run kubectl once in a terminal to log in, then reload credentials', name);
  }
  return undefined;
}

/** `the exec plugin "aws"`: the subject of every sentence about a run. */
function pluginName(spec: ExecSpec): string {
  return l10n.t('the exec plugin "{0}"', spec.command);
}

/** Never throws and never puts stdout (which holds the credential) into a message. */
export function runExecPlugin(spec: ExecSpec, opts: ExecRunOptions): Promise<ExecRunResult> {
  const name = pluginName(spec);
  const fail = (message: string): ExecRunResult => ({ ok: false, message });
  const problem = execSpecProblem(spec);
  if (problem !== undefined) return Promise.resolve(fail(problem));
  const cancelled = (): ExecRunResult => ({ ok: false, cancelled: true, message: l10n.t('the sign-in through {0} was cancelled before it answered', name) });
  if (opts.signal?.aborted === true) return Promise.resolve(cancelled());
  const env: NodeJS.ProcessEnv = { ...opts.baseEnv };
  for (const e of spec.env) env[e.name] = e.value;
  // kubectl sets this last, so a kubeconfig env entry cannot replace it.
  env.KUBERNETES_EXEC_INFO = execInfo(spec, opts.cluster);

  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const startedMs = Date.now();
    let interactive = false;
    const onAbort = (): void => {
      if (settled) return;
      killGroup(child);
      release();
      settle(cancelled());
    };
    const settle = (r: ExecRunResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        prompts?.close();
        resolve(r);
      }
    };
    // A plugin that asks the user to log in gets the interactive deadline, counted from its start.
    const prompts = opts.onPrompt
      ? new PromptLines((line) => {
          const loginPrompt = looksLikeLoginPrompt(line);
          if (loginPrompt && !interactive && !settled && !exited) {
            interactive = true;
            clearTimeout(timer);
            const interactiveMs = opts.interactiveTimeoutMs ?? DEFAULT_INTERACTIVE_TIMEOUT_MS;
            timer = setTimeout(onTimeout, Math.max(0, startedMs + Math.max(interactiveMs, opts.timeoutMs) - Date.now()));
          }
          opts.onPrompt?.(line, loginPrompt);
        })
      : undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let exited = false;
    let exitGrace: NodeJS.Timeout | undefined;
    let child: ReturnType<typeof spawn>;
    try {
      // Its own process group on POSIX, so that a timeout ends whatever it started too.
      child = spawn(spec.command, spec.args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: process.platform !== 'win32' });
    } catch (err) {
      settle(fail(l10n.t('{0} could not be started ({1}); check exec.command in the kubeconfig', name, errorMessage(err))));
      return;
    }
    // A child it left behind can hold stdout open for ever; 'close' then waits for it, so we stop reading.
    const release = (): void => {
      clearTimeout(exitGrace);
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const onTimeout = (): void => {
      if (exited) {
        // It answered and exited; only a child of its keeps the pipe open. Settle on what it printed.
        release();
        return;
      }
      timedOut = true;
      killGroup(child);
      release();
      settle(
        fail(
          interactive
            ? l10n.t(
                '{0} waited {1} for the login to finish and was stopped; sign in again when you are ready to finish the login',
                name,
                waitedFor(Date.now() - startedMs),
              )
            : l10n.t('{0} did not answer within {1} s; run it in a terminal to see whether it waits for input', name, Math.round(opts.timeoutMs / 100) / 10),
        ),
      );
    };
    timer = setTimeout(onTimeout, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('exit', () => {
      exited = true;
      exitGrace = setTimeout(release, EXIT_GRACE_MS);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      outLen += chunk.length;
      if (outLen <= MAX_STDOUT) stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errLen += chunk.length;
      if (errLen <= MAX_STDERR) stderr.push(chunk);
      prompts?.push(chunk);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        // The installHint is the kubeconfig's own text, shown as written.
        settle(
          fail(
            spec.installHint
              ? l10n.t('{0} was not found (ENOENT); {1}', name, firstLines(spec.installHint))
              : l10n.t('{0} was not found (ENOENT); install it or fix exec.command in the kubeconfig', name),
          ),
        );
      } else if (err.code === 'EACCES') {
        settle(fail(l10n.t('{0} cannot be run (EACCES); make it executable or fix exec.command in the kubeconfig', name)));
      } else {
        settle(fail(l10n.t('{0} could not be started ({1}); check exec.command in the kubeconfig', name, err.code ?? err.message)));
      }
    });
    child.on('close', (code) => {
      clearTimeout(exitGrace);
      if (timedOut || settled) return;
      prompts?.close();
      const errText = summarizeStderr(Buffer.concat(stderr).toString('utf8'));
      if (code !== 0) {
        const exit = code ?? l10n.t('unknown');
        settle(
          fail(
            errText
              ? l10n.t('{0} failed with exit code {1}: {2}', name, exit, errText)
              : l10n.t('{0} failed with exit code {1}; run it in a terminal to see why', name, exit),
          ),
        );
        return;
      }
      if (outLen > MAX_STDOUT) {
        settle(fail(l10n.t('{0} printed more than {1} MB, which is not an ExecCredential', name, MAX_STDOUT / 1024 / 1024)));
        return;
      }
      settle(parseExecCredential(Buffer.concat(stdout).toString('utf8'), spec.apiVersion ?? '', name));
    });
  });
}

/** SIGKILL to the plugin's whole process group (POSIX), or to the plugin alone (Windows has no groups here). */
function killGroup(child: ReturnType<typeof spawn>): void {
  const pid = child.pid;
  if (pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
      return;
    } catch {
      // The group is already gone; fall back to the plugin itself.
    }
  }
  child.kill('SIGKILL');
}

/** What kubectl hands the plugin in KUBERNETES_EXEC_INFO: we never run plugins with a terminal. */
function execInfo(spec: ExecSpec, cluster: Cluster | undefined): string {
  const execSpec: Record<string, unknown> = { interactive: false };
  if (spec.provideClusterInfo && cluster) {
    const c: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) c['tls-server-name'] = cluster.tlsServerName;
    if (cluster.skipTLSVerify) c['insecure-skip-tls-verify'] = true;
    const ca = cluster.caData ?? readBase64(cluster.caFile);
    if (ca) c['certificate-authority-data'] = ca;
    if (cluster.proxyUrl) c['proxy-url'] = cluster.proxyUrl;
    // client-go always writes the cluster's exec extension here, null when the kubeconfig has none.
    c.config = null;
    execSpec.cluster = c;
  }
  return JSON.stringify({ kind: 'ExecCredential', apiVersion: spec.apiVersion, spec: execSpec });
}

function readBase64(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file).toString('base64');
  } catch {
    return undefined;
  }
}

export function parseExecCredential(stdout: string, apiVersion: string, name: string): ExecRunResult {
  const fail = (message: string): ExecRunResult => ({ ok: false, message });
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return fail(l10n.t('{0} printed something that is not an ExecCredential (not JSON); run it in a terminal to check its output', name));
  }
  if (typeof parsed !== 'object' || parsed === null) return fail(l10n.t('{0} printed something that is not an ExecCredential', name));
  const obj = parsed as Record<string, unknown>;
  if (obj.kind !== 'ExecCredential') {
    return fail(
      typeof obj.kind === 'string'
        ? l10n.t('{0} printed a {1}, not an ExecCredential', name, obj.kind)
        : l10n.t('{0} printed a document without kind, not an ExecCredential', name),
    );
  }
  if (obj.apiVersion !== apiVersion) {
    return fail(
      l10n.t(
        '{0} answered with apiVersion {1} but the kubeconfig asks for {2}; align exec.apiVersion with the plugin',
        name,
        String(obj.apiVersion),
        apiVersion,
      ),
    );
  }
  const status = obj.status;
  if (typeof status !== 'object' || status === null) return fail(l10n.t('{0} returned no status; update the plugin or log in again', name));
  const s = status as Record<string, unknown>;
  const token = typeof s.token === 'string' && s.token !== '' ? s.token : undefined;
  const cert = typeof s.clientCertificateData === 'string' && s.clientCertificateData !== '' ? s.clientCertificateData : undefined;
  const key = typeof s.clientKeyData === 'string' && s.clientKeyData !== '' ? s.clientKeyData : undefined;
  if (!token && !cert && !key) return fail(l10n.t('{0} returned neither a token nor a client certificate; log in again with the plugin', name));
  if ((cert === undefined) !== (key === undefined)) return fail(l10n.t('{0} returned only one of the client certificate and its key', name));
  if (cert && key && !keyPairMatches(cert, key)) return fail(l10n.t('{0} returned a client certificate and key that do not form a pair', name));
  const out: ExecCredentialOutput = {};
  if (token) out.token = token;
  if (cert && key) {
    out.clientCertificateData = cert;
    out.clientKeyData = key;
  }
  if (s.expirationTimestamp !== undefined && s.expirationTimestamp !== null) {
    const ms = typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
    if (!Number.isFinite(ms)) return fail(l10n.t('{0} returned an expirationTimestamp that is not an RFC 3339 time', name));
    out.expiresAtSec = Math.floor(ms / 1000);
  }
  return { ok: true, credential: out };
}

function keyPairMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The last few lines of stderr, secrets (and anything that looks like a token) removed, short enough for one sentence. */
function summarizeStderr(text: string): string {
  // The whole text first (a PEM key spans lines), then each line (capped, words that look like tokens masked).
  const lines = redactSecrets(text)
    .split('\n')
    .map(maskPromptLine)
    .filter((l) => l !== '');
  const joined = lines.slice(-3).join(' ');
  return joined.length > 300 ? `...${joined.slice(-297)}` : joined;
}

function waitedFor(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 ? l10n.t('{0} minutes', Math.round(s / 60)) : l10n.t('{0} s', s);
}

function firstLines(text: string): string {
  const joined = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return joined.length > 300 ? `${joined.slice(0, 297)}...` : joined;
}
