// The context node (the active credential at a glance), the Findings node and error nodes.
import * as l10n from '@vscode/l10n';
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

function kindLabel(kind: CredentialKind): string {
  switch (kind) {
    case 'token':
      return l10n.t('bearer token');
    case 'tokenFile':
      return l10n.t('token file');
    case 'exec':
      return l10n.t('exec plugin');
    case 'authProvider':
      return l10n.t('auth-provider');
    case 'clientCertificate':
      return l10n.t('client certificate');
    case 'basicAuth':
      return l10n.t('basic auth');
    case 'none':
      return l10n.t('no credential');
  }
}

export function credentialKindLabel(d: CredentialDescription): string {
  if (d.kind === 'authProvider' && d.authProvider)
    return d.authProvider.name === 'oidc' ? l10n.t('OIDC auth-provider') : l10n.t('{0} auth-provider', d.authProvider.name);
  // "AWS EKS token", "GKE access token", "exec plugin my-helper": whose plugin, not only that there is one.
  if (d.kind === 'exec' && d.exec) return recognizeExecPlugin(d.exec).label;
  return kindLabel(d.kind);
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
  if (d.identity !== undefined && d.identity.kind !== 'serviceAccount') parts.push(l10n.t('signed in as {0}', identityWords(d.identity)));
  else if (d.identity !== undefined) parts.push(d.identity.name);
  if (d.opaqueToken === true) parts.push(l10n.t('an opaque access token (not decodable)'));
  const state = credentialState(d, nowSec, options).words;
  if (state !== undefined) parts.push(state);
  else if (d.kind === 'exec') parts.push(l10n.t('no expiry known yet'));
  return parts.join(' · ');
}

/** An exec plugin's login failed or was cancelled: the provider runs it again only on Sign In or Reload. */
export function isLoginNeeded(d: CredentialDescription): boolean {
  return d.kind === 'exec' && d.loginNeeded === true;
}

/**
 * The credential's state in words, without its kind ("expires in 3 h", "login needed"); no words when nothing is
 * known of it (a token without an expiry).
 */
export function credentialState(
  d: CredentialDescription,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
): { words?: string; state?: ReturnType<typeof credentialExpiry>['state'] } {
  // A plugin whose login failed or was cancelled is not run again by itself: that, not its expiry, is what to say.
  if (isLoginNeeded(d)) return { words: l10n.t('login needed') };
  if (d.expiresAtSec === undefined) return d.kind === 'exec' ? { words: l10n.t('expiry known after first use') } : {};
  const expiry = credentialExpiry(d, nowSec, options);
  return { words: describeExpiry(expiry, nowSec, 'short'), state: expiry.state };
}

