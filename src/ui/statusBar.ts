// The status bar item: the active context and its credential's time left, in the warning or error
// colours near and after expiry, from the shared cluster state. Clicking it reveals the context node.
import * as vscode from 'vscode';
import { COMMAND } from '../shared/commandIds';
import type { ClusterState } from '../app/clusterState';
import { severityOfState } from '../diagnosis/severity';
import { credentialSummary, credentialKindLabel } from './explorer/statusNodes';
import { instant, markdownRows } from './explorer/tooltips';
import type { Settings } from './settings';

const TICK_MS = 30_000;

export class CredentialStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('clusterCredentials.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly state: ClusterState,
    private readonly settings: Settings,
  ) {
    this.item.name = 'Cluster Credentials';
    this.item.command = COMMAND.revealContext;
    // The session source speaking (a new session, a rotated token file) or a setting: not list churn.
    this.subscriptions.push(
      state.onDidChange((e) => {
        if (e.session) this.update();
      }),
      settings.onDidChange(() => this.update()),
    );
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
    const icon = severity === 'error' ? '$(error)' : severity === 'warning' ? '$(warning)' : '$(key)';
    this.item.text = `${icon} ${session.context} · ${summary.text.replace(`${credentialKindLabel(d)} · `, '')}`;
    this.item.backgroundColor =
      severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const md = new vscode.MarkdownString(
      markdownRows(
        `Context ${session.context}`,
        [
          ['Server', session.summary.server],
          ['User', session.summary.user],
          ['Credential', credentialKindLabel(d)],
          ['Expires', instant(d.expiresAtSec)],
          ['Fingerprint', d.fingerprint],
        ],
        d.problem,
      ),
    );
    md.isTrusted = false;
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `Cluster Credentials: context ${session.context}, ${summary.text}` };
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
