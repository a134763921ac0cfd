// What the app layer is given by the extension, in plain Node: a session source that tests switch, settings
// that tests change, a history and a findings store kept in memory, a log that keeps its lines.
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { InventoryModeSetting } from '../../../src/cluster/inventory/inventoryMode';
import type { LiveTokenMode } from '../../../src/cluster/live/liveTokenCache';
import { Emitter } from '../../../src/app/events';
import type { SessionFeed } from '../../../src/app/clusterState';
import type { Finding } from '../../../src/diagnosis/types';
import type { HistoryFilter, HistoryRecord } from '../../../src/history/types';
import type { ExpiryOptions } from '../../../src/token/types';

export class TestSessions implements SessionFeed {
  private readonly emitter = new Emitter<ClusterSession | undefined>();
  readonly onDidChange = this.emitter.event;

  constructor(private session: ClusterSession | undefined) {}

  current(): ClusterSession | undefined {
    return this.session;
  }

  /** A new session (or the same one re-read, as the SessionManager does after a kubeconfig edit). */
  set(session: ClusterSession | undefined): void {
    this.session = session;
    this.emitter.fire(session);
  }
}

export class TestSettings {
  namespaces: string[] = [];
  inventoryMode: InventoryModeSetting = 'auto';
  inventoryPodThreshold = 20_000;
  liveTokens: LiveTokenMode = 'onDemand';
  liveTokensIntervalSeconds = 300;
  liveTokensConcurrency = 4;
  expiryOptions: ExpiryOptions = { windowSeconds: 24 * 3600, windowFraction: 0.2 };
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;

  change(patch: Partial<Pick<TestSettings, 'namespaces' | 'liveTokens' | 'liveTokensConcurrency' | 'inventoryMode' | 'inventoryPodThreshold'>>): void {
    Object.assign(this, patch);
    this.emitter.fire();
  }
}

export class MemoryHistory {
  readonly records: HistoryRecord[] = [];

  append(records: HistoryRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }

  query(filter: HistoryFilter): HistoryRecord[] {
    return this.records.filter(
      (r) =>
        (filter.kind === undefined || r.kind === filter.kind) &&
        (filter.context === undefined || r.subject.context === filter.context) &&
        (filter.namespace === undefined || r.subject.namespace === filter.namespace) &&
        (filter.pod === undefined || r.subject.pod === filter.pod) &&
        (filter.serviceAccount === undefined || r.subject.serviceAccount === filter.serviceAccount),
    );
  }
}

export class MemoryFindings {
  readonly bySource = new Map<string, readonly Finding[]>();
  /** How many times each source was set. */
  readonly sets = new Map<string, number>();

  set(source: string, findings: readonly Finding[]): void {
    this.bySource.set(source, findings);
    this.sets.set(source, (this.sets.get(source) ?? 0) + 1);
  }
}

export class MemoryLog {
  readonly lines: string[] = [];
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
}
