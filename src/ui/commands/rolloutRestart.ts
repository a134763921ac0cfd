// Rollout Restart: the owner of a pod (Deployment through its ReplicaSet, StatefulSet, DaemonSet),
// confirmed, then patched as `kubectl rollout restart` does, then followed until its new pods run on a
// node; a 409 offers to look again.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { isRunningOnNode } from '../../cluster/actions/restartPod';
import { followRollout, rolloutRestart as patchRestart, workloadOfPod } from '../../cluster/actions/rolloutRestart';
import { refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { confirm, sessionFor, show, showFailure, withCancellableProgress } from './common';
import { pickPod } from './pickers';
import { podTargetOf } from './restartPod';
import { podName, rolloutConfirmation, rolloutResult, sentence } from './sentences';

const RESTARTABLE = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

export async function rolloutRestartCommand(cc: CommandContext, arg?: unknown): Promise<{ outcome: string; restartedAt?: string } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const session = sessionFor(services, ref);
  if (!session) return undefined;

  let target = podTargetOf(ref);
  if (!target) {
    const chosen = await pickPod(
      services,
      session,
      l10n.t('Rollout Restart: choose a pod of the workload'),
      (p) => p.owner !== undefined && RESTARTABLE.has(p.owner.kind),
    );
    if (!chosen) return undefined;
    target = { namespace: chosen.namespace, name: chosen.name };
  }
  const pod = target;
  const workload = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Finding the owner of {0}', podName(pod)) }, () =>
    workloadOfPod(session.api, { namespace: pod.namespace, name: pod.name }),
  );
  if (!workload.ok) {
    showFailure(services, l10n.t('rollout restart the owner of pod {0}', podName(pod)), workload.error);
    return undefined;
  }
  const w = workload.value;
  if (!(await confirm(rolloutConfirmation(w, session.context)))) return { outcome: 'notConfirmed' };

  const res = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: l10n.t('Restarting {0} {1}', w.kind, `${w.namespace}/${w.name}`) },
    () => patchRestart(session.api, w, { resourceVersion: w.resourceVersion }),
  );
  if (!res.ok) {
    if (res.error.kind === 'conflict') {
      services.log.warn(`Rollout Restart: ${w.kind} ${w.namespace}/${w.name} changed before the patch (409); not restarted.`);
      const lookAgain = l10n.t('Look Again');
      const pick = await vscode.window.showWarningMessage(sentence(res.error.message), lookAgain);
      if (pick === lookAgain) return rolloutRestartCommand(cc, arg);
      return { outcome: 'conflict' };
    }
    showFailure(services, l10n.t('rollout restart {0} {1}', w.kind, `${w.namespace}/${w.name}`), res.error);
    return undefined;
  }
  services.log.info(
    `Rollout Restart: patched ${w.kind} ${w.namespace}/${w.name} in context ${session.context} with ${'kubectl.kubernetes.io/restartedAt'}=${res.value.restartedAt} (resourceVersion ${res.value.resourceVersion}).`,
  );
  services.explorer.refresh({ kind: 'namespace', context: session.context, namespace: w.namespace });
  // Followed (cancellable, bounded) until its new pods run on a node: only then do they have a token to promise.
  const restarted = res.value;
  const followed = await withCancellableProgress(l10n.t('Following {0} {1}', w.kind, `${w.namespace}/${w.name}`), (signal, report) =>
    followRollout(session.api, restarted, {
      signal,
      onPods: (pods) => {
        const waiting = pods.filter((p) => !isRunningOnNode(p)).length;
        report(pods.length === 0 ? l10n.t('waiting for its new pods…') : l10n.t('{0} new pod(s), {1} not running on a node yet…', pods.length, waiting));
      },
    }),
  );
  if (!followed.ok) {
    showFailure(services, l10n.t('follow the restart of {0} {1}', w.kind, `${w.namespace}/${w.name}`), followed.error);
    return { outcome: 'restarted', restartedAt: restarted.restartedAt };
  }
  services.explorer.refresh({ kind: 'namespace', context: session.context, namespace: w.namespace });
  const said = rolloutResult(restarted, followed.value, session.context);
  services.log.info(`Rollout Restart: ${said.text}`);
  void show(said.level, said.text);
  return { outcome: 'restarted', restartedAt: restarted.restartedAt };
}
