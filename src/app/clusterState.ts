// The one owner of the active session's cluster state, read by the explorer, the status bar, Token Health
// and the diagnosis (rust-analyzer's ctx.ts; client-go's shared informer: one cache, many readers). It
// lives as long as the extension and follows the session source; each session gets its own SessionState,
// started the first time anyone needs the cluster (never at VS Code's start) and disposed when the session
// changes. One event says that something changed.
import type { ClusterSession } from '../cluster/auth/session';
import type { AuditSource } from './auditEvidence';
import { Emitter, type Disposable, type Event } from './events';
import { SessionState, type HistorySink, type InventoryTuning, type StateLog, type StateSettings } from './sessionState';

/** The session source; the extension's SessionManager fits. */
export interface SessionFeed {
  current(): ClusterSession | undefined;
  readonly onDidChange: Event<ClusterSession | undefined>;
}

export interface StateChange {
  /** The session source spoke (a new session, or the same one re-read); false for list, watch and live-read churn. */
  readonly session: boolean;
}

export interface ClusterStateOptions {
  sessions: SessionFeed;
  /** The extension's Settings fits: the values, and an event when any of them changes. */
  settings: StateSettings & { readonly onDidChange: Event<unknown> };
  history?: HistorySink;
  log?: StateLog;
  tuning?: InventoryTuning;
  /** The API server's audit logs, when the extension reads them: started with the session's lists. */
  audit?: AuditSource;
}

/** The settings a session's lists are made with: a change to them needs a new inventory. */
function listKeyOf(settings: StateSettings): string {
  return JSON.stringify([settings.namespaces, settings.liveTokensConcurrency, settings.inventoryMode, settings.inventoryPodThreshold]);
}

export class ClusterState implements Disposable {
  private readonly changed = new Emitter<StateChange>();
  readonly onDidChange: Event<StateChange> = this.changed.event;
  private state: SessionState | undefined;
  /** Something needed the cluster: a new session's state starts at once. */
  private wanted = false;
  private listKey: string;
  private readonly subscriptions: Disposable[];

  constructor(private readonly opts: ClusterStateOptions) {
    this.listKey = listKeyOf(opts.settings);
    this.replace(opts.sessions.current());
    this.subscriptions = [opts.sessions.onDidChange((s) => this.follow(s)), opts.settings.onDidChange(() => this.onSettings())];
  }

  /** The active session's state, started or not; undefined without a session. */
  get current(): SessionState | undefined {
    return this.state;
  }

  get session(): ClusterSession | undefined {
    return this.state?.session;
  }

  /** The audit evidence: lives as long as the extension, whatever the session. */
  get audit(): AuditSource | undefined {
    return this.opts.audit;
  }

  /** The state with its lists running: the explorer shown, a panel opened, the diagnosis, a command. */
  ensureStarted(): SessionState | undefined {
    this.wanted = true;
    this.opts.audit?.start();
    this.state?.start();
    return this.state;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.state?.dispose();
    this.state = undefined;
    this.changed.dispose();
  }

  private follow(session: ClusterSession | undefined): void {
    // The session source fires first when a setting changes: a new namespace filter is taken here too.
    if (this.state?.session !== session || listKeyOf(this.opts.settings) !== this.listKey) this.replace(session);
    this.changed.fire({ session: true });
  }

  private onSettings(): void {
    if (listKeyOf(this.opts.settings) !== this.listKey) this.replace(this.state?.session);
    else this.state?.applyLiveMode();
    this.changed.fire({ session: false });
  }

  private replace(session: ClusterSession | undefined): void {
    this.state?.dispose();
    this.listKey = listKeyOf(this.opts.settings);
    const { settings, history, log, tuning } = this.opts;
    const state: SessionState | undefined = session
      ? new SessionState({
          session,
          settings,
          // A disposed state's late callbacks are not news.
          onChange: () => {
            if (this.state === state) this.changed.fire({ session: false });
          },
          ...(history ? { history } : {}),
          ...(log ? { log } : {}),
          ...(tuning ? { tuning } : {}),
        })
      : undefined;
    this.state = state;
    if (this.wanted) state?.start();
  }
}
