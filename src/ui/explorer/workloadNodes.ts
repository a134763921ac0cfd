// Namespace → service account → pod nodes, from the inventory's projections.
import * as l10n from '@vscode/l10n';
import { KIND_WORDS, unreadablePhrases, type ListFailure } from '../../cluster/inventory/coverage';
import type { LegacySecretItem, PodItem, ServiceAccountItem } from '../../cluster/inventory/types';
import type { ExplorerNode, ModelInput } from './explorerNode';
import { contextValueOf, type NamespaceRef, type PodRef, type ServiceAccountRef } from '../../shared/nodeRef';
import { errorNode } from './statusNodes';
import { worseTone } from './stateStyle';
import { markdownRows, type Row } from './tooltips';
import { secretNode, tokenFileNode } from './tokenNodes';
import { RUNNING_FLAG, runsOnNode } from './liveReadAction';
import { podListingBrief, podListingNode, podListingWords, type PodListing } from './inventoryModeNodes';

export interface NamespaceContents {
  serviceAccounts: ServiceAccountItem[];
  pods: PodItem[];
  secrets: LegacySecretItem[];
  /** Whether its pods are listed; by default they are. */
  podListing?: PodListing;
  /** The list of its service accounts has not answered yet (a large cluster's first seconds). */
  serviceAccountsLoading?: boolean;
}

const serviceAccountCount = (n: number): string => (n === 1 ? l10n.t('1 service account') : l10n.t('{0} service accounts', n));
const podCount = (n: number): string => (n === 1 ? l10n.t('1 pod') : l10n.t('{0} pods', n));
const legacyTokenCount = (n: number): string => (n === 1 ? l10n.t('1 legacy token') : l10n.t('{0} legacy tokens', n));

/** `gaps`: the lists covering this namespace that failed for a cause of their own (a 403); the session's cause is on the context. */
export function namespaceNode(
  input: ModelInput,
  context: string,
  name: string,
  contents: NamespaceContents,
  gaps: readonly ListFailure[],
  parent: ExplorerNode,
): ExplorerNode {
  const ref: NamespaceRef = { kind: 'namespace', context, namespace: name };
  const node: ExplorerNode = { id: `${parent.id}/ns:${name}`, ref, label: name, icon: 'symbol-namespace', contextValue: contextValueOf(ref), parent };
  const children: ExplorerNode[] = [];
  const listing = contents.podListing ?? 'listed';
  // The namespace's own lists; a cluster-wide list that failed has its node on the context.
  for (const gap of gaps) {
    if (gap.scope === name) children.push(errorNode(`${node.id}/${gap.kind}`, gap.error, input.session?.credential, input.nowSec * 1000, gap.retryAtMs, node));
  }
  if (listing !== 'listed') children.push(podListingNode(listing, node));
  // Service accounts the list did not show (not allowed to list them) still appear through their pods.
  const names = new Set<string>([
    ...contents.serviceAccounts.map((s) => s.name),
    ...contents.pods.map((p) => p.serviceAccount),
    ...contents.secrets.map((s) => s.serviceAccount).filter((s) => s !== ''),
  ]);
  const podsBySa = groupBy(contents.pods, (p) => p.serviceAccount);
  const secretsBySa = groupBy(contents.secrets, (s) => s.serviceAccount);
  let tone: ExplorerNode['tone'] = gaps.length > 0 ? 'warning' : undefined;
  for (const sa of [...names].sort()) {
    const child = serviceAccountNode(input, context, name, sa, podsBySa.get(sa) ?? [], secretsBySa.get(sa) ?? [], listing, node);
    tone = worseTone(tone, child.tone === 'ok' ? undefined : child.tone);
    children.push(child);
  }
  node.children = children;
  const accountsLoading = contents.serviceAccountsLoading === true;
  node.description = namespaceCounts(accountsLoading ? undefined : names.size, contents.pods.length, gaps, listing);
  if (tone) node.tone = tone;
  node.tooltip = () =>
    markdownRows(l10n.t('Namespace {0}', name), [
      [l10n.t('Service accounts'), accountsLoading ? l10n.t('loading') : String(names.size)],
      [l10n.t('Pods'), podListingWords(listing) ?? String(contents.pods.length)],
      [l10n.t('Legacy token Secrets'), String(contents.secrets.length)],
      ...unreadablePhrases({ gaps }).map((phrase): Row => [l10n.t('Cannot see'), phrase]),
    ]);
  return node;
}

/**
 * "2 service accounts · 3 pods", and what could not be listed instead of a count of 0: "cannot list pods, token Secrets
 * (403)"; pods not listed (yet) say so: "pods load when opened".
 */
