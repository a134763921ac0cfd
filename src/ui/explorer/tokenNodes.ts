// Token nodes: a container's projected token file (what the pod spec asks for, the refresh the kubelet
// should have made, and the live token once read) and a legacy token Secret, decoded.
import type { ContainerTokens, LegacySecretItem, LiveTokenReading, PodItem, ProjectedTokenMount } from '../../cluster/inventory/types';
import { liveTokenTiming, mountSchedule } from '../../cluster/inventory/tokenTiming';
import { tokenExpiry } from '../../token/expiry';
import { describeDuration, describeExpiry, formatInstant } from '../../token/relativeTime';
import { leaf, type ExplorerNode, type ModelInput } from './explorerNode';
import { contextValueOf, type SecretRef, type TokenFileRef } from '../../shared/nodeRef';
import { errorNode } from './statusNodes';
import { signatureText, stateStyle, verdictLook, worseTone, type VerdictLook } from './stateStyle';
import { instant, markdownRows, tokenRows } from './tooltips';
import { RUNNING_FLAG, runsOnNode } from './liveReadAction';

const utc = (s: number): string => formatInstant(s).utc;

export function tokenFileNode(
  input: ModelInput,
  context: string,
  pod: PodItem,
  container: ContainerTokens,
  mount: ProjectedTokenMount,
  parent: ExplorerNode,
): ExplorerNode {
  const ref: TokenFileRef = {
    kind: 'tokenFile',
    context,
    namespace: pod.namespace,
    pod: pod.name,
    podUid: pod.uid,
    container: container.name,
    path: mount.path,
    serviceAccount: pod.serviceAccount,
  };
  const target = { namespace: pod.namespace, pod: pod.name, podUid: pod.uid, container: container.name, path: mount.path };
  const reading = input.liveReading?.(target);
  const busy = input.isReading?.(target) ?? false;
  const audience = mount.audience ?? 'the API server';
  const node: ExplorerNode = {
    id: `${parent.id}/token:${container.name}:${mount.path}`,
    ref,
    label: `${container.name} · ${mount.volume}`,
    icon: 'key',
    tone: 'muted',
    contextValue: contextValueOf(ref, [...(reading?.ok ? ['read'] : []), ...(runsOnNode(pod) ? [RUNNING_FLAG] : [])]),
    parent,
  };
  let description = `${audience} · ${describeDuration(mount.expirationSeconds, 'short')}`;
  if (busy) description = `reading… · ${description}`;
  const live = reading?.ok ? liveTokenNode(input, reading, node) : undefined;
  if (live) {
    description = live.description ?? description;
    node.icon = live.icon;
    node.tone = live.tone ?? 'muted';
  } else if (reading && !reading.ok) {
    description = `could not read · ${description}`;
    node.icon = 'warning';
    node.tone = 'warning';
  } else if (input.liveMode === 'off') {
    description = `${description} · live tokens off`;
  }
  node.description = description;
  node.lazyChildren = () => {
    const children: ExplorerNode[] = [
      leaf(node, 'aud', 'Audience', audience, 'person'),
      leaf(node, 'exp', 'expirationSeconds', `${mount.expirationSeconds} s (${describeDuration(mount.expirationSeconds, 'long')})`, 'watch'),
      leaf(node, 'path', 'Path', mount.path, 'file'),
    ];
    if (pod.startedAtSec !== undefined) {
      const s = mountSchedule(mount, pod.startedAtSec, input.nowSec);
      children.push(
        leaf(
          node,
          'refresh',
          'Kubelet refresh',
          `every ${describeDuration(s.periodSeconds, 'long')}; latest due ${utc(s.lastRefreshAtSec)}, next ${utc(s.nextRefreshAtSec)}`,
          'sync',
        ),
      );
    }
    if (live) children.push(live);
    else if (reading && !reading.ok) children.push(errorNode(`${node.id}/read`, reading.error, undefined, input.nowSec * 1000, undefined, node));
    return children;
  };
  node.tooltip = () =>
    markdownRows(`Token file ${mount.path}`, [
      ['Pod', `${pod.namespace}/${pod.name}`],
      ['Container', container.name],
      ['Volume', mount.volume],
      ['Audience', audience],
      ['expirationSeconds', String(mount.expirationSeconds)],
      [
        'Live token',
        reading?.ok
          ? `read at ${utc(Math.floor(reading.atMs / 1000))}`
          : input.liveMode === 'off'
            ? 'not read (clusterCredentials.liveTokens.mode is off)'
            : 'not read yet',
      ],
    ]);
  return node;
}

