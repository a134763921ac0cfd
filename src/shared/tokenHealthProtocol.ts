// The one message protocol between the Token Health panel's host (extension) and its webview
// (browser). Both sides import these types; each side checks what it receives, because a message
// is only a structured clone of whatever the other side (or a compromised page) posted.
// No vscode import, no DOM: the webview bundle and the Node tests use this file as is.
import type { Finding } from '../diagnosis/types';
import type { Timeline } from '../diagnosis/timeline';
import type { UnauthorizedEvent } from '../history/types';
import type { NodeRef } from './nodeRef';
import { isRecord as isObject } from './values';

export const TOKEN_HEALTH_VIEW_TYPE = 'clusterCredentials.tokenHealth';

/** The only commands a webview may ask the host to run. */
const COMMAND_ID = /^clusterCredentials\.[A-Za-z][A-Za-z0-9]{0,63}$/;
/** Copying more than this from one click is a bug or an attack, not a user's wish. */
export const MAX_COPY_CHARS = 1_000_000;

/** What the panel is about. */
export interface TokenHealthSubject {
  ref: NodeRef;
  /** e.g. "Pod payments/api-7f9c"; from the cluster, so the webview sets it as text. */
  title: string;
  /** One line under the title: the context, or why the subject is shown the way it is. */
  detail: string;
  /** Opened from a finding: that finding is highlighted. */
  findingId?: string;
}

/** One row of the 401 table. */
export interface UnauthorizedLine {
  atMs: number;
  source: UnauthorizedEvent['source'];
  namespace?: string;
  pod?: string;
  container?: string;
  pattern: string;
  /** Already masked by the scanner; still hostile text as far as the webview is concerned. */
  line: string;
  count: number;
}

/** An action the panel offers besides those of the findings (e.g. scan for 401 lines). */
export interface PanelAction {
  title: string;
  command: string;
  target?: NodeRef;
}

/** The four rates of the control-plane gauge: token use by kind, and refused authentications. */
export type GaugeMetric = 'stale' | 'legacy' | 'valid' | 'failed';
export const GAUGE_METRICS: readonly GaugeMetric[] = ['stale', 'legacy', 'valid', 'failed'];

/** The API server's counters between two samples of /metrics (or several, merged), per minute. */
export interface GaugePoint {
  startMs: number;
  endMs: number;
  /** A metric the server did not report in the span is absent. */
  perMinute: Partial<Record<GaugeMetric, number>>;
  /** A counter went down in the span: the API server restarted, and its new value counts as the increase. */
  reset?: boolean;
}

/** Refused credentials counted from the kube-apiserver pods' own log lines over the history window. */
export interface ApiserverLogCounts {
  /** `kube-system/kube-apiserver-<node>`: the pods read. */
  pods: string[];
  expired: number;
  invalidated: number;
  other: number;
  total: number;
  /** The counts cover the log from here on. */
  sinceMs: number;
  lastMs?: number;
  /** What was not read in full, in a sentence. */
  note?: string;
}

/** The control-plane gauge of a context's panel: what the API server's own counters and log say. */
export interface ControlPlaneGauge {
  intervalSeconds: number;
  points: GaugePoint[];
  lastSampleMs?: number;
  /** Why the rates are missing, not current or not coming, in a sentence; absent when they are. */
  metricsState?: string;
  apiserverLog?: ApiserverLogCounts;
  /** Why the API server's log is not counted, in a sentence. */
  apiserverLogState?: string;
}

export interface TokenHealthState {
  subject: TokenHealthSubject;
  timeline: Timeline;
  unauthorizedLines: UnauthorizedLine[];
  findings: Finding[];
  actions: PanelAction[];
  /** Milliseconds since the epoch. */
  generatedAtMs: number;
  /** A sentence shown above everything, e.g. that the cluster is unreachable. */
  notice?: string;
  /** A context's panel: the API server's token counters and log counts (app/controlPlaneMetrics.ts). */
  controlPlane?: ControlPlaneGauge;
}

export type HostMessage = { type: 'state'; state: TokenHealthState };

/**
 * The webview's words in the display language: each English message the webview writes `tr('…')` mapped to its
 * translation (ui/tokenHealth/webviewStrings.ts). The host puts them in the page it gives the webview, as JSON in
 * the content of `<meta name="token-health-strings">`, so a saved state is drawn in them at once, before any message.
 */
export type WebviewStrings = Record<string, string>;

export const STRINGS_META_NAME = 'token-health-strings';

/** More messages, or longer ones, than the webview has are not the host's. */
const MAX_STRINGS = 1000;
const MAX_STRING_CHARS = 4096;