/** "bearer token · expires in 3 h": the words the context node and the status bar share. */
export function credentialSummary(
  d: CredentialDescription,
  nowSec: number,
  options?: Partial<ExpiryOptions>,
): { text: string; state?: ReturnType<typeof credentialExpiry>['state'] } {
  const kind = credentialKindLabel(d);
  const { words, state } = credentialState(d, nowSec, options);
  const text = words === undefined ? kind : `${kind} · ${words}`;
  return state === undefined ? { text } : { text, state };
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
    description: `${marked ? `${l10n.t('active')} · ` : ''}${unreadable ? `${summary.text} · ${unreadable}` : summary.text}`,
    icon: look.icon,
    contextValue: contextValueOf(ref, [...(d.kind === 'exec' ? ['exec'] : []), ...(isLoginNeeded(d) ? ['loginNeeded'] : [])]),
    expanded: true,
    tooltip: () => {
      const advice = session ? adviseOnError(session.error, d, nowSec * 1000, session.retryAtMs) : undefined;
      const cert = d.clientCertificate;
      return markdownRows(
        marked ? l10n.t('Context {0} (active)', s.context) : l10n.t('Context {0}', s.context),
        [
          [l10n.t('Cluster'), s.summary.cluster],
          [l10n.t('Server'), s.summary.server],
          [l10n.t('User'), s.summary.user],
          [l10n.t('Namespace'), s.summary.namespace],
          [l10n.t('Credential'), credentialWords(d)],
          [l10n.t('State'), summary.state ? stateStyle(summary.state).word : undefined],
          [l10n.t('Expires'), instant(d.expiresAtSec)],
          [l10n.t('Issued'), instant(d.issuedAtSec)],
          [l10n.t('Token file'), d.tokenFile],
          [l10n.t('Exec command'), d.exec ? recognizeExecPlugin(d.exec).commandLine : undefined],
          [l10n.t('Client certificate'), cert?.commonName],
          // The groups the API server reads from the certificate's O= (system:masters is what an admin looks for).
          [l10n.t('Certificate groups'), cert?.commonName !== undefined ? cert.organizations.join(', ') || l10n.t('none') : undefined],
          [l10n.t('Fingerprint'), d.fingerprint],
          [l10n.t('Kubeconfig'), s.summary.file],
          inventoryRow(scope),
          ...(coverage ? unreadablePhrases(coverage) : []).map((phrase): Row => [l10n.t('Cannot see'), phrase]),
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
    label: l10n.t('Findings'),
    description: none ? (unread ? l10n.t('none in what could be read') : l10n.t('none')) : `${findings.length}`,
    icon: none ? (unread ? 'question' : 'pass') : severityIcon(findings[0]?.severity ?? 'info'),
    tone: none ? (unread ? 'muted' : 'ok') : severityTone(findings[0]?.severity ?? 'info'),
    contextValue: 'findings',
    // Open too when the audit logs are off or unreadable: the line that says so is what the user should see.
    expanded: findings.length > 0 || unread !== undefined || (audit !== undefined && auditNeedsEye(audit)),
  };
  if (!none) node.children = findings.map((f) => findingNode(f, context, node));
  else if (unread === undefined) node.children = [{ id: 'findings/none', label: l10n.t('No problems found'), icon: 'check', tone: 'muted', parent: node }];
  else {
    const leaf: ExplorerNode = {
      id: 'findings/none',
      label: l10n.t('No problems found in what could be read'),
      description: unread,
      icon: 'question',
      tone: 'muted',
      parent: node,
    };
    leaf.tooltip = () => markdownRows(l10n.t('No problems found in what could be read'), [[l10n.t('Not read'), unread]]);
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
    ? { command: 'workbench.action.openRemoteSettings', title: l10n.t('Open Setting'), arguments: [{ query: AUDIT_PATHS_SETTING }] }
    : { command: 'workbench.action.openSettings', title: l10n.t('Open Setting'), arguments: [AUDIT_PATHS_SETTING] };
}

function auditNeedsEye(audit: AuditStatus): boolean {
  return audit.state === 'off' || (audit.state === 'on' && audit.sources.some((s) => !s.ok));
}

/** What the diagnosis reads of the audit logs, in one muted line: off (and how to turn it on), what is read, or what failed. */
export function auditNode(audit: AuditStatus, parent: ExplorerNode, remoteWindow = false): ExplorerNode {
  const base = { id: 'findings/audit', contextValue: 'audit', command: openAuditSetting(remoteWindow), parent };
  if (audit.state === 'off') {
    return {
      ...base,
      label: l10n.t('Audit evidence is off'),
      description: l10n.t('set {0}', AUDIT_PATHS_SETTING),
      icon: 'info',
      tone: 'muted',
      tooltip: () => markdownParagraphs(l10n.t('Audit evidence is off'), [audit.sentence]),
    };
  }
  if (audit.state === 'reading') {
    return {
      ...base,
      label: l10n.t('Reading the audit logs…'),
      description: AUDIT_PATHS_SETTING,
      icon: 'loading~spin',
      tone: 'muted',
      tooltip: () => markdownParagraphs(l10n.t('Audit evidence'), [audit.sentence]),
    };
  }
  const { sources } = audit;
  const paths = sources.map((s) => s.setting).join(', ');
  // The whole sentence of each path: what was read of it, or why it could not be.
  const tooltip = (): string => markdownParagraphs(l10n.t('Audit evidence'), [audit.sentence, ...sources.map((s) => s.sentence)]);
  const failed = sources.find((s) => !s.ok);
  if (failed !== undefined) {
    const ok = sources.filter((s) => s.ok).length;
    return {
      ...base,
      label: failed.sentence,
      description:
        sources.length > 1 ? l10n.t('{0} of {1} paths of {2} read', ok, sources.length.toLocaleString('en-US'), AUDIT_PATHS_SETTING) : AUDIT_PATHS_SETTING,
      icon: 'warning',
      tone: 'warning',
      tooltip,
    };
  }
  const files = sources.reduce((n, s) => n + (s.files ?? 0), 0);
  const followed = sources.reduce((n, s) => n + (s.followed ?? 0), 0);
  return {
    ...base,
    label:
      files === 1
        ? l10n.t('Audit evidence: 1 file read, {0} followed', followed.toLocaleString('en-US'))
        : l10n.t('Audit evidence: {0} files read, {1} followed', files.toLocaleString('en-US'), followed.toLocaleString('en-US')),
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
    tooltip: () =>
      markdownRows(
        f.title,
        [[l10n.t('Severity'), severityWord(f.severity)], ...f.evidence.map((e): [string, string] => [l10n.t('Evidence'), e.text])],
        f.explanation,
      ),
  };
  // A click only opens Token Health: actions such as a restart or a 20-request probe run from their own labelled child.
  node.command = { command: COMMAND.showTokenHealth, title: l10n.t('Show Token Health'), arguments: [ref] };
  const actions = f.actions.filter((a) => a.command !== COMMAND.showTokenHealth);
  if (actions.length > 0) node.children = actions.map((a, i) => findingActionNode(f, a, i, node));
  return node;
}

function severityWord(severity: Finding['severity']): string {
  return severity === 'error' ? l10n.t('error') : severity === 'warning' ? l10n.t('warning') : l10n.t('info');
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
    description: l10n.t('next step'),
    icon: ACTION_ICONS[a.command] ?? 'wrench',
    contextValue: 'findingAction',
    command: { command: a.command, title: a.title, arguments: target ? [target] : [] },
    parent,
  };
}

/** The click of an error node: the next step, titled in the display language. */
function actionCommand(action: ErrorAction): NodeCommand {
  switch (action) {
    case 'reloadCredentials':
      return { command: COMMAND.reloadCredentials, title: l10n.t('Reload Credentials') };
    case 'retry':
      return { command: COMMAND.refresh, title: l10n.t('Retry now') };
    case 'switchContext':
      return { command: COMMAND.switchContext, title: l10n.t('Switch Context') };
    case 'openKubeconfig':
      return { command: COMMAND.openKubeconfig, title: l10n.t('Open kubeconfig') };
    case 'chooseKubeconfig':
      return { command: COMMAND.chooseKubeconfig, title: l10n.t('Choose kubeconfig file…') };
  }
}

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
        severity === 'error' ? l10n.t('Error') : l10n.t('Not allowed'),
        [
          [l10n.t('Next step'), action ? actionCommand(action).title : undefined],
          [l10n.t('Status'), countdown],
        ],
        message,
      ),
  };
  if (countdown) node.description = countdown;
  if (action) node.command = actionCommand(action);
  if (parent) node.parent = parent;
  return node;
}
