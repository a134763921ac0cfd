// Choosing a pod or a service account when a command runs from the palette: all namespaces when the
// user may list them, else the context's namespace.
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
  const pods = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing pods' }, () =>
    acrossNamespaces(session, (ns) => listPods(session.api, ns)),
  );
  if (!pods.ok) {
    showFailure(services, 'list pods', pods.error);
    return undefined;
  }
  const items = pods.value
    .filter((p) => !p.terminating && filter(p))
    .map((p) => ({
      label: p.name,
      description: p.namespace,
      detail: p.owner
        ? `owned by ${p.owner.kind} ${p.owner.name} · service account ${p.serviceAccount}`
        : `no controller · service account ${p.serviceAccount}`,
      pod: p,
    }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Context ${session.context} has no pod to choose from here; check the namespace or your permissions.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Choose a pod',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return pick?.pod;
}

export async function pickServiceAccount(services: Services, session: ClusterSession, title: string): Promise<ServiceAccountSummary | undefined> {
  const sas = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing service accounts' }, () =>
    acrossNamespaces(session, (ns) => listServiceAccounts(session.api, ns)),
  );
  if (!sas.ok) {
    showFailure(services, 'list service accounts', sas.error);
    return undefined;
  }
  const items = sas.value.map((sa) => ({ label: sa.name, description: sa.namespace, sa }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      `Context ${session.context} has no service account to choose from here; check the namespace or your permissions.`,
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Choose a service account', matchOnDescription: true, ignoreFocusOut: true });
  return pick?.sa;
}
