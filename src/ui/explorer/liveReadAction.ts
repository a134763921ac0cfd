// Read Live Token from the tree: offered only on pods (and their token files) that run on a node, and
// answered, whatever happens, with a sentence. Pure: the command shows what this returns.
import * as l10n from '@vscode/l10n';
import type { LiveTokenReading, PodItem } from '../../cluster/inventory/types';

/** The contextValue flag of a pod, and of its token files, running on a node: the menus offer Read Live Token only there. */
export const RUNNING_FLAG = 'running';

/** On a node, Running and not terminating: only there is a token file to read (the API server refuses exec on no node). */
export function runsOnNode(pod: PodItem): boolean {
  return pod.nodeName !== undefined && pod.nodeName !== '' && pod.phase === 'Running' && !pod.deleting;
}

export interface LiveReadMessage {
  level: 'info' | 'warning';
  text: string;
}

/**
 * What to tell the user after a Read Live Token of `what` ("pod payments/api-1"): why it was not read (`refusal`),
 * what failed (the cluster's own words), that nothing was there to read, or what was read. Never nothing.
 */
export function liveReadMessage(what: string, refusal: string | undefined, readings: readonly LiveTokenReading[]): LiveReadMessage {
  if (refusal !== undefined) return { level: 'warning', text: l10n.t('Cannot read the live token of {0}: {1}.', what, refusal) };
  if (readings.length === 0) {
    return { level: 'warning', text: l10n.t('Read no live token of {0}: it has no token file to read now; refresh the explorer and try again.', what) };
  }
  const failed = readings.filter((r): r is Extract<LiveTokenReading, { ok: false }> => !r.ok);
  const [first] = failed;
  if (first !== undefined) {
    const text =
      readings.length > 1
        ? l10n.t('Could not read the live token of {0} ({1} of {2} token files): {3}', what, failed.length, readings.length, first.error.message)
        : l10n.t('Could not read the live token of {0}: {1}', what, first.error.message);
    return { level: 'warning', text };
  }
  const text =
    readings.length === 1
      ? l10n.t('Read the live token of {0} (its token file); the explorer shows it.', what)
      : l10n.t('Read the live token of {0} (its {1} token files); the explorer shows it.', what, readings.length);
  return { level: 'info', text };
}
