// The Contexts part of the explorer: one row per kubeconfig context, worst credential first, each read
// offline (contextCredentials.ts). The active context is the existing context node, marked and expanding
// into the session's tree; any other row expands into a few details and can be switched to from its menu.
import * as l10n from '@vscode/l10n';
import type { ContextCredentialRow, ContextCredentialState } from '../../cluster/auth/contextCredentials';
import { COMMAND } from '../../shared/commandIds';
import type { ContextRef } from '../../shared/nodeRef';
import type { ExecRunOutcome } from '../../cluster/auth/execRuns';
import { leaf, type ExplorerNode, type Tone } from './explorerNode';
import { stateStyle } from './stateStyle';
import { instant, markdownParagraphs, markdownRows, type Row } from './tooltips';

/** A kubeconfig of 10,000 contexts shows the worst 200; Switch Context reaches the others. */
export const MAX_CONTEXT_ROWS = 200;

/** contextValue of a context that is not the active one (`viewItem == otherContext` shows Switch to This Context). */
export const OTHER_CONTEXT_VALUE = 'otherContext';

interface Look {
  icon: string;
  tone: Tone;
  word: string;
}

export function contextLook(state: ContextCredentialState): Look {
  switch (state) {
    case 'loginNeeded':
      return { icon: 'sign-in', tone: 'error', word: l10n.t('login needed') };
    case 'problem':
      return { icon: 'warning', tone: 'warning', word: l10n.t('cannot be used') };
    case 'unknown':
      return { icon: 'question', tone: 'muted', word: l10n.t('not known offline') };
    case 'none':
      return { icon: 'circle-slash', tone: 'muted', word: l10n.t('no credential') };
    default:
      return stateStyle(state);
  }
}

/** "AWS EKS token · prod-eu", "client certificate kubernetes-admin (kubeadm, 1 year)", "OIDC id-token alice@example.com". */
export function credentialHeadline(row: ContextCredentialRow): string {
  const c = row.credential;
  if (c.who === undefined) return c.kind;
  return c.exec ? `${c.kind} · ${c.who}` : `${c.kind} ${c.who}`;
}

/** The row's description: credential, state and time left, then what else matters ("refresh token present"). */
export function contextRowDescription(row: ContextCredentialRow): string {
  return [credentialHeadline(row), row.stateText, ...row.extras].join(' · ');
}

/**
 * The roots for a kubeconfig of several contexts: every row worst first (at most MAX_CONTEXT_ROWS, the active one
 * always among them), `active` standing for the active context, then one row for the contexts left out.
 */
export function contextRoots(rows: readonly ContextCredentialRow[], active: ExplorerNode, nowSec: number): ExplorerNode[] {
  let shown = rows.slice(0, MAX_CONTEXT_ROWS);
  const activeRow = rows.find((r) => r.active);
  if (activeRow && !shown.includes(activeRow)) shown = [...shown.slice(0, MAX_CONTEXT_ROWS - 1), activeRow];
  const nodes = shown.map((r) => (r.active ? active : otherContextNode(r, nowSec)));
  // The session's context is always there, even when the rows come from a load it is not in.
  if (!activeRow) nodes.unshift(active);
  const left = rows.length - shown.length;
  if (left > 0) nodes.push(moreContextsNode(left));
  return nodes;
}

function otherContextNode(row: ContextCredentialRow, nowSec: number): ExplorerNode {
  const name = row.credential.context;
  const ref: ContextRef = { kind: 'context', context: name };
  const look = contextLook(row.state);
  const node: ExplorerNode = {
    id: `contexts:${name}`,
    ref,
    label: name,
    description: contextRowDescription(row),
    icon: look.icon,
    tone: look.tone,
    contextValue: OTHER_CONTEXT_VALUE,
    tooltip: () => markdownRows(l10n.t('Context {0}', name), contextTooltipRows(row, nowSec), row.note),
  };
  node.lazyChildren = () => detailLeaves(row, node, nowSec);
  return node;
}

/** Every value known offline about a context's credential, for a tooltip (the status bar's too). */
export function contextTooltipRows(row: ContextCredentialRow, nowSec: number): Row[] {
  const c = row.credential;
  const d = c.description;
  const s = c.summary;
  const last = row.lastRun;
  return [
    [l10n.t('Cluster'), s.cluster],
    [l10n.t('Server'), s.server],
    [l10n.t('User'), s.user],
    [l10n.t('Namespace'), s.namespace],
    [l10n.t('Credential'), c.whoLong ?? c.kind],
    [l10n.t('Who'), c.who],
    [l10n.t('Issuer'), c.issuer],
    [l10n.t('Groups'), c.groups && c.groups.length > 0 ? c.groups.join(', ') : undefined],
    [l10n.t('State'), stateRow(row)],
    [l10n.t('Expires'), instant(row.expiresAtSec)],
    [l10n.t('Issued'), instant(row.issuedAtSec)],
    [l10n.t('Refresh token'), c.hasRefreshToken === undefined ? undefined : c.hasRefreshToken ? l10n.t('present') : l10n.t('none')],
    [
      l10n.t('Last run'),
      last ? l10n.t('{0} at {1} ({2})', outcomeWord(last.outcome), instant(Math.floor(last.atMs / 1000)) ?? '', ago(nowSec - last.atMs / 1000)) : undefined,
    ],
    [l10n.t('Exec command'), c.exec?.plugin.commandLine],
    [l10n.t('Token file'), d.tokenFile],
    [l10n.t('Impersonates'), d.impersonate],
    [l10n.t('Fingerprint'), d.fingerprint],
    [l10n.t('Kubeconfig'), s.file],
  ];
}

