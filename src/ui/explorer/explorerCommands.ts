// The explorer's command handlers (registered in src/ui/commands/table.ts): Refresh, Switch Context,
// Open kubeconfig, Choose kubeconfig file…, Read Live Token, Reveal Context and Copy Fingerprint.
// User-invoked, so they may speak up; the background refreshes never do.
import fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { EXPLORER_VIEW_ID } from '../../shared/commandIds';
import type { SessionManager } from '../sessionManager';
import type { ExplorerTree } from './explorerTree';
import { refOf } from '../../shared/nodeRef';
import { liveReadMessage } from './liveReadAction';

/** Refresh: re-read the kubeconfig and list again (only the node's namespace when it has one). */
export function refreshExplorer(tree: ExplorerTree, sessions: SessionManager, arg: unknown): void {
  sessions.reload();
  tree.refresh(refOf(arg));
}

/** Reveal Active Context: the explorer shown with the active context selected (the status bar's click). */
export async function revealContext(tree: ExplorerTree, sessions: SessionManager): Promise<void> {
  const session = sessions.current();
  await vscode.commands.executeCommand(`${EXPLORER_VIEW_ID}.focus`);
  if (session) await tree.reveal({ kind: 'context', context: session.context });
}

/**
 * Switch Context: from a context row of the explorer ("Switch to This Context"), straight to that context; from
 * the palette, the view's title or the active context, a pick of every context.
 */
export async function switchContext(sessions: SessionManager, arg?: unknown): Promise<void> {
  const load = sessions.load;
  const contexts = load?.contexts ?? [];
  if (!load || contexts.length === 0) {
    void vscode.window.showWarningMessage(sessions.problem ?? l10n.t('The kubeconfig defines no contexts; open or choose another kubeconfig.'));
    return;
  }
  const current = load.ok ? load.currentContext : undefined;
  const ref = refOf(arg);
  if (ref?.kind === 'context' && ref.context !== current) {
    const result = sessions.switchContext(ref.context);
    if (result.ok) vscode.window.setStatusBarMessage(l10n.t('Switched to context {0}.', ref.context), 5000);
    else void vscode.window.showErrorMessage(l10n.t('Could not switch to context {0}: {1}.', ref.context, result.message));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    contexts.map((c) => ({
      label: c.name === current ? `$(check) ${c.name}` : c.name,
      description: `${c.cluster} · ${c.user ?? l10n.t('no user')}${c.namespace ? ` · ${c.namespace}` : ''}`,
      detail: c.server,
      name: c.name,
    })),
    { title: l10n.t('Switch Context'), placeHolder: l10n.t('Context to make current (written to the kubeconfig, as kubectl config use-context does)') },
  );
  if (!picked || picked.name === current) return;
  const result = sessions.switchContext(picked.name);
  if (!result.ok) void vscode.window.showErrorMessage(l10n.t('Could not switch to context {0}: {1}.', picked.name, result.message));
}

export async function openKubeconfig(sessions: SessionManager): Promise<void> {
  const load = sessions.load;
  const file = load?.ok ? (load.contexts.find((c) => c.name === load.currentContext)?.file ?? load.files[0]) : load?.files.find((f) => fs.existsSync(f));
  if (file && fs.existsSync(file)) {
    if (!fs.statSync(file).isFile()) {
      void vscode.window.showWarningMessage(l10n.t('{0} is a directory, not a kubeconfig file; fix KUBECONFIG or choose a kubeconfig file.', file));
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    return;
  }
  const choose = l10n.t('Choose kubeconfig file…');
  const where = load?.files.join(', ') ?? '~/.kube/config';
  const answer = await vscode.window.showInformationMessage(
    l10n.t('There is no kubeconfig at {0}. Choose one, or create it with your cloud CLI.', where),
    choose,
  );
  if (answer === choose) await chooseKubeconfig();
}

export async function chooseKubeconfig(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: l10n.t('Use this kubeconfig'),
    title: l10n.t('Choose kubeconfig file'),
  });
  const file = picked?.[0];
  if (!file) return;
  const target = kubeconfigTarget();
  await vscode.workspace.getConfiguration('clusterCredentials').update('kubeconfig', file.fsPath, target);
  if (target === vscode.ConfigurationTarget.Workspace)
    vscode.window.setStatusBarMessage(l10n.t('Wrote clusterCredentials.kubeconfig to the workspace settings, which override your user settings.'), 5000);
}

/**
 * Where `clusterCredentials.kubeconfig` is in force: a Global write under a workspace value (even "") would change
 * nothing. Settings are read without a resource, so folder values never apply; untrusted workspaces only honour Global.
 */
function kubeconfigTarget(): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration('clusterCredentials').inspect<string>('kubeconfig');
  return vscode.workspace.isTrusted && inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function readLiveToken(tree: ExplorerTree, arg: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const ref = refOf(arg);
  if (!ref || (ref.kind !== 'tokenFile' && ref.kind !== 'pod')) {
    void vscode.window.showInformationMessage(l10n.t('Pick a pod or one of its token files in the Cluster Credentials explorer to read its live token.'));
    return;
  }
  // `what` for the log (English, as every log line), `shown` for the user.
  const what = ref.kind === 'pod' ? `pod ${ref.namespace}/${ref.name}` : `${ref.path} in ${ref.namespace}/${ref.pod}`;
  const shown = ref.kind === 'pod' ? l10n.t('Pod {0}', `${ref.namespace}/${ref.name}`) : l10n.t('{0} in {1}', ref.path, `${ref.namespace}/${ref.pod}`);
  // No exec where there is nothing to read, or into a pod of another context, or of a path the pod does not project.
  const refusal = tree.liveReadRefusal(ref);
  const readings =
    refusal !== undefined
      ? []
      : await vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW_ID }, title: l10n.t('Reading the live token of {0}', shown) }, () =>
          tree.readLiveTokens(ref),
        );
  for (const r of readings) {
    if (r.ok) log.info(`Read the live token of ${what}: fingerprint ${r.token.fingerprint}, jti ${r.token.claims.jti ?? 'none'}.`);
    else log.warn(`Could not read the live token of ${what}: ${r.error.message}${r.error.detail !== undefined ? ` (${r.error.detail})` : ''}`);
  }
  if (refusal !== undefined) log.info(`Did not read the live token of ${what}: ${refusal}.`);
  // Whatever happened is said: a refusal, a failure in the cluster's words, nothing to read, or what was read.
  const message = liveReadMessage(shown, refusal, readings);
  if (message.level === 'warning') void vscode.window.showWarningMessage(message.text);
  else vscode.window.setStatusBarMessage(message.text, 5000);
}

export async function copyFingerprint(tree: ExplorerTree, sessions: SessionManager, arg: unknown): Promise<void> {
  const ref = refOf(arg);
  let fingerprint: string | undefined;
  if (ref?.kind === 'tokenFile') {
    const r = tree.reading(ref);
    fingerprint = r?.ok ? r.token.fingerprint : undefined;
  } else if (ref?.kind === 'context') {
    fingerprint = sessions.current()?.provider.describe().fingerprint;
  } else if (ref?.kind === 'secret') {
    fingerprint = tree.secretFingerprint(ref.namespace, ref.name);
  }
  if (!fingerprint) {
    void vscode.window.showInformationMessage(l10n.t('There is no token fingerprint to copy here yet; read the live token first.'));
    return;
  }
  await vscode.env.clipboard.writeText(fingerprint);
  vscode.window.setStatusBarMessage(l10n.t('Copied fingerprint {0}', fingerprint), 3000);
}
