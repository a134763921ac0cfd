// The Contexts part of the explorer: one row per kubeconfig context, worst credential first, each read
// offline (contextCredentials.ts). The active context is the existing context node, marked and expanding
// into the session's tree; any other row expands into a few details and can be switched to from its menu.
import type { ContextCredentialRow, ContextCredentialState } from '../../cluster/auth/contextCredentials';
import { COMMAND } from '../../shared/commandIds';
import type { ContextRef } from '../../shared/nodeRef';
import { leaf, type ExplorerNode, type Tone } from './explorerNode';
import { stateStyle } from './stateStyle';
import { instant, markdownParagraphs, markdownRows, type Row } from './tooltips';

/** A kubeconfig of 10,000 contexts shows the worst 200; Switch Context reaches the others. */
export const MAX_CONTEXT_ROWS = 200;

/** contextValue of a context that is not the active one (`viewItem == otherContext` shows Switch to This Context). */
export const OTHER_CONTEXT_VALUE = 'otherContext';

const LOOK: Record<Exclude<ContextCredentialState, 'expired' | 'expiring' | 'stale' | 'notYetValid' | 'valid' | 'noExpiry'>, Look> = {
  loginNeeded: { icon: 'sign-in', tone: 'error', word: 'login needed' },
  problem: { icon: 'warning', tone: 'warning', word: 'cannot be used' },
  unknown: { icon: 'question', tone: 'muted', word: 'not known offline' },
  none: { icon: 'circle-slash', tone: 'muted', word: 'no credential' },
};

interface Look {
  icon: string;
  tone: Tone;
  word: string;
}

export function contextLook(state: ContextCredentialState): Look {
  switch (state) {
    case 'loginNeeded':
    case 'problem':
    case 'unknown':
    case 'none':
      return LOOK[state];
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
    tooltip: () => markdownRows(`Context ${name}`, contextTooltipRows(row, nowSec), row.note),
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
    ['Cluster', s.cluster],
    ['Server', s.server],
    ['User', s.user],
    ['Namespace', s.namespace],
    ['Credential', c.whoLong ?? c.kind],
    ['Who', c.who],
    ['Issuer', c.issuer],
    ['Groups', c.groups && c.groups.length > 0 ? c.groups.join(', ') : undefined],
    ['State', stateRow(row)],
    ['Expires', instant(row.expiresAtSec)],
    ['Issued', instant(row.issuedAtSec)],
    ['Refresh token', c.hasRefreshToken === undefined ? undefined : c.hasRefreshToken ? 'present' : 'none'],
    ['Last run', last ? `${last.outcome} at ${instant(Math.floor(last.atMs / 1000)) ?? ''} (${ago(nowSec - last.atMs / 1000)})` : undefined],
    ['Exec command', c.exec?.plugin.commandLine],
    ['Token file', d.tokenFile],
    ['Impersonates', d.impersonate],
    ['Fingerprint', d.fingerprint],
    ['Kubeconfig', s.file],
  ];
}

/** "valid — expires in 3 h", "expired 2 h ago", "login needed": the state said once. */
function stateRow(row: ContextCredentialRow): string {
  const word = contextLook(row.state).word;
  return row.stateText.startsWith(word) ? row.stateText : `${word} — ${row.stateText}`;
}

function ago(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

function detailLeaves(row: ContextCredentialRow, node: ExplorerNode, nowSec: number): ExplorerNode[] {
  const c = row.credential;
  const s = c.summary;
  const look = contextLook(row.state);
  const expires = instant(row.expiresAtSec);
  const out: ExplorerNode[] = [
    leaf(node, 'state', 'State', row.stateText, look.icon, look.tone),
    leaf(node, 'cluster', 'Cluster', s.cluster, 'server'),
    leaf(node, 'server', 'Server', s.server ?? 'not defined', 'globe'),
    leaf(node, 'user', 'User', s.user ?? 'none (anonymous)', 'person'),
    leaf(node, 'who', 'Credential', c.whoLong ?? credentialHeadline(row), 'key'),
  ];
  if (c.issuer !== undefined) out.push(leaf(node, 'issuer', 'Issuer', c.issuer, 'organization'));
  if (expires !== undefined) out.push(leaf(node, 'expires', 'Expires', expires, 'watch'));
  if (row.lastRun) out.push(leaf(node, 'lastRun', 'Last run', `${row.lastRun.outcome}, ${ago(nowSec - row.lastRun.atMs / 1000)}`, 'history'));
  out.push(leaf(node, 'file', 'Kubeconfig', s.file, 'file'));
  const tooltip = (): string => markdownRows(`Context ${c.context}`, contextTooltipRows(row, nowSec), row.note);
  for (const n of out) n.tooltip = tooltip;
  return out;
}

function moreContextsNode(n: number): ExplorerNode {
  const count = n.toLocaleString('en-US');
  return {
    id: 'contexts:more',
    label: `${count} more ${n === 1 ? 'context' : 'contexts'}`,
    description: 'use Switch Context',
    icon: 'ellipsis',
    tone: 'muted',
    contextValue: 'moreContexts',
    command: { command: COMMAND.switchContext, title: 'Switch Context' },
    tooltip: () =>
      markdownParagraphs(`${count} more contexts`, [
        `Only the ${MAX_CONTEXT_ROWS} contexts whose credentials need attention first are listed; pick any other with Switch Context.`,
      ]),
  };
}

/** The status bar's warning about other contexts: "$(warning) 2 contexts expiring", with one tooltip row each, worst first. */
export function contextsWarning(needing: readonly ContextCredentialRow[], maxRows = 10): { text: string; heading: string; rows: Row[] } | undefined {
  if (needing.length === 0) return undefined;
  const expired = needing.filter((r) => r.state === 'expired').length;
  const n = needing.length;
  const noun = n === 1 ? 'context' : 'contexts';
  const what = expired === n ? 'expired' : expired === 0 ? 'expiring' : 'expired or expiring';
  const text = `${n.toLocaleString('en-US')} other ${noun} ${what}`;
  const rows: Row[] = needing.slice(0, maxRows).map((r) => [r.credential.context, `${credentialHeadline(r)} · ${r.stateText}`]);
  if (n > maxRows) rows.push(['And', `${(n - maxRows).toLocaleString('en-US')} more (see the Cluster Credentials explorer)`]);
  return { text, heading: `Other contexts: ${text}`, rows };
}
