// Read Live Token from the tree: offered only on pods (and their token files) that run on a node, and
// answered, whatever happens, with a sentence. Pure: the command shows what this returns.
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
  if (refusal !== undefined) return { level: 'warning', text: `Cannot read the live token of ${what}: ${refusal}.` };
  if (readings.length === 0) {
    return { level: 'warning', text: `Read no live token of ${what}: it has no token file to read now; refresh the explorer and try again.` };
  }
  const failed = readings.filter((r): r is Extract<LiveTokenReading, { ok: false }> => !r.ok);
  const [first] = failed;
  if (first !== undefined) {
    const of = readings.length > 1 ? ` (${failed.length} of ${readings.length} token files)` : '';
    return { level: 'warning', text: `Could not read the live token of ${what}${of}: ${first.error.message}` };
  }
  const files = readings.length === 1 ? 'its token file' : `its ${readings.length} token files`;
  return { level: 'info', text: `Read the live token of ${what} (${files}); the explorer shows it.` };
}
