// Choosing a pod or a service account when a command runs from the palette: all namespaces when the
// user may list them, else the context's namespace.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { ActionResult } from '../../cluster/actions/result';
import { type PodSummary, listPods } from '../../cluster/actions/pods';
import { type ServiceAccountSummary, listServiceAccounts } from '../../cluster/actions/serviceAccounts';
import type { ClusterSession } from '../../cluster/auth/session';
import type { Services } from '../services';
import { showFailure } from './common';

async function acrossNamespaces<T>(session: ClusterSession, list: (ns: string | undefined) => Promise<ActionResult<T[]>>): Promise<ActionResult<T[]>> {
  const all = await list(undefined);
  if (all.ok || all.error.kind !== 'forbidden') return all;
  return list(session.provider.namespace ?? 'default');
}

export async function pickPod(
  services: Services,
  session: ClusterSession,
  title: string,
  filter: (p: PodSummary) => boolean = () => true,
): Promise<PodSummary | undefined> {
  const pods = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Listing pods') }, () =>
    acrossNamespaces(session, (ns) => listPods(session.api, ns)),
  );
  if (!pods.ok) {
    showFailure(services, l10n.t('list pods'), pods.error);
    return undefined;
  }
  const items = pods.value
    .filter((p) => !p.terminating && filter(p))
    .map((p) => ({
      label: p.name,
      description: p.namespace,
      detail: p.owner
        ? l10n.t('owned by {0} {1} · service account {2}', p.owner.kind, p.owner.name, p.serviceAccount)
        : l10n.t('no controller · service account {0}', p.serviceAccount),
      pod: p,
    }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(l10n.t('Context {0} has no pod to choose from here; check the namespace or your permissions.', session.context));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: l10n.t('Choose a pod'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return pick?.pod;
}

export async function pickServiceAccount(services: Services, session: ClusterSession, title: string): Promise<ServiceAccountSummary | undefined> {
  const sas = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Listing service accounts') }, () =>
    acrossNamespaces(session, (ns) => listServiceAccounts(session.api, ns)),
  );
  if (!sas.ok) {
    showFailure(services, l10n.t('list service accounts'), sas.error);
    return undefined;
  }
  const items = sas.value.map((sa) => ({ label: sa.name, description: sa.namespace, sa }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      l10n.t('Context {0} has no service account to choose from here; check the namespace or your permissions.', session.context),
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: l10n.t('Choose a service account'),
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return pick?.sa;
}
