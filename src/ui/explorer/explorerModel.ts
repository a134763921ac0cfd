// Builds the whole explorer model from one inventory snapshot, the session and the live readings.
// Pure and synchronous: the tree provider rebuilds it on every change and serves nodes from it, so
// expanding or collapsing a node never asks the cluster anything.
import * as l10n from '@vscode/l10n';
import type { ExplorerModel, ExplorerNode, ModelInput } from './explorerNode';
import type { NodeRef } from '../../shared/nodeRef';
import { gapsOf, inventoryCoverage, isComplete, sessionBrief, unreadableBrief } from '../../cluster/inventory/coverage';
import { contextRoots } from './contextRows';
import { contextNode, errorNode, findingsNode, problemNode } from './statusNodes';
import { groupBy, namespaceNode, type NamespaceContents } from './workloadNodes';
import { inventoryModeNode, listsPerNamespace, podListingOf } from './inventoryModeNodes';

/** How long the tree waits after a change of the inventory or the findings before it rebuilds (a burst is one rebuild). */
export const TREE_REBUILD_DELAY_MS = 50;

export function buildExplorerModel(input: ModelInput): ExplorerModel {
  const roots: ExplorerNode[] = [];
  const session = input.session;
  if (!session) {
    // No kubeconfig at all: an empty tree lets the welcome view ("Open kubeconfig", "Choose kubeconfig file…") show.
    if (input.problem && !input.problem.noKubeconfig) {
      const action = input.problem.noContext === true ? 'switchContext' : 'openKubeconfig';
      roots.push(problemNode('session', input.problem.message, 'error', action));
    }
    return indexModel(roots);
  }
  const inv = input.inventory;
  const coverage = inv ? inventoryCoverage(inv, input.fallbackReason) : undefined;
  // One context: the tree starts with it, as it always has. Several: every context is a row, worst first.
  const contexts = input.contexts !== undefined && input.contexts.length > 1 ? input.contexts : undefined;
  const ctx = contextNode(session, input.nowSec, input.expiry, coverage, contexts !== undefined, inv?.scope);
  const children: ExplorerNode[] = [];
  if (!inv) children.push({ id: `${ctx.id}/loading`, label: l10n.t('Loading service accounts and pods…'), icon: 'loading~spin', tone: 'muted', parent: ctx });
  const nowMs = input.nowSec * 1000;
  // A cause of the whole session (401, unreachable, TLS) is one line on the context, however many lists it stopped.
  const stopped = coverage?.session;
  if (stopped) children.push(errorNode(`${ctx.id}/session`, stopped.error, session.credential, nowMs, stopped.retryAtMs, ctx));
  if (input.fallbackReason && inv) {
    const shown = inv.namespaces.map((n) => n.name).join(', ');
    children.push(
      problemNode(`${ctx.id}/fallback`, l10n.t('showing only namespace {0}: {1}', shown, input.fallbackReason.message), 'warning', undefined, undefined, ctx),
    );
  }
  const perNamespace = listsPerNamespace(inv?.scope) ? inv?.scope : undefined;
  if (perNamespace) children.push(inventoryModeNode(perNamespace, ctx));
  if (inv && coverage) {
    // Causes of one list: the cluster-wide ones belong to the context, per-namespace ones to their namespace.
    for (const gap of coverage.gaps) {
      if (gap.scope === '*') children.push(errorNode(`${ctx.id}/${gap.kind}`, gap.error, session.credential, nowMs, gap.retryAtMs, ctx));
    }
    const loading = [...inv.status.pods.values()].some((s) => s.state === 'loading') && inv.pods.length === 0;
    if (loading)
      children.push({ id: `${ctx.id}/loading`, label: l10n.t('Loading service accounts and pods…'), icon: 'loading~spin', tone: 'muted', parent: ctx });
    const pods = groupBy(inv.pods, (p) => p.namespace);
    const sas = groupBy(inv.serviceAccounts, (s) => s.namespace);
    const secrets = groupBy(inv.secrets, (s) => s.namespace);
    const names = new Set(inv.namespaces.map((n) => n.name));
    const accounts = inv.status.serviceaccounts;
    // Pods can arrive before their namespace does; show them anyway.
    if (!inv.namespacesFixed) for (const ns of pods.keys()) names.add(ns);
    for (const name of [...names].sort()) {
      const contents: NamespaceContents = {
        serviceAccounts: sas.get(name) ?? [],
        pods: pods.get(name) ?? [],
        secrets: secrets.get(name) ?? [],
        podListing: podListingOf(inv, name),
        serviceAccountsLoading: (accounts.get(name) ?? accounts.get('*'))?.state === 'loading',
      };
      children.push(namespaceNode(input, session.context, name, contents, gapsOf(coverage, name), ctx));
    }
  }
  ctx.children = children;
  const unread =
    coverage && !isComplete(coverage)
      ? coverage.session
        ? sessionBrief(coverage.session.error)
        : unreadableBrief(coverage)
      : perNamespace
        ? l10n.t('pods of namespaces not opened')
        : undefined;
  roots.push(...(contexts ? contextRoots(contexts, ctx, input.nowSec) : [ctx]));
  roots.push(findingsNode(input.findings, session.context, unread, input.audit, input.remoteWindow === true));
  return indexModel(roots);
}

/** A key for each ref, so reveal finds the node whatever path leads to it. */
export function refKey(ref: NodeRef): string {
  switch (ref.kind) {
    case 'context':
      return `context:${ref.context}`;
    case 'namespace':
      return `namespace:${ref.namespace}`;
    case 'serviceAccount':
      return `serviceAccount:${ref.namespace}/${ref.name}`;
    case 'pod':
      return `pod:${ref.namespace}/${ref.name}`;
    case 'secret':
      return `secret:${ref.namespace}/${ref.name}`;
    case 'tokenFile':
      return `tokenFile:${ref.podUid}/${ref.container}/${ref.path}`;
    case 'finding':
      return `finding:${ref.findingId}`;
  }
}

function indexModel(roots: ExplorerNode[]): ExplorerModel {
  const byId = new Map<string, ExplorerNode>();
  const byRef = new Map<string, ExplorerNode>();
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    byId.set(node.id, node);
    if (node.ref) byRef.set(refKey(node.ref), node);
    if (node.children) for (const c of node.children) stack.push(c);
  }
  return { roots, byId, find: (ref) => byRef.get(refKey(ref)) };
}
