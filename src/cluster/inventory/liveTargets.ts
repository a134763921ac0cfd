// The token files whose live token can be read: those of running pods, since exec needs a running container.
import type { LiveTokenTarget, PodItem } from './types';

/** Every projected token file of these pods, skipping pods not running or being deleted. */
export function liveTargetsOf(pods: readonly PodItem[]): LiveTokenTarget[] {
  const out: LiveTokenTarget[] = [];
  for (const p of pods) {
    if (p.phase !== 'Running' || p.deleting) continue;
    for (const c of p.containers) for (const t of c.tokens) out.push({ namespace: p.namespace, pod: p.name, podUid: p.uid, container: c.name, path: t.path });
  }
  return out;
}
