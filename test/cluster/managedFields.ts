// metadata.managedFields: which manager last set which fields. Clients show and strip it,
// so its shape matters more than its precision; fieldsV1 here is a close approximation.

import type { IncomingMessage } from 'node:http';
import type { KubeObject, ManagedFieldsEntry } from './types';

const SERVER_OWNED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/** The keys a list element is identified by, as the structured-merge schema declares them. */
const LIST_KEYS = [['containerPort', 'protocol'], ['uid'], ['name'], ['type'], ['key'], ['mountPath'], ['ip']];

function elementKey(el: Record<string, unknown>): string | undefined {
  for (const keys of LIST_KEYS) {
    if (keys.every((k) => k in el)) {
      const id: Record<string, unknown> = {};
      for (const k of keys) id[k] = el[k];
      return `k:${JSON.stringify(id)}`;
    }
  }
  return undefined;
}

/**
 * The `{}` of a field set with nothing below, one for all: most of a field set is leaves, and a
 * cluster of 150,000 pods holds millions of them. Frozen, as stored objects are never changed.
 */
const LEAF: Record<string, unknown> = Object.freeze({});

function fieldSet(value: unknown, isElement: boolean): Record<string, unknown> {
  if (Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const el of value) {
      if (typeof el === 'object' && el !== null && !Array.isArray(el)) {
        const key = elementKey(el as Record<string, unknown>);
        if (key !== undefined) out[key] = fieldSet(el, true);
      } else {
        out[`v:${JSON.stringify(el)}`] = LEAF;
      }
    }
    return Object.keys(out).length === 0 ? LEAF : out;
  }
  if (typeof value !== 'object' || value === null) return LEAF;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return LEAF;
  const out: Record<string, unknown> = isElement ? { '.': LEAF } : {};
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    out[`f:${k}`] = fieldSet(v, false);
  }
  return out;
}

/** The fields an object sets, without the server-owned metadata (and status unless asked). */
export function fieldsV1(obj: KubeObject, subresource?: string): Record<string, unknown> {
  if (subresource === 'status') return { 'f:status': fieldSet(obj.status, false) };
  const out: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj.metadata)) if (!SERVER_OWNED_META.has(k) && v !== undefined) meta[k] = v;
  if (Object.keys(meta).length > 0) out['f:metadata'] = fieldSet(meta, false);
  for (const [k, v] of Object.entries(obj)) {
    if (['apiVersion', 'kind', 'metadata', 'status'].includes(k) || v === undefined || v === null) continue;
    out[`f:${k}`] = fieldSet(v, false);
  }
  return out;
}

/** Record `manager` as the owner of what it just wrote, replacing its previous entry. */
export function recordManager(obj: KubeObject, manager: string, time: string, opts: { operation?: 'Update' | 'Apply'; subresource?: string } = {}): void {
  const entry: ManagedFieldsEntry = {
    manager,
    operation: opts.operation ?? 'Update',
    apiVersion: obj.apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1(obj, opts.subresource),
  };
  if (opts.subresource !== undefined) entry.subresource = opts.subresource;
  const others = (obj.metadata.managedFields ?? []).filter(
    (e) => !(e.manager === manager && e.operation === entry.operation && e.subresource === entry.subresource),
  );
  obj.metadata.managedFields = [...others, entry];
}

/** `fieldManager` from the query, else the first word of the User-Agent (`kubectl`, `curl`). */
export function managerOf(req: IncomingMessage, url: URL): string {
  const fromQuery = url.searchParams.get('fieldManager');
  if (fromQuery !== null && fromQuery !== '') return fromQuery;
  const ua = req.headers['user-agent'] ?? '';
  const first = ua.split('/')[0]?.trim() ?? '';
  return first === '' ? 'unknown' : first;
}
