// labelSelector and fieldSelector as list and watch take them, parsed into predicates.

import type { KubeObject, LabelSelectorSpec } from './types';

export type Predicate = (o: KubeObject) => boolean;
export type Parsed = { ok: true; match: Predicate; empty: boolean } | { ok: false; message: string };

/** Splits on commas that are not inside an `in (a,b)` set. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const LABEL_KEY = /^([a-z0-9A-Z.\-_/]+)$/;

function parseLabelTerm(term: string): Predicate | string {
  let m = /^(!?)\s*([^\s!=()]+)$/.exec(term);
  if (m !== null) {
    const [, not, key = ''] = m;
    if (!LABEL_KEY.test(key)) return `invalid label key "${key}"`;
    return not === '!' ? (o) => !(key in (o.metadata.labels ?? {})) : (o) => key in (o.metadata.labels ?? {});
  }
  m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/.exec(term);
  if (m !== null) {
    const [, key = '', op, value = ''] = m;
    if (op === '!=') return (o) => o.metadata.labels?.[key] !== value;
    return (o) => o.metadata.labels?.[key] === value;
  }
  m = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m !== null) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    if (op === 'in') return (o) => values.has(o.metadata.labels?.[key] ?? '\u0000');
    return (o) => !values.has(o.metadata.labels?.[key] ?? '\u0000');
  }
  return `unable to parse requirement: ${JSON.stringify(term)}`;
}

export function parseLabelSelector(selector: string | null): Parsed {
  if (selector === null || selector.trim() === '') return { ok: true, match: () => true, empty: true };
  const preds: Predicate[] = [];
  for (const term of splitTerms(selector)) {
    const p = parseLabelTerm(term);
    if (typeof p === 'string') return { ok: false, message: p };
    preds.push(p);
  }
  return { ok: true, match: (o) => preds.every((p) => p(o)), empty: false };
}

/** The fields each kind can be selected on, besides metadata.name and metadata.namespace. */
const FIELD_PATHS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.serviceAccountName', 'spec.restartPolicy', 'spec.schedulerName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Secret: ['type'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  ReplicaSet: ['status.replicas'],
};

function fieldValue(o: KubeObject, path: string): string {
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (path === 'source' && typeof cur === 'object' && cur !== null) {
    const component = (cur as { component?: unknown }).component;
    return typeof component === 'string' ? component : '';
  }
  return cur === undefined || cur === null ? '' : typeof cur === 'string' ? cur : JSON.stringify(cur);
}

export function parseFieldSelector(selector: string | null, kind: string): Parsed {
  if (selector === null || selector.trim() === '') return { ok: true, match: () => true, empty: true };
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_PATHS[kind] ?? [])]);
  const preds: Predicate[] = [];
  for (const term of splitTerms(selector)) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (m === null) return { ok: false, message: `invalid selector: '${selector}'; can't understand '${term}'` };
    const [, path = '', op, value = ''] = m;
    if (!allowed.has(path)) return { ok: false, message: `field label not supported: ${path}` };
    preds.push(op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value);
  }
  return { ok: true, match: (o) => preds.every((p) => p(o)), empty: false };
}

/** A workload's `spec.selector` (matchLabels and matchExpressions) as a predicate on labels. */
export function matchesSelector(sel: LabelSelectorSpec, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in l;
    const value = l[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && value !== undefined && values.includes(value))) return false;
    if (e.operator === 'NotIn' && has && value !== undefined && values.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
