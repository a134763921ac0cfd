// What one Token Health panel shows, gathered from history and findings for its subject.
// No vscode import: the panel host calls this with what the services hold, tests call it with data.
import * as l10n from '@vscode/l10n';
import type { AddressPod } from '../../diagnosis/auditSources';
import type { Finding } from '../../diagnosis/types';
import { buildTimeline, type AuditUnauthorizedSpan } from '../../diagnosis/timeline';
import type { HistoryRecord, Subject, TokenObservation, UnauthorizedEvent } from '../../history/types';
import type { ControlPlaneGauge, PanelAction, TokenHealthState, TokenHealthSubject, UnauthorizedLine } from '../../shared/tokenHealthProtocol';
import type { NodeRef } from '../../shared/nodeRef';
import { COMMAND } from '../../shared/commandIds';
import type { InventorySnapshot, PodItem, ResourceStatus } from '../../cluster/inventory/types';
import { canonical } from '../../shared/values';

/** The part of the cluster a panel covers. */
export interface Scope {
  context: string;
  namespace?: string;
  pod?: string;
  serviceAccount?: string;
}

export interface ScopedSubject {
  scope: Scope;
  subject: TokenHealthSubject;
}

function describeScope(scope: Scope): string {
  if (scope.pod !== undefined) return l10n.t('Pod {0}/{1}', scope.namespace ?? '', scope.pod);
  if (scope.serviceAccount !== undefined) return l10n.t('Service account {0}/{1}', scope.namespace ?? '', scope.serviceAccount);
  if (scope.namespace !== undefined) return l10n.t('Namespace {0}', scope.namespace);
  return l10n.t('Context {0}', scope.context);
}

function scopeOfSubject(s: Subject): Scope {
  const scope: Scope = { context: s.context };
  if (s.namespace !== undefined) scope.namespace = s.namespace;
  if (s.namespace !== undefined && s.pod !== undefined) scope.pod = s.pod;
  else if (s.namespace !== undefined && s.serviceAccount !== undefined) scope.serviceAccount = s.serviceAccount;
  return scope;
}

/** The scope and heading of a panel opened for `ref`; a finding's panel covers the finding's subject. */
export function resolveSubject(ref: NodeRef, findings: readonly Finding[]): ScopedSubject {
  if (ref.kind === 'finding') {
    const finding = findings.find((f) => f.id === ref.findingId);
    if (finding === undefined) {
      const scope: Scope = { context: ref.context };
      return {
        scope,
        subject: { ref, title: describeScope(scope), detail: l10n.t('The finding this panel was opened for is no longer reported.') },
      };
    }
    const scope = scopeOfSubject(finding.subject);
    return {
      scope,
      subject: { ref, title: describeScope(scope), detail: l10n.t('Context {0} · finding: {1}', scope.context, finding.title), findingId: finding.id },
    };
  }
  const scope = scopeOfSubject(subjectOfRef(ref));
  const detail =
    scope.namespace === undefined ? l10n.t('Every namespace of this context, as far as history has seen it') : l10n.t('Context {0}', scope.context);
  return { scope, subject: { ref, title: describeScope(scope), detail } };
}

/** True when `s` (a record's or a finding's subject) lies inside `scope`. */
export function inScope(s: Subject, scope: Scope): boolean {
  if (s.context !== scope.context) return false;
  if (scope.namespace !== undefined && s.namespace !== scope.namespace) return false;
  if (scope.pod !== undefined && s.pod !== scope.pod) return false;
  if (scope.serviceAccount !== undefined && s.serviceAccount !== scope.serviceAccount) return false;
  return true;
}

function refInScope(ref: NodeRef | undefined, scope: Scope): boolean {
  if (ref === undefined || ref.kind === 'finding') return false;
  return inScope(subjectOfRef(ref), scope);
}

function subjectOfRef(ref: Exclude<NodeRef, { kind: 'finding' }>): Subject {
  switch (ref.kind) {
    case 'context':
      return { context: ref.context };
    case 'namespace':
      return { context: ref.context, namespace: ref.namespace };
    case 'serviceAccount':
      return { context: ref.context, namespace: ref.namespace, serviceAccount: ref.name };
    case 'pod':
      return { context: ref.context, namespace: ref.namespace, pod: ref.name, serviceAccount: ref.serviceAccount };
    case 'tokenFile':
      return { context: ref.context, namespace: ref.namespace, pod: ref.pod, serviceAccount: ref.serviceAccount };
    case 'secret':
      return { context: ref.context, namespace: ref.namespace, ...(ref.serviceAccount !== undefined ? { serviceAccount: ref.serviceAccount } : {}) };
  }
}

/**
 * The records of `scope`. A 401 line names a pod, not always its service account: for a service
 * account the pods its tokens were seen in count too.
 */
