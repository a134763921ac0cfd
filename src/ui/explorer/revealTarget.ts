// The node a reveal lands on. On a cluster listed per namespace (inventoryMode.ts) an object of a namespace nobody
// opened is not in the tree yet: the reveal holds that namespace (as a scan borrows one), waits for its own lists
// (not the whole inventory's), and looks again. The hold is given back once the reveal is done: by then the tree
// has opened the namespace, which holds it as any opened namespace; a reveal that found nothing leaves nothing held.
import type { Inventory } from '../../cluster/inventory/inventory';
import type { NodeRef } from '../../shared/nodeRef';
import type { ExplorerNode } from './explorerNode';

/** What of the active session a reveal needs. */
export interface RevealSession {
  readonly session: { readonly context: string };
  readonly inventory: Pick<Inventory, 'borrow' | 'whenListed' | 'snapshot'>;
}

export interface RevealTarget {
  node: ExplorerNode | undefined;
  /** Gives back the namespace the reveal held, if it held one: call once the reveal is done. */
  release: () => void;
}

const NOTHING_HELD = (): void => undefined;

/** `find` looks in a model built now; it is asked again once the namespace's lists have answered. */
export async function revealTarget(ref: NodeRef, state: RevealSession | undefined, find: () => ExplorerNode | undefined): Promise<RevealTarget> {
  const node = find();
  if (node || !state || !('namespace' in ref) || ref.kind === 'namespace' || state.session.context !== ref.context) return { node, release: NOTHING_HELD };
  const snapshot = state.inventory.snapshot();
  // Only a cluster listed per namespace leaves a namespace out; pinned namespaces are all there is to look in.
  if (snapshot.scope?.mode !== 'namespaces' || snapshot.namespacesFixed) return { node, release: NOTHING_HELD };
  const release = state.inventory.borrow(ref.namespace);
  await state.inventory.whenListed(ref.namespace);
  return { node: find(), release };
}
