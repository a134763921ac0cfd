// The context node (the active credential at a glance), the Findings node and error nodes.
import type { CredentialDescription, CredentialKind } from '../../cluster/auth/credentialDescription';
import { adviseOnError, type ErrorAction } from '../../cluster/errorAdvice';
import type { ClusterError } from '../../cluster/errors';
import { isComplete, unreadableBrief, unreadablePhrases, type InventoryCoverage } from '../../cluster/inventory/coverage';
import { credentialExpiry } from '../../cluster/inventory/tokenTiming';
import type { Finding, FindingAction } from '../../diagnosis/types';
import { COMMAND } from '../../shared/commandIds';
import { describeExpiry } from '../../token/relativeTime';
import type { ExpiryOptions } from '../../token/types';
import type { ExplorerNode, ModelSession, NodeCommand, Tone } from './explorerNode';
import { contextValueOf, type ContextRef, type FindingRef } from '../../shared/nodeRef';
import { severityIcon, severityTone, stateStyle } from './stateStyle';
import { instant, markdownRows, type Row } from './tooltips';

const KIND_LABEL: Record<CredentialKind, string> = {
  token: 'bearer token',
  tokenFile: 'token file',
  exec: 'exec plugin',
  authProvider: 'auth-provider',
  clientCertificate: 'client certificate',
  basicAuth: 'basic auth',
  none: 'no credential',
};

export function credentialKindLabel(d: CredentialDescription): string {
  if (d.kind === 'authProvider' && d.authProvider) return d.authProvider.name === 'oidc' ? 'OIDC auth-provider' : `${d.authProvider.name} auth-provider`;
  return KIND_LABEL[d.kind];
}

/** "bearer token · expires in 3 h": the words the context node and the status bar share. */
export function credentialSummary(
  d: CredentialDescription,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
): { text: string; state?: ReturnType<typeof credentialExpiry>['state'] } {
  const kind = credentialKindLabel(d);
  if (d.expiresAtSec === undefined) return { text: d.kind === 'exec' ? `${kind} · expiry known after first use` : kind };
  const expiry = credentialExpiry(d, nowSec, options);
  return { text: `${kind} · ${describeExpiry(expiry, nowSec, 'short')}`, state: expiry.state };
}

/**
 * The active credential at a glance. `coverage` is what the inventory could not read: the node never shows the
 * healthy icon over a list that failed, and says in words what the user cannot see.
 */
export function contextNode(s: ModelSession, nowSec: number, options?: Partial<ExpiryOptions>, coverage?: InventoryCoverage): ExplorerNode {
  const ref: ContextRef = { kind: 'context', context: s.context };
  const d = s.credential;
  const summary = credentialSummary(d, nowSec, options);
  const style = summary.state ? stateStyle(summary.state) : undefined;
  const look = contextLook(d.problem ? { icon: 'warning', tone: 'warning' } : { icon: style?.icon ?? 'server-environment', tone: style?.tone }, coverage);
  const unreadable = coverage ? unreadableBrief(coverage) : undefined;
  const session = coverage?.session;
  const node: ExplorerNode = {
    id: `context:${s.context}`,
    ref,
    label: s.context,
    description: unreadable ? `${summary.text} · ${unreadable}` : summary.text,
    icon: look.icon,
    contextValue: contextValueOf(ref),
    expanded: true,
    tooltip: () => {
      const advice = session ? adviseOnError(session.error, d, nowSec * 1000, session.retryAtMs) : undefined;
      const cert = d.clientCertificate;
      return markdownRows(
        `Context ${s.context}`,
        [
          ['Cluster', s.summary.cluster],
          ['Server', s.summary.server],
          ['User', s.summary.user],
          ['Namespace', s.summary.namespace],
          ['Credential', credentialKindLabel(d)],
          ['State', summary.state ? stateStyle(summary.state).word : undefined],
          ['Expires', instant(d.expiresAtSec)],
          ['Issued', instant(d.issuedAtSec)],
          ['Token file', d.tokenFile],
          ['Exec command', d.exec?.command],
          ['Client certificate', cert?.commonName],
          // The groups the API server reads from the certificate's O= (system:masters is what an admin looks for).
          ['Certificate groups', cert?.commonName !== undefined ? cert.organizations.join(', ') || 'none' : undefined],
          ['Fingerprint', d.fingerprint],
          ['Kubeconfig', s.summary.file],
          ...(coverage ? unreadablePhrases(coverage) : []).map((phrase): Row => ['Cannot see', phrase]),
        ],
        // Sentences longer than a row holds: what every request meets now, and what is wrong with the credential.
        [advice ? `${advice.message}${advice.countdown ? ` (${advice.countdown})` : ''}` : undefined, d.problem].filter(Boolean).join(' — ') || undefined,
      );
    },
  };
  if (look.tone) node.tone = look.tone;
  return node;
}

/** The credential's own look, unless the cluster's answers say worse: never the healthy icon over a failed list. */
function contextLook(base: { icon: string; tone: Tone | undefined }, coverage: InventoryCoverage | undefined): { icon: string; tone: Tone | undefined } {
  if (!coverage || isComplete(coverage) || base.tone === 'error') return base;
  const session = coverage.session?.error.kind;
  if (session === 'unreachable') return { icon: 'debug-disconnect', tone: 'muted' };
  if (session !== undefined) return { icon: 'error', tone: 'error' };
  return { icon: 'warning', tone: 'warning' };
}