/** The strings in the page's meta content, only those that are text for text; none (English) when it holds no such JSON. */
export function readWebviewStrings(content: string | null | undefined): WebviewStrings {
  if (typeof content !== 'string' || content.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return {};
  }
  if (!isObject(value)) return {};
  const out: WebviewStrings = {};
  for (const [key, text] of Object.entries(value).slice(0, MAX_STRINGS)) {
    if (typeof text === 'string' && key.length <= MAX_STRING_CHARS && text.length <= MAX_STRING_CHARS)
      Object.defineProperty(out, key, { value: text, enumerable: true });
  }
  return out;
}

export type WebviewMessage =
  { type: 'ready' } | { type: 'refresh' } | { type: 'copy'; text: string } | { type: 'runAction'; command: string; target?: NodeRef };

/** What the webview keeps with vscode.setState: survives hide/show, and reaches the serializer on reload. */
export interface PersistedState {
  version: 1;
  state?: TokenHealthState;
  filter: string;
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 1024;
}

function textFields(v: Record<string, unknown>, names: readonly string[]): boolean {
  return names.every((n) => isText(v[n]));
}

/** A NodeRef with every field it needs, and nothing that is not plain text where text is expected. */
export function isNodeRef(v: unknown): v is NodeRef {
  if (!isObject(v) || typeof v.kind !== 'string' || !isText(v.context)) return false;
  switch (v.kind) {
    case 'context':
      return true;
    case 'namespace':
      return textFields(v, ['namespace']);
    case 'serviceAccount':
      return textFields(v, ['namespace', 'name']);
    case 'pod':
      return (
        textFields(v, ['namespace', 'name', 'uid', 'serviceAccount']) && (v.owner === undefined || (isObject(v.owner) && textFields(v.owner, ['kind', 'name'])))
      );
    case 'secret':
      return textFields(v, ['namespace', 'name']) && (v.serviceAccount === undefined || isText(v.serviceAccount));
    case 'tokenFile':
      return textFields(v, ['namespace', 'pod', 'podUid', 'container', 'path', 'serviceAccount']);
    case 'finding':
      return textFields(v, ['findingId']);
    default:
      return false;
  }
}

export function isAllowedCommand(command: unknown): command is string {
  return typeof command === 'string' && COMMAND_ID.test(command);
}

/**
 * The message the webview sent, or undefined when it is not one the host understands: wrong shape,
 * a command outside clusterCredentials.*, a target that is not a NodeRef, an oversized copy.
 */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'refresh':
      return { type: 'refresh' };
    case 'copy':
      return typeof v.text === 'string' && v.text.length <= MAX_COPY_CHARS ? { type: 'copy', text: v.text } : undefined;
    case 'runAction': {
      if (!isAllowedCommand(v.command)) return undefined;
      if (v.target === undefined) return { type: 'runAction', command: v.command };
      return isNodeRef(v.target) ? { type: 'runAction', command: v.command, target: v.target } : undefined;
    }
    default:
      return undefined;
  }
}

function isArray(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isTimeline(v: unknown): v is Timeline {
  return (
    isObject(v) &&
    typeof v.nowMs === 'number' &&
    typeof v.startMs === 'number' &&
    typeof v.endMs === 'number' &&
    isArray(v.lanes) &&
    v.lanes.every((l) => typeof l === 'string') &&
    isArray(v.windows) &&
    isArray(v.refreshes) &&
    isArray(v.unauthorized) &&
    // Absent in a state saved before the audit log's 401s were drawn.
    (v.auditUnauthorized === undefined || isArray(v.auditUnauthorized))
  );
}

/** Shallow but sufficient: the webview renders every string with textContent whatever it holds. */
export function isTokenHealthState(v: unknown): v is TokenHealthState {
  return (
    isObject(v) &&
    isObject(v.subject) &&
    isNodeRef(v.subject.ref) &&
    typeof v.subject.title === 'string' &&
    typeof v.subject.detail === 'string' &&
    isTimeline(v.timeline) &&
    isArray(v.unauthorizedLines) &&
    isArray(v.findings) &&
    isArray(v.actions) &&
    typeof v.generatedAtMs === 'number'
  );
}

export function isHostMessage(v: unknown): v is HostMessage {
  return isObject(v) && v.type === 'state' && isTokenHealthState(v.state);
}

/** The webview's saved state, or a fresh one when what was saved is missing or from another version. */
export function parsePersistedState(v: unknown): PersistedState {
  if (!isObject(v) || v.version !== 1) return { version: 1, filter: '' };
  const filter = typeof v.filter === 'string' ? v.filter.slice(0, 1000) : '';
  return isTokenHealthState(v.state) ? { version: 1, state: v.state, filter } : { version: 1, filter };
}
