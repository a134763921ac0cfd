// One run of a context's exec plugin as the user sees it: announced to an interaction hook (the UI shows a
// cancellable notification with the device code once the plugin asks for a login), shared by every session
// that needs the same user's plugin at the same time (one browser window, not one per session), and recorded
// in the process's log of runs, which is also where "login needed" outlives a re-opened session.
// Pure interfaces toward the UI: no vscode here.
import * as l10n from '@vscode/l10n';
import type { ExecSpec } from './credentialDescription';
import { type ExecRunOptions, type ExecRunResult, runExecPlugin } from './execPlugin';
import { deviceCodeOf } from './execPrompt';
import type { ExecRunOutcome, ExecRunRecord, ExecRuns } from './execRuns';
import { decodeEksToken, isEksToken } from '../../token/eksToken';
import { identityWords, tokenIdentity } from '../../token/identity';
import { fingerprint } from '../../token/fingerprint';
import { decodeToken } from '../../token/jwt';

/** What started a run: a request that needed the credential, Sign In, or Reload Credentials. */
export type ExecRunTrigger = 'request' | 'signIn' | 'reload';

export interface ExecLoginInfo {
  context: string;
  /** The kubeconfig user whose plugin runs. */
  user: string;
  /** Whose plugin, in a few words ("Azure (Entra ID) token", "exec plugin my-helper"). */
  words: string;
  /** The command line, secret arguments masked. */
  commandLine: string;
  trigger: ExecRunTrigger;
}

export interface ExecLoginEnd {
  outcome: ExecRunOutcome;
  /** For `failed` and `cancelled`: why, secrets masked. */
  message?: string;
}

/** One run as the interaction sees it. */
export interface ExecLoginHandle {
  /** A masked line of the plugin's stderr; `loginPrompt` when it asks the user to do something. */
  prompt(text: string, loginPrompt: boolean): void;
  /** Aborted when the user cancels: the plugin's process group is ended. */
  readonly signal: AbortSignal;
  /** The run is over (recorded already). */
  end(result: ExecLoginEnd): void;
}

/** The UI's side of an interactive plugin (src/ui/execLogin.ts implements it). */
export interface ExecInteraction {
  begin(info: ExecLoginInfo): ExecLoginHandle;
}

export interface RecordedRun {
  spec: ExecSpec;
  /** execRunKey(user, spec). */
  key: string;
  info: ExecLoginInfo;
  runs: ExecRuns;
  interaction?: ExecInteraction;
  run: Omit<ExecRunOptions, 'onPrompt' | 'signal'>;
  nowMs: () => number;
}

// Runs in progress by key, across sessions: a session re-opened while the user is logging in joins that login.
const inProgress = new Map<string, Promise<ExecRunResult>>();

/** Runs the plugin (or joins the run of the same user and command in progress), shows it, and records its outcome. */
export function runRecorded(r: RecordedRun): Promise<ExecRunResult> {
  const running = inProgress.get(r.key);
  if (running) return running;
  const handle = r.interaction?.begin(r.info);
  const options: ExecRunOptions = handle ? { ...r.run, onPrompt: (text, loginPrompt) => handle.prompt(text, loginPrompt), signal: handle.signal } : r.run;
  const run = runExecPlugin(r.spec, options)
    .then((result) => {
      const record = recordOf(result, r.spec, r.nowMs());
      r.runs.record(r.key, record);
      handle?.end(record.message !== undefined ? { outcome: record.outcome, message: record.message } : { outcome: record.outcome });
      return result;
    })
    .finally(() => inProgress.delete(r.key));
  inProgress.set(r.key, run);
  return run;
}

/** Why the user must sign in again before the plugin runs by itself: its last run failed or was cancelled. */
export function loginNeededReason(runs: ExecRuns, key: string): string | undefined {
  const last = runs.last(key);
  if (last === undefined || last.outcome === 'ok') return undefined;
  return last.message ?? (last.outcome === 'cancelled' ? l10n.t('the last sign-in was cancelled') : l10n.t('the last run of the exec plugin failed'));
}

function recordOf(result: ExecRunResult, spec: ExecSpec, atMs: number): ExecRunRecord {
  const apiVersion = spec.apiVersion?.split('/').pop();
  const base: ExecRunRecord = { outcome: 'ok', atMs, ...(apiVersion !== undefined ? { apiVersion } : {}) };
  if (!result.ok) return { ...base, outcome: result.cancelled === true ? 'cancelled' : 'failed', message: result.message };
  const c = result.credential;
  const record: ExecRunRecord = { ...base, clientCertificate: c.clientCertificateData !== undefined };
  if (c.expiresAtSec !== undefined) record.expiresAtSec = c.expiresAtSec;
  if (c.token !== undefined) {
    record.fingerprint = fingerprint(c.token);
    const issued = issuedAtOf(c.token);
    if (issued !== undefined) record.issuedAtSec = issued;
    const identity = identityOf(c.token);
    if (identity !== undefined) record.identity = identity;
  }
  return record;
}