/** "valid — expires in 3 h", "expired 2 h ago", "login needed": the state said once. */
function stateRow(row: ContextCredentialRow): string {
  const word = contextLook(row.state).word;
  return row.stateText.startsWith(word) ? row.stateText : `${word} — ${row.stateText}`;
}

/** What an exec plugin's last run came to, in words. */
function outcomeWord(outcome: ExecRunOutcome): string {
  switch (outcome) {
    case 'ok':
      return l10n.t('ok');
    case 'failed':
      return l10n.t('failed');
    case 'cancelled':
      return l10n.t('cancelled');
  }
}

function ago(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return l10n.t('just now');
  if (s < 3600) return l10n.t('{0} min ago', Math.floor(s / 60));
  if (s < 86400) return l10n.t('{0} h ago', Math.floor(s / 3600));
  return l10n.t('{0} days ago', Math.floor(s / 86400));
}

function detailLeaves(row: ContextCredentialRow, node: ExplorerNode, nowSec: number): ExplorerNode[] {
  const c = row.credential;
  const s = c.summary;
  const look = contextLook(row.state);
  const expires = instant(row.expiresAtSec);
  const out: ExplorerNode[] = [
    leaf(node, 'state', l10n.t('State'), row.stateText, look.icon, look.tone),
    leaf(node, 'cluster', l10n.t('Cluster'), s.cluster, 'server'),
    leaf(node, 'server', l10n.t('Server'), s.server ?? l10n.t('not defined'), 'globe'),
    leaf(node, 'user', l10n.t('User'), s.user ?? l10n.t('none (anonymous)'), 'person'),
    leaf(node, 'who', l10n.t('Credential'), c.whoLong ?? credentialHeadline(row), 'key'),
  ];
  if (c.issuer !== undefined) out.push(leaf(node, 'issuer', l10n.t('Issuer'), c.issuer, 'organization'));
  if (expires !== undefined) out.push(leaf(node, 'expires', l10n.t('Expires'), expires, 'watch'));
  if (row.lastRun)
    out.push(leaf(node, 'lastRun', l10n.t('Last run'), l10n.t('{0}, {1}', outcomeWord(row.lastRun.outcome), ago(nowSec - row.lastRun.atMs / 1000)), 'history'));
  out.push(leaf(node, 'file', l10n.t('Kubeconfig'), s.file, 'file'));
  const tooltip = (): string => markdownRows(l10n.t('Context {0}', c.context), contextTooltipRows(row, nowSec), row.note);
  for (const n of out) n.tooltip = tooltip;
  return out;
}

function moreContextsNode(n: number): ExplorerNode {
  const count = n.toLocaleString('en-US');
  return {
    id: 'contexts:more',
    label: n === 1 ? l10n.t('1 more context') : l10n.t('{0} more contexts', count),
    description: l10n.t('use Switch Context'),
    icon: 'ellipsis',
    tone: 'muted',
    contextValue: 'moreContexts',
    command: { command: COMMAND.switchContext, title: l10n.t('Switch Context') },
    tooltip: () =>
      markdownParagraphs(l10n.t('{0} more contexts', count), [
        l10n.t('Only the {0} contexts whose credentials need attention first are listed; pick any other with Switch Context.', MAX_CONTEXT_ROWS),
      ]),
  };
}

/** The status bar's warning about other contexts: "$(warning) 2 contexts expiring", with one tooltip row each, worst first. */
export function contextsWarning(needing: readonly ContextCredentialRow[], maxRows = 10): { text: string; heading: string; rows: Row[] } | undefined {
  if (needing.length === 0) return undefined;
  const expired = needing.filter((r) => r.state === 'expired').length;
  const n = needing.length;
  const count = n.toLocaleString('en-US');
  // One context is either expired or expiring, never both.
  const text =
    n === 1
      ? expired === 1
        ? l10n.t('1 other context expired')
        : l10n.t('1 other context expiring')
      : expired === n
        ? l10n.t('{0} other contexts expired', count)
        : expired === 0
          ? l10n.t('{0} other contexts expiring', count)
          : l10n.t('{0} other contexts expired or expiring', count);
  const rows: Row[] = needing.slice(0, maxRows).map((r) => [r.credential.context, `${credentialHeadline(r)} · ${r.stateText}`]);
  if (n > maxRows) rows.push([l10n.t('And'), l10n.t('{0} more (see the Cluster Credentials explorer)', (n - maxRows).toLocaleString('en-US'))]);
  return { text, heading: l10n.t('Other contexts: {0}', text), rows };
}