export function recordsInScope(
  records: readonly HistoryRecord[],
  scope: Scope,
  auditSpans: readonly AuditUnauthorizedSpan[] = [],
): { observations: TokenObservation[]; events: UnauthorizedEvent[]; audit: AuditUnauthorizedSpan[] } {
  const observations = records.filter((r): r is TokenObservation => r.kind === 'token' && inScope(r.subject, scope));
  const pods = new Set<string>();
  if (scope.serviceAccount !== undefined) {
    for (const o of observations) if (o.subject.pod !== undefined) pods.add(`${o.subject.namespace ?? ''}/${o.subject.pod}`);
  }
  const ofPodInScope = (s: Subject): boolean =>
    inScope(s, scope) || (s.context === scope.context && s.pod !== undefined && pods.has(`${s.namespace ?? ''}/${s.pod}`));
  const events = records.filter((r): r is UnauthorizedEvent => r.kind === 'unauthorized' && ofPodInScope(r.subject));
  const audit = auditSpans.filter((a) => ofPodInScope(a.subject));
  return { observations, events, audit };
}

/** What of the inventory's pods ties an audit 401's address to a pod (diagnosis/auditSources.ts). */
export function addressPodsOf(pods: readonly PodItem[]): AddressPod[] {
  return pods.map((p) => {
    const a: AddressPod = { namespace: p.namespace, name: p.name, uid: p.uid, serviceAccount: p.serviceAccount };
    if (p.podIPs !== undefined) a.podIPs = [...p.podIPs];
    if (p.startedAtSec !== undefined) a.startedAtMs = p.startedAtSec * 1000;
    return a;
  });
}

export function findingsInScope(findings: readonly Finding[], scope: Scope): Finding[] {
  return findings.filter((f) => inScope(f.subject, scope) || refInScope(f.target, scope));
}

function lineOf(e: UnauthorizedEvent): UnauthorizedLine {
  const line: UnauthorizedLine = { atMs: e.at, source: e.source, pattern: e.pattern, line: e.line, count: e.count ?? 1 };
  if (e.subject.namespace !== undefined) line.namespace = e.subject.namespace;
  if (e.subject.pod !== undefined) line.pod = e.subject.pod;
  if (e.subject.container !== undefined) line.container = e.subject.container;
  return line;
}

/** The ref the panel's own actions (scan for 401 lines) act on: the subject without the finding. */
function actionTarget(scope: Scope): NodeRef {
  if (scope.namespace !== undefined && scope.serviceAccount !== undefined) {
    return { kind: 'serviceAccount', context: scope.context, namespace: scope.namespace, name: scope.serviceAccount };
  }
  if (scope.namespace !== undefined) return { kind: 'namespace', context: scope.context, namespace: scope.namespace };
  return { kind: 'context', context: scope.context };
}

/** What a panel knows of the active session's inventory; only its own context's counts. */
export interface InventoryView {
  context: string;
  snapshot: InventorySnapshot;
}

/**
 * For the panel of one pod (or one of its token files): a sentence saying the pod is gone when the pod list
 * of its namespace has answered and holds no pod with its uid (a new pod of the same name is another pod).
 * Undefined while the list has not answered, is failing, or belongs to another context: gone is said only when known.
 */
export function podGoneNotice(ref: NodeRef, inventory: InventoryView | undefined): string | undefined {
  const pod =
    ref.kind === 'pod'
      ? { namespace: ref.namespace, name: ref.name, uid: ref.uid }
      : ref.kind === 'tokenFile'
        ? { namespace: ref.namespace, name: ref.pod, uid: ref.podUid }
        : undefined;
  if (pod === undefined || inventory === undefined || inventory.context !== ref.context) return undefined;
  const { snapshot } = inventory;
  const status: ResourceStatus | undefined = snapshot.status.pods.get(pod.namespace) ?? snapshot.status.pods.get('*');
  if (status?.state !== 'ready') return undefined;
  if (snapshot.pods.some((p) => p.uid === pod.uid)) return undefined;
  const namespaceGone = isNamespaceGone(snapshot, pod.namespace);
  const successor = snapshot.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
  const why = namespaceGone
    ? l10n.t('its namespace {0} was deleted', pod.namespace)
    : successor !== undefined
      ? l10n.t('it was deleted, and a new pod of the same name (uid {0}) took its place', successor.uid)
      : l10n.t('it was deleted from the cluster');
  return l10n.t('Pod {0}/{1} (uid {2}) is gone: {3}. This panel shows what history recorded of it.', pod.namespace, pod.name, pod.uid, why);
}

/**
 * True when the inventory's namespace list is the cluster's answer (not namespaces from settings, not a list that
 * is loading or failing) and `namespace` is not in it.
 */
function isNamespaceGone(snapshot: InventorySnapshot, namespace: string): boolean {
  return !snapshot.namespacesFixed && snapshot.status.namespaces.get('*')?.state === 'ready' && !snapshot.namespaces.some((n) => n.name === namespace);
}