function liveTokenNode(input: ModelInput, reading: Extract<LiveTokenReading, { ok: true }>, parent: ExplorerNode): ExplorerNode {
  const token = reading.token;
  const timing = liveTokenTiming(token, input.nowSec, input.expiry);
  const style = stateStyle(timing.expiry.state);
  const sig = signatureText(reading.signature);
  const when = describeExpiry(timing.expiry, input.nowSec, 'short');
  const look = verdictLook(input.verdict?.(token, reading.signature));
  // A stale acceptance reads "stale" even where the claims alone still say "valid".
  const shown = look.outcome === 'accepted' && look.stale ? stateStyle('stale') : style;
  const word = shown.word;
  const node: ExplorerNode = {
    id: `${parent.id}/live`,
    label: 'Live token',
    description: look.outcome === 'refused' ? `${look.words} · ${sig.text}` : `${word} · ${when} · ${sig.text}`,
    icon: look.outcome === 'refused' ? 'error' : timing.refreshOverdue || word === 'stale' ? 'history' : style.icon,
    tone:
      worseTone(timing.refreshOverdue || word === 'stale' ? 'warning' : style.tone, sig.tone === 'error' || look.outcome === 'refused' ? 'error' : undefined) ??
      style.tone,
    expanded: true,
    parent,
  };
  const c = token.claims;
  node.children = [
    leaf(node, 'state', 'State', word, shown.icon, shown.tone),
    ...verdictLeaf(node, look),
    leaf(node, 'left', 'Time left', when, 'watch'),
    leaf(node, 'iat', 'Issued', c.iat !== undefined ? `${utc(c.iat)} (${describeDuration(input.nowSec - c.iat, 'long')} ago)` : 'unknown', 'calendar'),
    leaf(node, 'jti', 'jti', c.jti ?? 'none', 'symbol-key'),
    leaf(node, 'sig', 'Signature', sig.text, sig.icon, sig.tone),
  ];
  if (timing.refreshDueSec !== undefined) {
    const overdue = timing.refreshOverdue;
    node.children.push(
      leaf(
        node,
        'due',
        overdue ? 'Refresh overdue' : 'Kubelet replaces it',
        overdue ? `the kubelet should have replaced it at ${utc(timing.refreshDueSec)}` : `at ${utc(timing.refreshDueSec)}`,
        overdue ? 'warning' : 'sync',
        overdue ? 'warning' : undefined,
      ),
    );
  }
  node.tooltip = () =>
    markdownRows('Live token', [
      ...tokenRows(token, timing.expiry, input.nowSec),
      ['Signature', reading.signature.status === 'signed' ? sig.text : `${sig.text}: ${reading.signature.reason}`],
      ['API server', look.row],
      ['Read at', instant(Math.floor(reading.atMs / 1000))],
    ]);
  return node;
}

/** The "API server" row: what it would answer to the token, when that is known. */
function verdictLeaf(node: ExplorerNode, look: VerdictLook): ExplorerNode[] {
  if (look.row === undefined) return [];
  const refused = look.outcome === 'refused';
  return [leaf(node, 'verdict', 'API server', look.row, refused ? 'error' : 'verified', refused ? 'error' : undefined)];
}

export function secretNode(input: ModelInput, context: string, secret: LegacySecretItem, parent: ExplorerNode): ExplorerNode {
  const ref: SecretRef = { kind: 'secret', context, namespace: secret.namespace, name: secret.name, serviceAccount: secret.serviceAccount };
  const node: ExplorerNode = {
    id: `${parent.id}/secret:${secret.name}`,
    ref,
    label: secret.name,
    icon: 'lock',
    contextValue: contextValueOf(ref, ['legacy']),
    parent,
  };
  const token = secret.token;
  if (!token) {
    node.description = 'legacy token · unreadable';
    node.tone = 'warning';
    node.tooltip = () => markdownRows(`Secret ${secret.name}`, [['Service account', secret.serviceAccount]], secret.problem);
    return node;
  }
  const expiry = tokenExpiry(token, input.nowSec, input.expiry);
  const style = stateStyle(expiry.state);
  const sig = secret.signature ? signatureText(secret.signature) : undefined;
  const look = verdictLook(input.verdict?.(token, secret.signature ?? { status: 'unchecked', reason: 'its signature has not been checked yet' }));
  const word = look.outcome === 'refused' ? look.words : look.outcome === 'accepted' && look.stale ? stateStyle('stale').word : style.word;
  node.description = ['legacy token', word, ...(sig ? [sig.text] : [])].join(' · ');
  node.tone = worseTone(style.tone, sig?.tone === 'error' || look.outcome === 'refused' ? 'error' : undefined) ?? style.tone;
  if (look.outcome === 'refused') node.icon = 'error';
  node.children = [
    leaf(node, 'state', 'State', describeExpiry(expiry, input.nowSec, 'short'), style.icon, style.tone),
    ...verdictLeaf(node, look),
    leaf(node, 'iss', 'Issuer', token.claims.iss ?? 'none', 'organization'),
    leaf(node, 'sub', 'Subject', token.claims.sub ?? 'none', 'account'),
    leaf(node, 'fp', 'Fingerprint', token.fingerprint, 'symbol-key'),
    ...(sig ? [leaf(node, 'sig', 'Signature', sig.text, sig.icon, sig.tone)] : []),
  ];
  node.tooltip = () =>
    markdownRows(
      `Legacy token Secret ${secret.name}`,
      [...tokenRows(token, expiry, input.nowSec), ['Signature', sig?.text], ['API server', look.row]],
      'A Secret-based token never expires: it works until the Secret is deleted. Prefer short-lived tokens from the TokenRequest API.',
    );
  return node;
}