function namespaceCounts(serviceAccounts: number | undefined, pods: number, gaps: readonly ListFailure[], listing: PodListing): string {
  const failed = new Set(gaps.map((g) => g.kind));
  const parts: string[] = [];
  if (!failed.has('serviceaccounts')) parts.push(serviceAccounts === undefined ? l10n.t('loading service accounts…') : serviceAccountCount(serviceAccounts));
  if (!failed.has('pods')) parts.push(podListingBrief(listing) ?? podCount(pods));
  const unread = (['serviceaccounts', 'pods', 'secrets'] as const).filter((k) => failed.has(k)).map((k) => KIND_WORDS[k]);
  if (unread.length > 0) {
    const statuses = new Set(gaps.map((g) => g.error.status));
    const [status] = statuses;
    const kinds = unread.join(', ');
    parts.push(statuses.size === 1 && status !== undefined ? l10n.t('cannot list {0} ({1})', kinds, status) : l10n.t('cannot list {0}', kinds));
  }
  return parts.join(' · ');
}

function serviceAccountNode(
  input: ModelInput,
  context: string,
  namespace: string,
  name: string,
  pods: PodItem[],
  secrets: LegacySecretItem[],
  listing: PodListing,
  parent: ExplorerNode,
): ExplorerNode {
  const ref: ServiceAccountRef = { kind: 'serviceAccount', context, namespace, name };
  const node: ExplorerNode = { id: `${parent.id}/sa:${name}`, ref, label: name, icon: 'account', contextValue: contextValueOf(ref), parent };
  const children: ExplorerNode[] = [];
  let tone: ExplorerNode['tone'];
  for (const s of secrets.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = secretNode(input, context, s, node);
    tone = worseTone(tone, child.tone);
    children.push(child);
  }
  for (const p of pods.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = podNode(input, context, p, node);
    tone = worseTone(tone, child.tone);
    children.push(child);
  }
  node.children = children;
  // No count for pods nobody listed: "0 pods" would be a claim.
  const counts = listing === 'listed' ? [podCount(pods.length)] : [];
  node.description = [...counts, ...(secrets.length > 0 ? [legacyTokenCount(secrets.length)] : [])].join(' · ');
  if (tone && tone !== 'muted') node.tone = tone;
  node.tooltip = () =>
    markdownRows(l10n.t('Service account {0}', `${namespace}/${name}`), [
      [l10n.t('Pods running as it'), podListingWords(listing) ?? String(pods.length)],
      [l10n.t('Legacy token Secrets'), String(secrets.length)],
    ]);
  return node;
}

const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function podNode(input: ModelInput, context: string, pod: PodItem, parent: ExplorerNode): ExplorerNode {
  const ref: PodRef = { kind: 'pod', context, namespace: pod.namespace, name: pod.name, uid: pod.uid, serviceAccount: pod.serviceAccount };
  if (pod.owner) ref.owner = { kind: pod.owner.kind, name: pod.owner.name };
  const flags: string[] = [];
  if (pod.owner) flags.push('owned');
  if (pod.workload && RESTARTABLE.has(pod.workload.kind)) flags.push(`owner${pod.workload.kind}`);
  if (runsOnNode(pod)) flags.push(RUNNING_FLAG);
  const node: ExplorerNode = {
    id: `${parent.id}/pod:${pod.name}`,
    ref,
    label: pod.name,
    description: pod.deleting ? `${pod.phase} · ${l10n.t('terminating')}` : pod.phase,
    icon: 'package',
    contextValue: contextValueOf(ref, flags),
    parent,
  };
  const children: ExplorerNode[] = [];
  let tone: ExplorerNode['tone'];
  for (const c of pod.containers) {
    for (const m of c.tokens) {
      const child = tokenFileNode(input, context, pod, c, m, node);
      tone = worseTone(tone, child.tone === 'muted' ? undefined : child.tone);
      children.push(child);
    }
  }
  if (children.length === 0)
    children.push({
      id: `${node.id}/none`,
      label: l10n.t('No projected service-account token'),
      description: l10n.t('automountServiceAccountToken is off'),
      icon: 'circle-slash',
      tone: 'muted',
      parent: node,
    });
  node.children = children;
  if (tone) node.tone = tone;
  node.tooltip = () =>
    markdownRows(l10n.t('Pod {0}', `${pod.namespace}/${pod.name}`), [
      [l10n.t('Phase'), pod.phase],
      [l10n.t('Service account'), pod.serviceAccount],
      [l10n.t('Node'), pod.nodeName],
      [l10n.t('Owner'), pod.owner ? `${pod.owner.kind} ${pod.owner.name}` : undefined],
      [l10n.t('Workload'), pod.workload ? `${pod.workload.kind} ${pod.workload.name}` : undefined],
      [l10n.t('Containers'), pod.containers.map((c) => c.name).join(', ')],
    ]);
  return node;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
