// What the tree says of the inventory's mode (src/cluster/inventory/inventoryMode.ts): a row on the context
// when pods are listed only for the namespaces the user opens, and, on a namespace not listed yet, that its
// pods load when it is opened (never "0 pods" for pods nobody listed).
import * as l10n from '@vscode/l10n';
import type { InventoryScope, InventorySnapshot } from '../../cluster/inventory/types';
import type { ExplorerNode } from './explorerNode';
import { markdownParagraphs } from './tooltips';

const MODE_SETTING = 'clusterCredentials.inventory.mode';

// Every word of this file's nodes, in one place; made at use, in the display language.
const WORDS = {
  modeLabel: () => l10n.t('Pods load per namespace'),
  modeDetails: () =>
    l10n.t(
      'Open a namespace to list its pods and token Secrets; they are released a few minutes after you close it. Namespaces with findings, and those a scan looks at, stay listed.',
    ),
  modeSetting: () => l10n.t('Set {0} to cluster to list every pod.', MODE_SETTING),
  inventoryRow: () => l10n.t('Inventory'),
  notListedBrief: () => l10n.t('pods load when opened'),
  notListedRow: () => l10n.t('Pods and token Secrets load when you open this namespace'),
  loadingBrief: () => l10n.t('loading pods…'),
  loadingRow: () => l10n.t('Loading pods and token Secrets…'),
  podsNotListed: () => l10n.t('not listed until opened'),
  podsLoading: () => l10n.t('loading'),
};

/** Whether a namespace's pods are listed: `unlisted` only when listing per namespace and this one is not held. */
export type PodListing = 'listed' | 'loading' | 'unlisted';

export function podListingOf(snapshot: InventorySnapshot, namespace: string): PodListing {
  const status = snapshot.status.pods.get(namespace) ?? snapshot.status.pods.get('*');
  if (status === undefined) return snapshot.scope?.mode === 'namespaces' ? 'unlisted' : 'listed';
  return status.state === 'loading' ? 'loading' : 'listed';
}

/** Listing per namespace for the cluster's size or by the setting (configured namespaces, or the fallback's, say nothing new). */
export function listsPerNamespace(scope: InventoryScope | undefined): scope is InventoryScope {
  return scope?.mode === 'namespaces' && (scope.why === 'large' || scope.why === 'setting');
}

/** The context's tooltip row: the mode and why. */
export function inventoryRow(scope: InventoryScope | undefined): [string, string | undefined] {
  return [WORDS.inventoryRow(), scope?.sentence];
}

/** The context's child row that says pods are listed only for opened namespaces, and why; a click opens the setting. */
export function inventoryModeNode(scope: InventoryScope, parent: ExplorerNode): ExplorerNode {
  return {
    id: `${parent.id}/inventoryMode`,
    label: WORDS.modeLabel(),
    description: scope.reason,
    icon: 'list-filter',
    tone: 'muted',
    contextValue: 'inventoryMode',
    command: { command: 'workbench.action.openSettings', title: 'Open Setting', arguments: [MODE_SETTING] },
    tooltip: () => markdownParagraphs(WORDS.modeLabel(), [scope.sentence, WORDS.modeDetails(), WORDS.modeSetting()]),
    parent,
  };
}

/** The few words a namespace's description puts in place of a pod count. */
export function podListingBrief(listing: PodListing): string | undefined {
  return listing === 'unlisted' ? WORDS.notListedBrief() : listing === 'loading' ? WORDS.loadingBrief() : undefined;
}

/** The namespace tooltip's value for Pods when there is no count to give. */
export function podListingWords(listing: PodListing): string | undefined {
  return listing === 'unlisted' ? WORDS.podsNotListed() : listing === 'loading' ? WORDS.podsLoading() : undefined;
}

/** The first child of a namespace whose pods are not listed (yet). */
export function podListingNode(listing: Exclude<PodListing, 'listed'>, parent: ExplorerNode): ExplorerNode {
  return listing === 'loading'
    ? { id: `${parent.id}/podsLoading`, label: WORDS.loadingRow(), icon: 'loading~spin', tone: 'muted', parent }
    : { id: `${parent.id}/podsNotListed`, label: WORDS.notListedRow(), icon: 'info', tone: 'muted', parent };
}