/** Who a JWT names in words; undefined for an EKS token (its caller is known only to STS) and an opaque one. */
function identityOf(token: string): string | undefined {
  if (isEksToken(token)) return undefined;
  const jwt = decodeToken(token);
  const id = jwt.ok ? tokenIdentity(jwt.token.claims) : undefined;
  return id !== undefined ? identityWords(id) : undefined;
}

/** A JWT's iat or an EKS token's X-Amz-Date; undefined for an opaque token. */
export function issuedAtOf(token: string): number | undefined {
  if (isEksToken(token)) {
    const eks = decodeEksToken(token);
    return eks.ok ? eks.token.issuedAt : undefined;
  }
  const jwt = decodeToken(token);
  return jwt.ok ? jwt.token.claims.iat : undefined;
}

/** The visible part of one login (VS Code: a cancellable progress notification). */
export interface LoginView {
  /** What the plugin asks of the user now, masked. */
  message(text: string): void;
  close(): void;
}

/** Where logins are shown; src/ui/execLogin.ts implements it with VS Code notifications. */
export interface LoginSurface {
  /** Opens the view of a login; `cancel` ends the plugin. Called at most once per run. */
  show(info: ExecLoginInfo, cancel: () => void): LoginView;
  /** The prompt named a page and a device code: offered once per run, to copy the code and open the page. */
  deviceCode?(info: ExecLoginInfo, code: { url: string; code: string }): void;
  /** A login a request needed failed or was cancelled: said once per context until a run succeeds. */
  loginNeeded(info: ExecLoginInfo, reason: string): void;
  /** Every run's end, for the log. */
  ended?(info: ExecLoginInfo, result: ExecLoginEnd): void;
}

export interface DeferredLoginOptions {
  /** How long a plugin that asks nothing runs before its login is shown (2 s): a fast plugin never flashes a view. */
  showAfterMs?: number;
}

const SHOW_AFTER_MS = 2000;
/** Lines kept for the view; a device-code prompt is one to four. */
const KEPT_LINES = 20;
const MAX_MESSAGE = 400;

interface PromptLine {
  text: string;
  loginPrompt: boolean;
}

/**
 * The rules of showing a login, apart from how it is drawn: shown once the plugin prints a login prompt or has
 * run `showAfterMs`, updated with what it prints, closed when it ends; a failed or cancelled login that a request
 * needed is said once per context (Sign In and Reload Credentials say their own outcome).
 */
export class DeferredLoginInteraction implements ExecInteraction {
  private readonly running = new Set<AbortController>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly surface: LoginSurface,
    private readonly opts: DeferredLoginOptions = {},
  ) {}

  begin(info: ExecLoginInfo): ExecLoginHandle {
    const controller = new AbortController();
    this.running.add(controller);
    const lines: PromptLine[] = [];
    let view: LoginView | undefined;
    let ended = false;
    let codeOffered = false;
    const show = (): void => {
      if (view !== undefined || ended) return;
      clearTimeout(timer);
      view = this.surface.show(info, () => controller.abort());
      if (lines.length > 0) view.message(messageOf(lines));
    };
    const timer = setTimeout(show, this.opts.showAfterMs ?? SHOW_AFTER_MS);
    return {
      signal: controller.signal,
      prompt: (text, loginPrompt) => {
        lines.push({ text, loginPrompt });
        if (lines.length > KEPT_LINES) lines.shift();
        if (loginPrompt) show();
        view?.message(messageOf(lines));
        if (!codeOffered && lines.some((l) => l.loginPrompt) && this.surface.deviceCode) {
          const found = deviceCodeOf(lines.map((l) => l.text).join('\n'));
          if (found.url !== undefined && found.code !== undefined) {
            codeOffered = true;
            this.surface.deviceCode(info, { url: found.url, code: found.code });
          }
        }
      },
      end: (result) => {
        ended = true;
        clearTimeout(timer);
        this.running.delete(controller);
        view?.close();
        this.surface.ended?.(info, result);
        if (result.outcome === 'ok') {
          this.warned.delete(info.context);
          return;
        }
        if (info.trigger !== 'request' || this.warned.has(info.context)) return;
        this.warned.add(info.context);
        const reason = result.message ?? (result.outcome === 'cancelled' ? l10n.t('the sign-in was cancelled') : l10n.t('the exec plugin failed'));
        this.surface.loginNeeded(info, reason);
      },
    };
  }

  /** Ends every login still running (the window closes): no plugin is left waiting for a browser. */
  dispose(): void {
    for (const c of this.running) c.abort();
    this.running.clear();
  }
}

/**
 * From the first login prompt on, the last four lines (a code may follow its prompt on a line of its own), or
 * the last line when nothing asked anything yet; capped for a notification.
 */
function messageOf(lines: readonly PromptLine[]): string {
  const first = lines.findIndex((l) => l.loginPrompt);
  const picked = first >= 0 ? lines.slice(Math.max(first, lines.length - 4)) : lines.slice(-1);
  const shown = picked.map((l) => l.text).join(' ');
  return shown.length > MAX_MESSAGE ? `${shown.slice(0, MAX_MESSAGE - 1)}…` : shown;
}
