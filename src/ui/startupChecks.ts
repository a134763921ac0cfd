// What the settings ask to run by itself once the cluster is first used in a window: a scan of every
// namespace's logs and events for 401s (clusterCredentials.scan.onStart, once per context) and a
// concurrency probe of named contexts (clusterCredentials.probe.onStart, once per context). Both are
// off by default and restricted, so a cloned workspace cannot turn them on; the demo workspace does,
// so its incidents show without a command. They run in the background with a window progress and say
// what they found in the log; a failure is a log line, never a popup: nobody asked for them just now.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { probeConcurrency, probeTransportOf } from '../cluster/actions/probeConcurrency';
import type { ClusterSession, SessionOpen } from '../cluster/auth/session';
import { errorMessage } from '../shared/values';
import type { CommandContext } from './commands/context';
import { keepProbe } from './commands/probeConcurrency';
import type { FindingsService } from './findingsService';
import type { Services } from './services';

export interface StartupChecksDeps {
  services: Services;
  diagnosis: FindingsService;
  /** The probes' findings, shared with Probe Token Under Concurrency. */
  cc: Pick<CommandContext, 'services' | 'probes'>;
  /** A session of its own for a named context; its exec plugin never runs. */
  openContext(context: string): SessionOpen;
}

export class StartupChecks implements vscode.Disposable {
  private started = false;
  private readonly scanned = new Set<string>();
  private readonly probed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The checks begun so far, chained so that they run one at a time. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: StartupChecksDeps) {}

  /** Called whenever the cluster is used (explorer shown, a cluster command); runs the checks once each. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { services } = this.deps;
    this.subscriptions.push(
      services.sessions.onDidChange(() => this.kick()),
      services.settings.onDidChange((change) => {
        if (change.affects('scan.onStart', 'probe.onStart')) this.kick();
      }),
    );
    this.kick();
  }

  private kick(): void {
    this.running = this.running.then(() => this.runDue()).catch((err: unknown) => this.deps.services.log.warn(`Checks at start: ${errorMessage(err)}`));
  }

  private async runDue(): Promise<void> {
    const { services } = this.deps;
    const session = services.sessions.current();
    if (services.settings.scanOnStart && session !== undefined && !this.scanned.has(session.context)) {
      this.scanned.add(session.context);
      await this.scan(session);
    }
    for (const context of services.settings.probeOnStart) {
      if (this.probed.has(context)) continue;
      this.probed.add(context);
      await this.probe(context);
    }
  }

  private async scan(session: ClusterSession): Promise<void> {
    const { services, diagnosis } = this.deps;
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: l10n.t('Cluster Credentials: scanning {0} for 401 errors', session.context) },
      () => diagnosis.scan(session, { kind: 'context' }),
    );
    if (outcome === undefined) return;
    const unread = outcome.unread.length > 0 ? `; ${outcome.unread.length} of them could not be read` : '';
    services.log.info(
      `Scan at start (clusterCredentials.scan.onStart) of ${session.context}: ${outcome.pods} pod(s)${unread}, ${outcome.findings.length} finding(s).`,
    );
  }

  private async probe(context: string): Promise<void> {
    const { services, cc } = this.deps;
    const opened = this.deps.openContext(context);
    if (!opened.ok) {
      services.log.warn(`Probe at start (clusterCredentials.probe.onStart) of context ${context} skipped: ${opened.message}.`);
      return;
    }
    const { session } = opened;
    try {
      if (session.provider.describe().kind === 'exec') {
        services.log.info(
          `Probe at start of context ${context} skipped: its credential is an exec plugin, which runs only for the active context or when you ask.`,
        );
        return;
      }
      const requests = services.settings.probeRequests;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: l10n.t('Cluster Credentials: probing {0} with {1} parallel requests', context, requests) },
        () =>
          probeConcurrency(session.provider, {
            requests,
            credential: { kind: 'active' },
            ...probeTransportOf(session.api),
          }),
      );
      if (!result.ok) {
        services.log.warn(`Probe at start of context ${context} failed: ${result.error.message}`);
        return;
      }
      const outcome = result.value;
      const findings = keepProbe(cc, outcome, { context });
      services.log.info(
        `Probe at start (clusterCredentials.probe.onStart) of context ${context}: ${outcome.ok} of ${outcome.total} passed, ${outcome.unauthorized} got 401, ${outcome.other} other; ${findings.length} finding(s).`,
      );
    } finally {
      void session.api.dispose();
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
