// What each exec plugin answered since this extension host started: the last expirationTimestamp, or that a
// login failed or was cancelled. The Contexts list reads it to show a context's plugin credential without
// running the plugin (plugins of inactive contexts are never run in the background); the active session
// writes to it whenever it runs its plugin. Memory only, per process: never a token, never written to disk.
import type { ExecSpec } from './credentialDescription';

export type ExecRunOutcome =
  /** The plugin answered with a credential. */
  | 'ok'
  /** It failed (exit code, timeout, unreadable output): the message says why. */
  | 'failed'
  /** The user cancelled its login (device code or browser): not run again until asked. */
  | 'cancelled';

export interface ExecRunRecord {
  outcome: ExecRunOutcome;
  /** When the run ended, ms since the epoch. */
  atMs: number;
  /** `status.expirationTimestamp` of an answer, seconds since the epoch; absent: cached until a 401. */
  expiresAtSec?: number;
  /** Seconds since the epoch: the issue time a decoded token (JWT iat, EKS X-Amz-Date) gave. */
  issuedAtSec?: number;
  /** The answered token's fingerprint (never the token). */
  fingerprint?: string;
  /** Who the answered token names, in words ("alice@contoso.com (Entra ID tenant …)"), when it is a JWT that names someone. */
  identity?: string;
  /** The API version the plugin answered with (`v1`, `v1beta1`). */
  apiVersion?: string;
  /** Whether it returned a client certificate rather than (or beside) a token. */
  clientCertificate?: boolean;
  /** For `failed` and `cancelled`: a sentence, secrets masked. */
  message?: string;
}

/** The key of a plugin credential: the kubeconfig user and the command it runs (two contexts may share both). */
export function execRunKey(user: string, exec: Pick<ExecSpec, 'command' | 'args'>): string {
  return `${user}\u0000${exec.command}\u0000${exec.args.join('\u0000')}`;
}

type Listener = (key: string) => void;

/** The process's log of exec plugin runs, newest per key. */
export class ExecRuns {
  private readonly runs = new Map<string, ExecRunRecord>();
  private readonly listeners = new Set<Listener>();

  record(key: string, run: ExecRunRecord): void {
    this.runs.set(key, run);
    for (const l of this.listeners) l(key);
  }

  last(key: string): ExecRunRecord | undefined {
    return this.runs.get(key);
  }

  /** Forgets a key's record (a successful explicit sign-in replaces it anyway). */
  forget(key: string): void {
    if (this.runs.delete(key)) for (const l of this.listeners) l(key);
  }

  onDidRecord(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** The one log of this extension host. */
export const execRuns = new ExecRuns();
