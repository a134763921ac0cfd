// What the explorer model tests share: finding a child by label, and a session as the model takes it.
import assert from 'node:assert/strict';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { childrenOf, type ExplorerNode, type ModelSession } from '../../../../src/ui/explorer/explorerNode';

/** The child of `node` (the roots when undefined) whose label is, or matches, `label`; fails naming the children there are. */
export function child(node: ExplorerNode | undefined, label: string | RegExp): ExplorerNode {
  const children = node ? childrenOf(node) : [];
  const found = children.find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
  assert.ok(found, `${node?.label ?? 'root'} has a child ${String(label)} (has: ${node ? children.map((c) => c.label).join(', ') : 'none'})`);
  return found;
}

export function modelSession(session: ClusterSession): ModelSession {
  return { context: session.context, summary: session.summary, credential: session.provider.describe() };
}
