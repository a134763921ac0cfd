// Key order of stored objects. JSON clients ignore it, but people reading `kubectl get -o json`
// and the fixtures do not, so objects are kept in the order kube-apiserver prints them.

import type { KubeObject } from './types';

type Obj = Record<string, unknown>;

/**
 * Rebuild `o` with `order` keys first (when present) and any others after, keeping values, and
 * dropping undefined ones. An object already so is returned as it is (no copy for bulk writes).
 */
export function reorder<T extends Obj>(o: T, order: readonly string[]): T {
  if (inOrder(o, order)) return o;
  const out: Obj = {};
  for (const k of order) if (k in o && o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as T;
}

function inOrder(o: Obj, order: readonly string[]): boolean {
  let next = 0;
  let others = false;
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) return false;
    const i = order.indexOf(k, next);
    if (i === -1) {
      // A listed key after an unlisted one, or out of its turn, needs the rebuild.
      if (order.includes(k)) return false;
      others = true;
    } else if (others) return false;
    else next = i + 1;
  }
  return true;
}

const METADATA_ORDER = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** kind, apiVersion, metadata (in its own order), then the rest as given. */
export function canonicalObject<T extends KubeObject>(o: T): T {
  const out = reorder(o, ['kind', 'apiVersion', 'metadata']);
  out.metadata = reorder(o.metadata as unknown as Obj, METADATA_ORDER) as unknown as T['metadata'];
  return out;
}
