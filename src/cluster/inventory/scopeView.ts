// What the inventory holds for one scope of a look (a context, a namespace, a pod, a service account):
// its pods, service accounts and legacy token Secrets, the namespaces a context-wide look came down to,
// and a sentence for each list that could not answer. The diagnosis and the 401 scan read this instead
// of listing the same objects again.
import * as l10n from '@vscode/l10n';
import type { EvidenceScope } from '../../diagnosis/evidence';
import type { ClusterError } from '../errors';
import { fallbackNote } from './namespaceReach';
import type { InventorySnapshot, LegacySecretItem, PodItem, ResourceKind, ServiceAccountItem } from './types';

/** What a reader needs of an inventory; Inventory fits. */
export interface InventoryView {
  snapshot(): InventorySnapshot;
  readonly fallbackReason: ClusterError | undefined;
}

export interface ScopeView {
  pods: PodItem[];
  /** Every service account and legacy token Secret of the scope's namespaces (a Secret's scope depends on its pods). */
  serviceAccounts: ServiceAccountItem[];
  secrets: LegacySecretItem[];
  /** For a context-wide look over some namespaces only (configured, or the context's after a 403): those namespaces. */
  namespaces?: string[];
  /** Sentences for the log: the fallback to the context's namespace, lists that failed or have not answered. */
  problems: string[];
}

/** Listing pods per namespace: what a context-wide look covers (the same words each time, so the log says it once). */
function partialNote(snapshot: InventorySnapshot): string {
  return `${snapshot.scope?.sentence ?? ''}; pods and token Secrets are looked at only in namespaces open in the explorer, with findings or scanned`;
}

function unlistedNote(namespace: string): string {
  return l10n.t('the pods of namespace {0} are not listed (only namespaces open in the explorer are, on this cluster); open it to look there', namespace);
}

const WHAT: Record<Exclude<ResourceKind, 'namespaces'>, string> = {
  pods: 'pods',
  serviceaccounts: 'service accounts',
  secrets: 'service-account token Secrets',
};

export function viewOfScope(snapshot: InventorySnapshot, fallbackReason: ClusterError | undefined, scope: EvidenceScope): ScopeView {
  const fixed = snapshot.namespacesFixed ? snapshot.namespaces.map((n) => n.name) : undefined;
  const namespace = scope.kind === 'context' ? undefined : scope.namespace;
  if (namespace !== undefined && fixed !== undefined && !fixed.includes(namespace)) {
    const why = `namespace ${namespace} is outside the namespaces the extension lists (${fixed.join(', ')}); add it to clusterCredentials.namespaces to look there`;
    return { pods: [], serviceAccounts: [], secrets: [], problems: [why] };
  }
  const problems: string[] = [];
  if (scope.kind === 'context' && fallbackReason !== undefined && fixed !== undefined)
    problems.push(fallbackNote('listing pods', fallbackReason, fixed.join(', ')));
  const perNamespace = snapshot.scope?.mode === 'namespaces' && fixed === undefined;
  if (perNamespace && scope.kind === 'context') problems.push(partialNote(snapshot));
  if (perNamespace && namespace !== undefined && !snapshot.status.pods.has(namespace)) problems.push(unlistedNote(namespace));
  for (const kind of ['pods', 'serviceaccounts', 'secrets'] as const) {
    for (const [where, status] of snapshot.status[kind]) {
      if (namespace !== undefined && where !== '*' && where !== namespace) continue;
      const about = where === '*' ? `listing ${WHAT[kind]}` : `listing ${WHAT[kind]} in namespace ${where}`;
      if (status.state === 'error' && status.error) problems.push(`${about}: ${status.error.message}`);
      else if (status.state === 'loading') problems.push(`${about}: the cluster has not answered yet`);
    }
  }
  const inNamespace = <T extends { namespace: string }>(items: readonly T[]): T[] =>
    namespace === undefined ? [...items] : items.filter((i) => i.namespace === namespace);
  let pods = inNamespace(snapshot.pods);
  if (scope.kind === 'pod') pods = pods.filter((p) => p.name === scope.name);
  if (scope.kind === 'serviceAccount') pods = pods.filter((p) => p.serviceAccount === scope.name);
  if (scope.kind === 'pod' && pods.length === 0 && problems.length === 0) {
    problems.push(`pod ${scope.namespace}/${scope.name} is not in the cluster's pod list: it was deleted, or has not been seen yet`);
  }
  const view: ScopeView = { pods, serviceAccounts: inNamespace(snapshot.serviceAccounts), secrets: inNamespace(snapshot.secrets), problems };
  if (scope.kind === 'context' && fixed !== undefined) view.namespaces = fixed;
  return view;
}
