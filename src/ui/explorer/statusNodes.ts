// The context node (the active credential at a glance), the Findings node and error nodes.
import { identityWords } from '../../token/identity';
import { AUDIT_PATHS_SETTING, type AuditStatus } from '../../app/auditEvidence';
import type { CredentialDescription, CredentialKind } from '../../cluster/auth/credentialDescription';
import { recognizeExecPlugin } from '../../cluster/auth/execPlugins';
import { adviseOnError, type ErrorAction } from '../../cluster/errorAdvice';
import type { ClusterError } from '../../cluster/errors';
import { isComplete, unreadableBrief, unreadablePhrases, type InventoryCoverage } from '../../cluster/inventory/coverage';
import { credentialExpiry } from '../../cluster/inventory/tokenTiming';
import type { InventoryScope } from '../../cluster/inventory/types';
import { inventoryRow } from './inventoryModeNodes';
import type { Finding, FindingAction } from '../../diagnosis/types';
import { COMMAND } from '../../shared/commandIds';
import { describeExpiry } from '../../token/relativeTime';
import type { ExpiryOptions } from '../../token/types';
import type { ExplorerNode, ModelSession, NodeCommand, Tone } from './explorerNode';
import { contextValueOf, type ContextRef, type FindingRef } from '../../shared/nodeRef';
import { severityIcon, severityTone, stateStyle } from './stateStyle';
import { instant, markdownParagraphs, markdownRows, type Row } from './tooltips';

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
  // "AWS EKS token", "GKE access token", "exec plugin my-helper": whose plugin, not only that there is one.
  if (d.kind === 'exec' && d.exec) return recognizeExecPlugin(d.exec).label;
  return KIND_LABEL[d.kind];
}

/** The credential in a sentence for a tooltip: an exec plugin with its cluster, region, role, login or issuer. */
export function credentialWords(d: CredentialDescription): string {
  return d.kind === 'exec' && d.exec ? recognizeExecPlugin(d.exec).description : credentialKindLabel(d);
}

/**
 * The credential in one sentence for Token Health and tooltips: whose it is in words (the exec plugin's cloud,
 * cluster and role; who a decoded token names), then its state: "AWS EKS token for cluster prod-eu (region
 * eu-west-1) · expires in 12 min".
 */
export function credentialSentence(d: CredentialDescription, nowSec: number, options?: Partial<ExpiryOptions>): string {
  const parts = [credentialWords(d)];
  if (d.identity !== undefined && d.identity.kind !== 'serviceAccount') parts.push(`signed in as ${identityWords(d.identity)}`);
  else if (d.identity !== undefined) parts.push(d.identity.name);
  if (d.opaqueToken === true) parts.push('an opaque access token (not decodable)');
  const summary = credentialSummary(d, nowSec, options);
  const state = summary.text.startsWith(`${credentialKindLabel(d)} · `) ? summary.text.slice(credentialKindLabel(d).length + 3) : undefined;
  if (state !== undefined) parts.push(state);
  else if (d.kind === 'exec') parts.push('no expiry known yet');
  return parts.join(' · ');
}

/** An exec plugin's login failed or was cancelled: the provider runs it again only on Sign In or Reload. */
export function isLoginNeeded(d: CredentialDescription): boolean {
  return d.kind === 'exec' && d.problem?.startsWith('login needed') === true;
}

/** "bearer token · expires in 3 h": the words the context node and the status bar share. */
export function credentialSummary(
  d: CredentialDescription,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
): { text: string; state?: ReturnType<typeof credentialExpiry>['state'] } {
  const kind = credentialKindLabel(d);
  // A plugin whose login failed or was cancelled is not run again by itself: that, not its expiry, is what to say.
  if (isLoginNeeded(d)) return { text: `${kind} · login needed` };
  if (d.expiresAtSec === undefined) return { text: d.kind === 'exec' ? `${kind} · expiry known after first use` : kind };
  const expiry = credentialExpiry(d, nowSec, options);
  return { text: `${kind} · ${describeExpiry(expiry, nowSec, 'short')}`, state: expiry.state };
}

/**
 * The active credential at a glance. `coverage` is what the inventory could not read: the node never shows the
 * healthy icon over a list that failed, and says in words what the user cannot see. `marked`: other contexts are
 * listed beside it, so it says it is the active one.
 */
