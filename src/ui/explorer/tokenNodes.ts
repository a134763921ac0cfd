// Token nodes: a container's projected token file (what the pod spec asks for, the refresh the kubelet
// should have made, and the live token once read) and a legacy token Secret, decoded.
import * as l10n from '@vscode/l10n';
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
  const audience = mount.audience ?? l10n.t('the API server');
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
  if (busy) description = `${l10n.t('reading…')} · ${description}`;
  const live = reading?.ok ? liveTokenNode(input, reading, node) : undefined;
  if (live) {
    description = live.description ?? description;
    node.icon = live.icon;
    node.tone = live.tone ?? 'muted';
  } else if (reading && !reading.ok) {
    description = `${l10n.t('could not read')} · ${description}`;
    node.icon = 'warning';
    node.tone = 'warning';
  } else if (input.liveMode === 'off') {
    description = `${description} · ${l10n.t('live tokens off')}`;
  }
  node.description = description;
  node.lazyChildren = () => {
    const children: ExplorerNode[] = [
      leaf(node, 'aud', l10n.t('Audience'), audience, 'person'),
      leaf(node, 'exp', 'expirationSeconds', `${mount.expirationSeconds} s (${describeDuration(mount.expirationSeconds, 'long')})`, 'watch'),
      leaf(node, 'path', l10n.t('Path'), mount.path, 'file'),
    ];
    if (pod.startedAtSec !== undefined) {
      const s = mountSchedule(mount, pod.startedAtSec, input.nowSec);
      children.push(
        leaf(
          node,
          'refresh',
          l10n.t('Kubelet refresh'),
          l10n.t('every {0}; latest due {1}, next {2}', describeDuration(s.periodSeconds, 'long'), utc(s.lastRefreshAtSec), utc(s.nextRefreshAtSec)),
          'sync',
        ),
      );
    }
    if (live) children.push(live);
    else if (reading && !reading.ok) children.push(errorNode(`${node.id}/read`, reading.error, undefined, input.nowSec * 1000, undefined, node));
    return children;
  };
  node.tooltip = () =>
    markdownRows(l10n.t('Token file {0}', mount.path), [
      [l10n.t('Pod'), `${pod.namespace}/${pod.name}`],
      [l10n.t('Container'), container.name],
      [l10n.t('Volume'), mount.volume],
      [l10n.t('Audience'), audience],
      ['expirationSeconds', String(mount.expirationSeconds)],
      [
        l10n.t('Live token'),
        reading?.ok
          ? l10n.t('read at {0}', utc(Math.floor(reading.atMs / 1000)))
          : input.liveMode === 'off'
            ? l10n.t('not read (clusterCredentials.liveTokens.mode is off)')
            : l10n.t('not read yet'),
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
  const shownState = look.outcome === 'accepted' && look.stale ? 'stale' : timing.expiry.state;
  const shown = stateStyle(shownState);
  const word = shown.word;
  const stale = shownState === 'stale';
  const node: ExplorerNode = {
    id: `${parent.id}/live`,
    label: l10n.t('Live token'),
    description: look.outcome === 'refused' ? `${look.words} · ${sig.text}` : `${word} · ${when} · ${sig.text}`,
    icon: look.outcome === 'refused' ? 'error' : timing.refreshOverdue || stale ? 'history' : style.icon,
    tone:
      worseTone(timing.refreshOverdue || stale ? 'warning' : style.tone, sig.tone === 'error' || look.outcome === 'refused' ? 'error' : undefined) ??
      style.tone,
    expanded: true,
    parent,
  };
  const c = token.claims;
  node.children = [
    leaf(node, 'state', l10n.t('State'), word, shown.icon, shown.tone),
    ...verdictLeaf(node, look),
    leaf(node, 'left', l10n.t('Time left'), when, 'watch'),
    leaf(
      node,
      'iat',
      l10n.t('Issued'),
      c.iat !== undefined ? l10n.t('{0} ({1} ago)', utc(c.iat), describeDuration(input.nowSec - c.iat, 'long')) : l10n.t('unknown'),
      'calendar',
    ),
    leaf(node, 'jti', 'jti', c.jti ?? l10n.t('none'), 'symbol-key'),
    leaf(node, 'sig', l10n.t('Signature'), sig.text, sig.icon, sig.tone),
  ];
  if (timing.refreshDueSec !== undefined) {
    const overdue = timing.refreshOverdue;
    node.children.push(
      leaf(
        node,
        'due',
        overdue ? l10n.t('Refresh overdue') : l10n.t('Kubelet replaces it'),
        overdue ? l10n.t('the kubelet should have replaced it at {0}', utc(timing.refreshDueSec)) : l10n.t('at {0}', utc(timing.refreshDueSec)),
        overdue ? 'warning' : 'sync',
        overdue ? 'warning' : undefined,
      ),
    );
  }
  node.tooltip = () =>
    markdownRows(l10n.t('Live token'), [
      ...tokenRows(token, timing.expiry, input.nowSec),
      [l10n.t('Signature'), reading.signature.status === 'signed' ? sig.text : `${sig.text}: ${reading.signature.reason}`],
      [l10n.t('API server'), look.row],
      [l10n.t('Read at'), instant(Math.floor(reading.atMs / 1000))],
    ]);
  return node;
}

/** The "API server" row: what it would answer to the token, when that is known. */
function verdictLeaf(node: ExplorerNode, look: VerdictLook): ExplorerNode[] {
  if (look.row === undefined) return [];
  const refused = look.outcome === 'refused';
  return [leaf(node, 'verdict', l10n.t('API server'), look.row, refused ? 'error' : 'verified', refused ? 'error' : undefined)];
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
    node.description = `${l10n.t('legacy token')} · ${l10n.t('unreadable')}`;
    node.tone = 'warning';
    node.tooltip = () => markdownRows(l10n.t('Secret {0}', secret.name), [[l10n.t('Service account'), secret.serviceAccount]], secret.problem);
    return node;
  }
  const expiry = tokenExpiry(token, input.nowSec, input.expiry);
  const style = stateStyle(expiry.state);
  const sig = secret.signature ? signatureText(secret.signature) : undefined;
  const look = verdictLook(input.verdict?.(token, secret.signature ?? { status: 'unchecked', reason: l10n.t('its signature has not been checked yet') }));
  const word = look.outcome === 'refused' ? look.words : look.outcome === 'accepted' && look.stale ? stateStyle('stale').word : style.word;
  node.description = [l10n.t('legacy token'), word, ...(sig ? [sig.text] : [])].join(' · ');
  node.tone = worseTone(style.tone, sig?.tone === 'error' || look.outcome === 'refused' ? 'error' : undefined) ?? style.tone;
  if (look.outcome === 'refused') node.icon = 'error';
  node.children = [
    leaf(node, 'state', l10n.t('State'), describeExpiry(expiry, input.nowSec, 'short'), style.icon, style.tone),
    ...verdictLeaf(node, look),
    leaf(node, 'iss', l10n.t('Issuer'), token.claims.iss ?? l10n.t('none'), 'organization'),
    leaf(node, 'sub', l10n.t('Subject'), token.claims.sub ?? l10n.t('none'), 'account'),
    leaf(node, 'fp', l10n.t('Fingerprint'), token.fingerprint, 'symbol-key'),
    ...(sig ? [leaf(node, 'sig', l10n.t('Signature'), sig.text, sig.icon, sig.tone)] : []),
  ];
  node.tooltip = () =>
    markdownRows(
      l10n.t('Legacy token Secret {0}', secret.name),
      [...tokenRows(token, expiry, input.nowSec), [l10n.t('Signature'), sig?.text], [l10n.t('API server'), look.row]],
      l10n.t('A Secret-based token never expires: it works until the Secret is deleted. Prefer short-lived tokens from the TokenRequest API.'),
    );
  return node;
}
