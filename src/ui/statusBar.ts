// The status bar item: the active context and its credential's time left, in the warning or error
// colours near and after expiry, from the shared cluster state. Clicking it reveals the context node.
// It also warns when another context's credential has expired or is about to (read offline, never run),
// unless clusterCredentials.statusBar.contexts limits it to the active context.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { COMMAND, SHOW_CONTAINER_COMMAND } from '../shared/commandIds';
import type { ClusterState } from '../app/clusterState';
import { contextCredentialRows, contextsNeedingAttention } from '../cluster/auth/contextCredentials';
import type { CredentialDescription } from '../cluster/auth/credentialDescription';
import { execRuns } from '../cluster/auth/execRuns';
import type { KubeconfigLoad } from '../cluster/auth/kubeconfig';
import { severityOfState, type Severity } from '../diagnosis/severity';
import { contextsWarning } from './explorer/contextRows';
import { credentialState, credentialSummary, credentialKindLabel, isLoginNeeded } from './explorer/statusNodes';
import { instant, markdownRows } from './explorer/tooltips';
import type { Settings } from './settings';

/** The kubeconfig as last loaded, for the other contexts (the SessionManager). */
export interface KubeconfigFeed {
  readonly load: KubeconfigLoad | undefined;
  readonly onDidChange: vscode.Event<unknown>;
}

const TICK_MS = 30_000;

export class CredentialStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('clusterCredentials.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly state: ClusterState,
    private readonly settings: Settings,
    private readonly kubeconfig?: KubeconfigFeed,
  ) {
    this.item.name = 'Cluster Credentials';
    this.item.command = COMMAND.revealContext;
    // The session source speaking (a new session, a rotated token file) or a setting: not list churn.
    this.subscriptions.push(
      state.onDidChange((e) => {
        if (e.session) this.update();
      }),
      settings.onDidChange(() => this.update()),
      // Another context's plugin answer, or a kubeconfig edited elsewhere, changes what the warning says.
      execRuns.onDidRecord(() => this.update()),
    );
    if (kubeconfig) this.subscriptions.push(kubeconfig.onDidChange(() => this.update()));
    this.timer = setInterval(() => this.update(), TICK_MS);
    this.update();
  }

  update(): void {
    const session = this.state.session;
    if (!session) {
      this.item.hide();
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const d = session.provider.describe();
    const summary = credentialSummary(d, now, this.settings.expiryOptions);
    const severity = summary.state === undefined ? undefined : severityOfState(summary.state);
    const loginNeeded = isLoginNeeded(d);
    const icon = loginNeeded ? '$(sign-in)' : severity === 'error' ? '$(error)' : severity === 'warning' ? '$(warning)' : '$(key)';
    // A login to finish is one click away; otherwise the click reveals the context.
    this.item.command = loginNeeded ? COMMAND.signIn : COMMAND.revealContext;
    const others = this.otherContexts(session.context, d, now);
    // The state without the kind ("expires in 3 h"); the kind where no state is known.
    const stateWords = credentialState(d, now, this.settings.expiryOptions).words ?? credentialKindLabel(d);
    this.item.text = `${icon} ${session.context} · ${stateWords}${others ? ` · $(warning) ${others.text}` : ''}`;
    this.item.backgroundColor =
      severity === 'error' || loginNeeded
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const active = markdownRows(
      l10n.t('Context {0}', session.context),
      [
        [l10n.t('Server'), session.summary.server],
        [l10n.t('User'), session.summary.user],
        [l10n.t('Credential'), credentialKindLabel(d)],
        [l10n.t('Expires'), instant(d.expiresAtSec)],
        [l10n.t('Fingerprint'), d.fingerprint],
      ],
      d.problem,
    );
    const md = new vscode.MarkdownString(
      others
        ? `${active}\n\n---\n\n${markdownRows(
            others.heading,
            others.rows,
            l10n.t(
              'Switch to one from the Cluster Credentials explorer; set clusterCredentials.statusBar.contexts to active to warn only about the active context.',
            ),
          )}`
        : active,
    );
    md.isTrusted = false;
    md.supportHtml = false;
    this.item.tooltip = md;
    this.item.accessibilityInformation = {
      label: others
        ? l10n.t('Cluster Credentials: context {0}, {1}; {2}', session.context, summary.text, others.text)
        : l10n.t('Cluster Credentials: context {0}, {1}', session.context, summary.text),
    };
    this.item.show();
  }

  /** The other contexts whose credential has expired or is inside the warning window, in words; none with one context. */
  private otherContexts(context: string, credential: CredentialDescription, nowSec: number): ReturnType<typeof contextsWarning> {
    const load = this.kubeconfig?.load;
    const scope = this.settings.statusBarContexts;
    if (scope === 'active' || !load?.ok || load.contexts.length < 2) return undefined;
    const rows = contextCredentialRows(load, execRuns, nowSec, this.settings.expiryOptions, { context, credential });
    return contextsWarning(contextsNeedingAttention(rows, scope));
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** Findings as the explorer's Findings node holds them: what the Findings node's items have, one line. */
export interface FindingsFeed {
  all(): readonly { severity: Severity }[];
  readonly onDidChange: vscode.Event<void>;
}

/**
 * "N findings" beside the credential while there are any (hidden with none), in the worst one's colour; a
 * click shows the explorer, whose Findings node lists them.
 */
export class FindingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('clusterCredentials.findings', vscode.StatusBarAlignment.Left, 49);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly findings: FindingsFeed) {
    this.item.name = l10n.t('Cluster Credentials Findings');
    this.item.command = { command: SHOW_CONTAINER_COMMAND, title: l10n.t('Show Findings') };
    this.subscription = findings.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const all = this.findings.all();
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const errors = all.filter((f) => f.severity === 'error').length;
    const warnings = all.filter((f) => f.severity === 'warning').length;
    const text = findingsCountText(all.length);
    this.item.text = `${errors > 0 ? '$(error)' : warnings > 0 ? '$(warning)' : '$(info)'} ${text}`;
    const errorsText = errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', errors);
    const warningsText = warnings === 1 ? l10n.t('1 warning') : l10n.t('{0} warnings', warnings);
    this.item.tooltip = l10n.t("Cluster Credentials: {0} ({1}, {2}). Click to see them in the explorer's Findings.", text, errorsText, warningsText);
    this.item.accessibilityInformation = { label: l10n.t('Cluster Credentials: {0}', text) };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

function findingsCountText(n: number): string {
  return n === 1 ? l10n.t('1 finding') : l10n.t('{0} findings', n);
}