export function contextNode(
  s: ModelSession,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
  coverage?: InventoryCoverage,
  marked = false,
  scope?: InventoryScope,
): ExplorerNode {
  const ref: ContextRef = { kind: 'context', context: s.context };
  const d = s.credential;
  const summary = credentialSummary(d, nowSec, options);
  const style = summary.state ? stateStyle(summary.state) : undefined;
  const look = contextLook(
    isLoginNeeded(d)
      ? { icon: 'sign-in', tone: 'error' }
      : d.problem
        ? { icon: 'warning', tone: 'warning' }
        : { icon: style?.icon ?? 'server-environment', tone: style?.tone },
    coverage,
  );
  const unreadable = coverage ? unreadableBrief(coverage) : undefined;
  const session = coverage?.session;
  const node: ExplorerNode = {
    id: `context:${s.context}`,
    ref,
    label: s.context,
    description: `${marked ? 'active · ' : ''}${unreadable ? `${summary.text} · ${unreadable}` : summary.text}`,
    icon: look.icon,
    contextValue: contextValueOf(ref, [...(d.kind === 'exec' ? ['exec'] : []), ...(isLoginNeeded(d) ? ['loginNeeded'] : [])]),
    expanded: true,
    tooltip: () => {
      const advice = session ? adviseOnError(session.error, d, nowSec * 1000, session.retryAtMs) : undefined;
      const cert = d.clientCertificate;
      return markdownRows(
        `Context ${s.context}${marked ? ' (active)' : ''}`,
        [
          ['Cluster', s.summary.cluster],
          ['Server', s.summary.server],
          ['User', s.summary.user],
          ['Namespace', s.summary.namespace],
          ['Credential', credentialWords(d)],
          ['State', summary.state ? stateStyle(summary.state).word : undefined],
          ['Expires', instant(d.expiresAtSec)],
          ['Issued', instant(d.issuedAtSec)],
          ['Token file', d.tokenFile],
          ['Exec command', d.exec ? recognizeExecPlugin(d.exec).commandLine : undefined],
          ['Client certificate', cert?.commonName],
          // The groups the API server reads from the certificate's O= (system:masters is what an admin looks for).
          ['Certificate groups', cert?.commonName !== undefined ? cert.organizations.join(', ') || 'none' : undefined],
          ['Fingerprint', d.fingerprint],
          ['Kubeconfig', s.summary.file],
          inventoryRow(scope),
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

/**
 * `unread` says, in a few words, what the diagnosis could not look at: "none" then means none in what it saw.
 * `audit` adds a last line saying what becomes of the audit logs (off, read, or why a path could not be read).
 */
export function findingsNode(findings: readonly Finding[], context: string, unread?: string, audit?: AuditStatus, remoteWindow = false): ExplorerNode {
  const none = findings.length === 0;
  const node: ExplorerNode = {
    id: 'findings',
    label: 'Findings',
    description: none ? (unread ? 'none in what could be read' : 'none') : `${findings.length}`,
    icon: none ? (unread ? 'question' : 'pass') : severityIcon(findings[0]?.severity ?? 'info'),
    tone: none ? (unread ? 'muted' : 'ok') : severityTone(findings[0]?.severity ?? 'info'),
    contextValue: 'findings',
    // Open too when the audit logs are off or unreadable: the line that says so is what the user should see.
    expanded: findings.length > 0 || unread !== undefined || (audit !== undefined && auditNeedsEye(audit)),
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
  if (audit !== undefined) node.children.push(auditNode(audit, node, remoteWindow));
  return node;
}

/**
 * A click on the audit line opens the setting that says which audit logs are read: in a remote window on the
 * Remote tab, the only one where a machine-overridable setting counts (the User tab does not even list it).
 */
export function openAuditSetting(remoteWindow: boolean): NodeCommand {
  return remoteWindow
    ? { command: 'workbench.action.openRemoteSettings', title: 'Open Setting', arguments: [{ query: AUDIT_PATHS_SETTING }] }
    : { command: 'workbench.action.openSettings', title: 'Open Setting', arguments: [AUDIT_PATHS_SETTING] };
}

function auditNeedsEye(audit: AuditStatus): boolean {
  return audit.state === 'off' || (audit.state === 'on' && audit.sources.some((s) => !s.ok));
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** What the diagnosis reads of the audit logs, in one muted line: off (and how to turn it on), what is read, or what failed. */
export function auditNode(audit: AuditStatus, parent: ExplorerNode, remoteWindow = false): ExplorerNode {
  const base = { id: 'findings/audit', contextValue: 'audit', command: openAuditSetting(remoteWindow), parent };
  if (audit.state === 'off') {
    return {
      ...base,
      label: 'Audit evidence is off',
      description: `set ${AUDIT_PATHS_SETTING}`,
      icon: 'info',
      tone: 'muted',
      tooltip: () => markdownParagraphs('Audit evidence is off', [audit.sentence]),
    };
  }
  if (audit.state === 'reading') {
    return {
      ...base,
      label: 'Reading the audit logs…',
      description: AUDIT_PATHS_SETTING,
      icon: 'loading~spin',
      tone: 'muted',
      tooltip: () => markdownParagraphs('Audit evidence', [audit.sentence]),
    };
  }
  const { sources } = audit;
  const paths = sources.map((s) => s.setting).join(', ');
  // The whole sentence of each path: what was read of it, or why it could not be.
  const tooltip = (): string => markdownParagraphs('Audit evidence', [audit.sentence, ...sources.map((s) => s.sentence)]);
  const failed = sources.find((s) => !s.ok);
  if (failed !== undefined) {
    const ok = sources.filter((s) => s.ok).length;
    return {
      ...base,
      label: failed.sentence,
      description: sources.length > 1 ? `${ok} of ${count(sources.length, 'path')} of ${AUDIT_PATHS_SETTING} read` : AUDIT_PATHS_SETTING,
      icon: 'warning',
      tone: 'warning',
      tooltip,
    };
  }
  const files = sources.reduce((n, s) => n + (s.files ?? 0), 0);
  const followed = sources.reduce((n, s) => n + (s.followed ?? 0), 0);
  return {
    ...base,
    label: `Audit evidence: ${count(files, 'file')} read, ${followed.toLocaleString('en-US')} followed`,
    description: paths,
    icon: 'info',
    tone: 'muted',
    tooltip,
  };
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