/**
 * For the panel of one namespace: a sentence saying the namespace is gone when the namespace list of its context
 * has answered without it. Undefined otherwise, as for podGoneNotice: gone is said only when known.
 */
export function namespaceGoneNotice(ref: NodeRef, inventory: InventoryView | undefined): string | undefined {
  if (ref.kind !== 'namespace' || inventory === undefined || inventory.context !== ref.context) return undefined;
  if (!isNamespaceGone(inventory.snapshot, ref.namespace)) return undefined;
  return l10n.t('Namespace {0} is gone: it was deleted from the cluster. This panel shows what history recorded of it.', ref.namespace);
}

/** The sentence saying the panel's pod or namespace is gone, when the inventory knows it. */
export function goneNotice(ref: NodeRef, inventory: InventoryView | undefined): string | undefined {
  return podGoneNotice(ref, inventory) ?? namespaceGoneNotice(ref, inventory);
}

export interface PanelInputs {
  ref: NodeRef;
  records: readonly HistoryRecord[];
  findings: readonly Finding[];
  nowMs: number;
  notice?: string;
  /** The control plane's gauge of the panel's context; shown on a context's panel only. */
  controlPlane?: ControlPlaneGauge;
  /** 401s from the API server's audit log by caller tied to a pod (diagnosis/auditHistory.ts auditSpansOf), any scope. */
  auditSpans?: readonly AuditUnauthorizedSpan[];
  /** A context's credential in words ("AWS EKS token for cluster prod-eu … · expires in 12 min"); a context's panel says it first. */
  credential?: string;
}

/**
 * Whether a panel shows (and so samples) the control plane's gauge: the API server's counters and log are the
 * whole cluster's, so only a context's panel does; a pod's or namespace's would show the same numbers as its own.
 */
export function showsControlPlane(ref: NodeRef): boolean {
  return ref.kind === 'context';
}

/** Everything the webview draws, for the subject of `ref`. */
export function buildPanelState(input: PanelInputs): TokenHealthState {
  const { scope, subject } = resolveSubject(input.ref, input.findings);
  if (input.credential !== undefined && input.ref.kind === 'context') subject.detail = `${input.credential} — ${subject.detail}`;
  const { observations, events, audit } = recordsInScope(input.records, scope, input.auditSpans);
  const timeline = buildTimeline(observations, events, input.nowMs, audit);
  const unauthorizedLines = events.map(lineOf).sort((a, b) => b.atMs - a.atMs);
  const findings = findingsInScope(input.findings, scope);
  const scanTarget = input.ref.kind === 'pod' ? input.ref : actionTarget(scope);
  const actions: PanelAction[] = [{ title: l10n.t('Scan for 401 lines'), command: COMMAND.scanUnauthorized, target: scanTarget }];
  const state: TokenHealthState = { subject, timeline, unauthorizedLines, findings, actions, generatedAtMs: input.nowMs };
  if (input.notice !== undefined) state.notice = input.notice;
  if (input.controlPlane !== undefined && showsControlPlane(input.ref)) state.controlPlane = input.controlPlane;
  return state;
}

/** The (command, target) pairs the panel currently shows as buttons. */
function offeredActions(state: TokenHealthState): { command: string; target?: NodeRef }[] {
  return [...state.actions, ...state.findings.flatMap((f) => f.actions)];
}

/** Commands the panel currently offers. */
export function offeredCommands(state: TokenHealthState): Set<string> {
  return new Set(offeredActions(state).map((a) => a.command));
}

/**
 * True when the panel shows a button for exactly this command on exactly this target: a webview
 * can only ask for what it was given, not for an offered command on another pod.
 */
export function isOffered(state: TokenHealthState, command: string, target: NodeRef | undefined): boolean {
  const wanted = canonical(target);
  return offeredActions(state).some((a) => a.command === command && canonical(a.target) === wanted);
}

/** Identifies a panel's subject, so opening the same subject twice reveals the panel it has. */
export function subjectKey(ref: NodeRef): string {
  switch (ref.kind) {
    case 'context':
      return `context\u0000${ref.context}`;
    case 'namespace':
      return `namespace\u0000${ref.context}\u0000${ref.namespace}`;
    case 'serviceAccount':
      return `serviceAccount\u0000${ref.context}\u0000${ref.namespace}\u0000${ref.name}`;
    case 'pod':
      return `pod\u0000${ref.context}\u0000${ref.namespace}\u0000${ref.name}`;
    case 'secret':
      return `secret\u0000${ref.context}\u0000${ref.namespace}\u0000${ref.name}`;
    case 'tokenFile':
      return `tokenFile\u0000${ref.context}\u0000${ref.namespace}\u0000${ref.pod}\u0000${ref.container}\u0000${ref.path}`;
    case 'finding':
      return `finding\u0000${ref.context}\u0000${ref.findingId}`;
  }
}
