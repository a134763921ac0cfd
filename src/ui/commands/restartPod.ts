// Restart Pod: confirm (naming pod, namespace and context), delete, follow until the replacement runs on a node.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { getPod, type PodSummary, type PodTarget } from '../../cluster/actions/pods';
import { restartPod as restart } from '../../cluster/actions/restartPod';
import { type NodeRef, type PodRef, refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { confirm, sessionFor, show, showFailure, withCancellableProgress } from './common';
import { pickPod } from './pickers';
import { podName, restartConfirmation, restartLogLine, restartResult } from './sentences';
import { COMMAND } from '../../shared/commandIds';
import { errorMessage } from '../../shared/values';

export function podTargetOf(ref: NodeRef | undefined): PodTarget | undefined {
  if (ref?.kind === 'pod') return { namespace: ref.namespace, name: ref.name, uid: ref.uid };
  if (ref?.kind === 'tokenFile') return { namespace: ref.namespace, name: ref.pod, uid: ref.podUid };
  return undefined;
}

export function podRefOf(context: string, p: PodSummary): PodRef {
  const ref: PodRef = { kind: 'pod', context, namespace: p.namespace, name: p.name, uid: p.uid, serviceAccount: p.serviceAccount };
  if (p.owner) ref.owner = { kind: p.owner.kind, name: p.owner.name };
  return ref;
}

export async function restartPodCommand(cc: CommandContext, arg?: unknown): Promise<{ outcome: string; replacement?: string } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const session = sessionFor(services, ref);
  if (!session) return undefined;

  let target = podTargetOf(ref);
  if (!target) {
    const chosen = await pickPod(services, session, l10n.t('Restart Pod'));
    if (!chosen) return undefined;
    target = { namespace: chosen.namespace, name: chosen.name, uid: chosen.uid };
  }
  // Read it again: the owner decides what the confirmation must say.
  const current = await getPod(session.api, target);
  if (!current.ok) {
    showFailure(services, l10n.t('restart pod {0}', podName(target)), current.error);
    return undefined;
  }
  if (!(await confirm(restartConfirmation(current.value, session.context)))) return { outcome: 'notConfirmed' };

  const title = current.value.owner ? l10n.t('Restarting pod {0}', podName(target)) : l10n.t('Deleting pod {0}', podName(target));
  const res = await withCancellableProgress(title, (signal, report) =>
    restart(
      session.api,
      { ...target, uid: current.value.uid },
      {
        signal,
        onStage: (stage, pod) =>
          report(
            stage === 'deleting'
              ? l10n.t('deleting the pod…')
              : stage === 'waitingForReplacement'
                ? l10n.t('waiting for its replacement…')
                : l10n.t('replacement {0} is Pending: waiting for it to start on a node…', pod.name),
          ),
      },
    ),
  );
  if (!res.ok) {
    showFailure(services, l10n.t('restart pod {0}', podName(target)), res.error);
    return undefined;
  }
  const outcome = res.value;
  const line = restartLogLine(outcome, session.context);
  if (line) services.log.info(line);
  const said = restartResult(outcome, session.context);
  services.explorer.refresh({ kind: 'namespace', context: session.context, namespace: target.namespace });
  if (outcome.kind === 'replaced') {
    const next = podRefOf(session.context, outcome.replacement);
    const revealPod = l10n.t('Reveal Pod');
    void show(said.level, said.text, revealPod).then((pick) => {
      if (pick === revealPod) void services.explorer.reveal(next);
    });
    // A Pending pod has no token file to read yet.
    if (outcome.running) await readFreshToken(cc, next);
    return { outcome: outcome.kind, replacement: outcome.replacement.name };
  }
  void show(said.level, said.text);
  return { outcome: outcome.kind };
}

/**
 * With live tokens on demand, the replacement's token is read (and so recorded in history) by the explorer's
 * reader; in `auto` mode its next pass does it anyway, and `off` means never.
 */
async function readFreshToken(cc: CommandContext, pod: PodRef): Promise<void> {
  if (cc.services.settings.liveTokens !== 'onDemand') return;
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes(COMMAND.readLiveToken)) return;
  try {
    await vscode.commands.executeCommand(COMMAND.readLiveToken, pod);
  } catch (err) {
    cc.services.log.warn(`Could not read the token of the new pod ${podName(pod)}: ${errorMessage(err)}`);
  }
}