/** `unread` says, in a few words, what the diagnosis could not look at: "none" then means none in what it saw. */
export function findingsNode(findings: readonly Finding[], context: string, unread?: string): ExplorerNode {
  const none = findings.length === 0;
  const node: ExplorerNode = {
    id: 'findings',
    label: 'Findings',
    description: none ? (unread ? 'none in what could be read' : 'none') : `${findings.length}`,
    icon: none ? (unread ? 'question' : 'pass') : severityIcon(findings[0]?.severity ?? 'info'),
    tone: none ? (unread ? 'muted' : 'ok') : severityTone(findings[0]?.severity ?? 'info'),
    contextValue: 'findings',
    expanded: findings.length > 0 || unread !== undefined,
  };
  if (!none) node.children = findings.map((f) => findingNode(f, context, node));
  else if (unread === undefined) node.children = [{ id: 'findings/none', label: 'No problems found', icon: 'check', tone: 'muted', parent: node }];
  else {
    const leaf: ExplorerNode = {
      id: 'findings/none',
      label: 'No problems found in what could be read',
      description: unread,
      icon: 'question',
      tone: 'muted',
      parent: node,
    };
    leaf.tooltip = () => markdownRows('No problems found in what could be read', [['Not read', unread]]);
    node.children = [leaf];
  }
  return node;
}

function findingNode(f: Finding, context: string, parent: ExplorerNode): ExplorerNode {
  const ref: FindingRef = { kind: 'finding', context, findingId: f.id };
  const node: ExplorerNode = {
    id: `finding:${f.id}`,
    ref,
    label: f.title,
    description: f.explanation,
    icon: severityIcon(f.severity),
    tone: severityTone(f.severity),
    contextValue: contextValueOf(ref, f.target ? ['target'] : []),
    parent,
    tooltip: () => markdownRows(f.title, [['Severity', f.severity], ...f.evidence.map((e): [string, string] => ['Evidence', e.text])], f.explanation),
  };
  // A click only opens Token Health: actions such as a restart or a 20-request probe run from their own labelled child.
  node.command = { command: COMMAND.showTokenHealth, title: 'Show Token Health', arguments: [ref] };
  const actions = f.actions.filter((a) => a.command !== COMMAND.showTokenHealth);
  if (actions.length > 0) node.children = actions.map((a, i) => findingActionNode(f, a, i, node));
  return node;
}

const ACTION_ICONS: Record<string, string> = {
  [COMMAND.restartPod]: 'debug-restart',
  [COMMAND.rolloutRestart]: 'debug-restart',
  [COMMAND.reloadCredentials]: 'sync',
  [COMMAND.probeConcurrency]: 'pulse',
  [COMMAND.requestToken]: 'key',
  [COMMAND.scanUnauthorized]: 'search',
  [COMMAND.openKubeconfig]: 'go-to-file',
  [COMMAND.refresh]: 'refresh',
};

/** One next step of a finding ("Restart pod", "Probe again"), as a child the user clicks on purpose. */
function findingActionNode(f: Finding, a: FindingAction, index: number, parent: ExplorerNode): ExplorerNode {
  const target = a.target ?? f.target;
  return {
    id: `finding:${f.id}/action:${index}`,
    label: a.title,
    description: 'next step',
    icon: ACTION_ICONS[a.command] ?? 'wrench',
    contextValue: 'findingAction',
    command: { command: a.command, title: a.title, arguments: target ? [target] : [] },
    parent,
  };
}

const ACTION_COMMANDS: Record<ErrorAction, NodeCommand> = {
  reloadCredentials: { command: COMMAND.reloadCredentials, title: 'Reload Credentials' },
  retry: { command: COMMAND.refresh, title: 'Retry now' },
  switchContext: { command: COMMAND.switchContext, title: 'Switch Context' },
  openKubeconfig: { command: COMMAND.openKubeconfig, title: 'Open kubeconfig' },
  chooseKubeconfig: { command: COMMAND.chooseKubeconfig, title: 'Choose kubeconfig file…' },
};

/** An error as a node: the sentence, a countdown while a retry is pending, and a click that does the next step. */
export function errorNode(
  id: string,
  error: ClusterError,
  credential: CredentialDescription | undefined,
  nowMs: number,
  retryAtMs?: number,
  parent?: ExplorerNode,
): ExplorerNode {
  const advice = adviseOnError(error, credential, nowMs, retryAtMs);
  return problemNode(id, advice.message, advice.severity, advice.action, advice.countdown, parent);
}

export function problemNode(
  id: string,
  message: string,
  severity: 'error' | 'warning',
  action?: ErrorAction,
  countdown?: string,
  parent?: ExplorerNode,
): ExplorerNode {
  const node: ExplorerNode = {
    id: `error:${id}`,
    label: message,
    icon: severity === 'error' ? 'error' : 'warning',
    tone: severity,
    contextValue: 'error',
    tooltip: () =>
      markdownRows(
        severity === 'error' ? 'Error' : 'Not allowed',
        [
          ['Next step', action ? ACTION_COMMANDS[action].title : undefined],
          ['Status', countdown],
        ],
        message,
      ),
  };
  if (countdown) node.description = countdown;
  if (action) node.command = ACTION_COMMANDS[action];
  if (parent) node.parent = parent;
  return node;
}
