// What Cluster Credentials adds to another extension's Kubernetes tree, as plain data (no VS Code): the
// credential of each kubeconfig context, and the token expiry of a pod. The adapter
// (kubernetesTools.ts) only turns these into TreeItems and descriptions.
import * as l10n from '@vscode/l10n';
import type { CredentialDescription } from '../../cluster/auth/credentialDescription';
import type { LiveTokenReading, LiveTokenTarget, PodItem } from '../../cluster/inventory/types';
import { liveTokenTiming } from '../../cluster/inventory/tokenTiming';
import type { LiveTokenMode } from '../../cluster/live/liveTokenCache';
import { COMMAND } from '../../shared/commandIds';
import type { ContextRef } from '../../shared/nodeRef';
import { describeDuration, describeExpiry } from '../../token/relativeTime';
import type { ExpiryOptions } from '../../token/types';
import type { ExplorerNode } from '../explorer/explorerNode';
import { stateStyle } from '../explorer/stateStyle';
import { credentialSummary, credentialWords } from '../explorer/statusNodes';
import { instant, markdownRows } from '../explorer/tooltips';

/** The contextValue prefix of every node we contribute; menus match `viewItem =~ /^clusterCredentials\.partner\./`. */
export const PARTNER_CONTEXT_VALUE = 'clusterCredentials.partner.credential';

/** Where a context's credential was read from, as the partner's tree shows the context. */
export type PartnerCredential =
  /** Our active session's credential: what the exec plugin or token file gave at run time. */
  | { source: 'session'; credential: CredentialDescription }
  /** Read from the kubeconfig without a request (another context than the active one). */
  | { source: 'kubeconfig'; credential: CredentialDescription }
  /** The kubeconfig we read has no such context (the partner reads another file), or none could be read. */
  | { source: 'missing'; reason: string };

/**
 * The one child under a context node of the partner's tree: "Credential: bearer token · expires in 3 h", its state
 * in the description, and a click that opens Token Health for that context.
 */
export function partnerCredentialNode(context: string, found: PartnerCredential, nowSec: number, expiry?: Partial<ExpiryOptions>): ExplorerNode {
  const ref: ContextRef = { kind: 'context', context };
  const id = `clusterCredentials.partner/context:${context}/credential`;
  const command = { command: COMMAND.showTokenHealth, title: l10n.t('Show Token Health'), arguments: [ref] };
  if (found.source === 'missing') {
    return {
      id,
      ref,
      label: l10n.t('Credential: not known to Cluster Credentials'),
      description: found.reason,
      icon: 'question',
      tone: 'muted',
      contextValue: `${PARTNER_CONTEXT_VALUE} missing`,
      tooltip: () => markdownRows(l10n.t('Context {0}', context), [], found.reason),
    };
  }
  const d = found.credential;
  const summary = credentialSummary(d, nowSec, expiry);
  const style = summary.state ? stateStyle(summary.state) : undefined;
  const active = found.source === 'session';
  const words = [...(style ? [style.word] : []), active ? l10n.t('active context') : l10n.t('read from the kubeconfig')];
  const node: ExplorerNode = {
    id,
    ref,
    label: l10n.t('Credential: {0}', summary.text),
    description: d.problem ? `${words.join(' · ')} · ${d.problem}` : words.join(' · '),
    icon: d.problem ? 'warning' : (style?.icon ?? 'key'),
    contextValue: `${PARTNER_CONTEXT_VALUE} ${active ? 'active' : 'inactive'}`,
    command,
    tooltip: () =>
      markdownRows(
        l10n.t('Credential of context {0}', context),
        [
          [l10n.t('Credential'), credentialWords(d)],
          [l10n.t('User'), d.user],
          [l10n.t('State'), style?.word],
          [l10n.t('Expires'), instant(d.expiresAtSec)],
          [l10n.t('Token file'), d.tokenFile],
          [l10n.t('Fingerprint'), d.fingerprint],
          [l10n.t('Read'), active ? l10n.t('from the active session of Cluster Credentials') : l10n.t('from the kubeconfig, without a request')],
        ],
        d.problem,
      ),
  };
  const tone = d.problem ? 'warning' : style?.tone;
  if (tone) node.tone = tone;
  return node;
}

export interface PodTokenInput {
  nowSec: number;
  expiry?: Partial<ExpiryOptions>;
  liveMode: LiveTokenMode;
  /** The live reading of one token file, when one was made. */
  liveReading(target: LiveTokenTarget): LiveTokenReading | undefined;
}

/**
 * A pod's token in a few words for the partner's pod node: "token expires in 52 min" from the soonest-expiring
 * live token read; without a reading, the lifetime the pod asks for and that it was not read.
 */
export function podTokenDescription(pod: PodItem, input: PodTokenInput): string | undefined {
  const mounts = pod.containers.flatMap((c) => c.tokens.map((m) => ({ container: c.name, mount: m })));
  if (mounts.length === 0) return l10n.t('no service-account token');
  let soonest: { expiresAt: number; text: string; overdue: boolean } | undefined;
  let failed = false;
  for (const { container, mount } of mounts) {
    const reading = input.liveReading({ namespace: pod.namespace, pod: pod.name, podUid: pod.uid, container, path: mount.path });
    if (reading === undefined) continue;
    if (!reading.ok) {
      failed = true;
      continue;
    }
    const timing = liveTokenTiming(reading.token, input.nowSec, input.expiry);
    const expiresAt = timing.expiry.expiresAt ?? Number.POSITIVE_INFINITY;
    if (soonest === undefined || expiresAt < soonest.expiresAt) {
      soonest = { expiresAt, text: describeExpiry(timing.expiry, input.nowSec, 'short'), overdue: timing.refreshOverdue };
    }
  }
  if (soonest) return `${l10n.t('token {0}', soonest.text)}${soonest.overdue ? ` · ${l10n.t('kubelet refresh overdue')}` : ''}`;
  if (failed) return l10n.t('token could not be read');
  const shortest = Math.min(...mounts.map((m) => m.mount.expirationSeconds));
  const why = input.liveMode === 'off' ? l10n.t('live tokens off') : l10n.t('not read yet');
  return `${l10n.t('token lifetime {0}', describeDuration(shortest, 'long'))} · ${why}`;
}

/** The partner's pod description with ours after it ("Running · token expires in 52 min"). */
export function withPodDescription(existing: string | boolean | undefined, ours: string): string {
  return typeof existing === 'string' && existing.trim() !== '' ? `${existing} · ${ours}` : ours;
}
