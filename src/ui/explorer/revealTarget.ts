// The node a reveal lands on. On a cluster listed per namespace (inventoryMode.ts) an object of a namespace nobody
// opened is not in the tree yet: its namespace is opened, as expanding it would (a reveal expands it anyway), and
// the node is looked for again once the namespace's lists have answered.
import type { Inventory } from '../../cluster/inventory/inventory';
import type { NodeRef } from '../../shared/nodeRef';
import type { ExplorerNode } from './explorerNode';

/** What of the active session a reveal needs. */
export interface RevealSession {
  readonly session: { readonly context: string };
  readonly inventory: Pick<Inventory, 'open' | 'whenSettled'>;
}

/** `find` looks in a model built now; it is asked again after the namespace is listed. */
export async function revealTarget(ref: NodeRef, state: RevealSession | undefined, find: () => ExplorerNode | undefined): Promise<ExplorerNode | undefined> {
  const node = find();
  if (node || !state || !('namespace' in ref) || ref.kind === 'namespace' || state.session.context !== ref.context) return node;
  state.inventory.open(ref.namespace);
  await state.inventory.whenSettled();
  return find();
}
