// LIST semantics: label and field selectors, limit/continue with opaque continue tokens and
// remainingItemCount, resourceVersion and resourceVersionMatch, and the 410s after compaction.

import { parseFieldSelector, parseLabelSelector, type Predicate } from './selectors';
import { groupVersion, type ResourceInfo } from './resources';
import type { Snapshot, Store } from './store';
import { badRequest, expired, failure, isApiError, type ApiError } from './status';
import type { KubeObject } from './types';

export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Record<string, unknown>[];
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (v.v !== 'meta.k8s.io/v1' || typeof v.rv !== 'number' || typeof v.start !== 'string' || v.start === '') return undefined;
    return { v: v.v, rv: v.rv, start: v.start };
  } catch {
    return undefined;
  }
}

export interface Selection {
  match: Predicate;
  /** True when a label or field selector narrows the list (then no remainingItemCount). */
  filtered: boolean;
}

export function parseSelection(params: URLSearchParams, kind: string, namespace: string | undefined): Selection | ApiError {
  const labels = parseLabelSelector(params.get('labelSelector'));
  if (!labels.ok) return badRequest(labels.message);
  const fields = parseFieldSelector(params.get('fieldSelector'), kind);
  if (!fields.ok) return badRequest(fields.message);
  const inNamespace: Predicate = namespace === undefined ? () => true : (o) => o.metadata.namespace === namespace;
  return {
    match: (o) => inNamespace(o) && labels.match(o) && fields.match(o),
    filtered: !labels.empty || !fields.empty,
  };
}

/** A list item: the object without kind and apiVersion, as the apiserver prints items. */
export function asItem(o: KubeObject): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return rest;
}

function relativeKey(o: KubeObject, namespace: string | undefined): string {
  return namespace !== undefined || o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;
}

const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function list(store: Store, r: ResourceInfo, namespace: string | undefined, params: URLSearchParams): ListBody | ApiError {
  const selection = parseSelection(params, r.kind, namespace);
  if (isApiError(selection)) return selection;
  const limitParam = params.get('limit');
  const limit = limitParam === null || limitParam === '' ? 0 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 0) return badRequest(`invalid limit: ${limitParam}`);
  const rvParam = params.get('resourceVersion') ?? '';
  const rvMatch = params.get('resourceVersionMatch') ?? '';
  const continueParam = params.get('continue') ?? '';

  let atRv = store.resourceVersion();
  let start = '';
  let snapshot: Snapshot | undefined;
  if (continueParam !== '') {
    if (rvParam !== '' || rvMatch !== '') return badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(continueParam);
    if (token === undefined) return badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    start = token.start;
    if (token.rv === -1) {
      snapshot = store.snapshot(r, atRv, namespace);
    } else {
      snapshot = store.snapshot(r, token.rv, namespace);
      if (snapshot === undefined) return expired(CONTINUE_TOO_OLD, encodeContinue(-1, token.start));
      atRv = token.rv;
    }
  } else if (rvMatch === 'Exact') {
    const n = Number(rvParam);
    if (rvParam === '' || !Number.isInteger(n) || n < 0) return badRequest('resourceVersionMatch "Exact" requires a non-zero resourceVersion');
    snapshot = store.snapshot(r, n, namespace);
    if (snapshot === undefined) {
      if (n > store.resourceVersion()) return failure(504, 'Timeout', `Timeout: Too large resource version: ${n}, current: ${store.resourceVersion()}`);
      return expired('The resourceVersion for the provided list is too old.');
    }
    atRv = n;
  } else {
    if (rvMatch !== '' && rvMatch !== 'NotOlderThan') return badRequest(`invalid resourceVersionMatch: ${rvMatch}`);
    if (rvParam !== '') {
      const n = Number(rvParam);
      if (!Number.isInteger(n) || n < 0) return badRequest(`invalid resource version: ${rvParam}`);
      if (n > store.resourceVersion()) return failure(504, 'Timeout', `Timeout: Too large resource version: ${n}, current: ${store.resourceVersion()}`);
    }
    snapshot = store.snapshot(r, atRv, namespace);
  }
  if (snapshot === undefined) return expired('The resourceVersion for the provided list is too old.');

  // Read only as far as the page needs, one item past it to know whether there is more.
  const prefix = namespace !== undefined ? `${namespace}/` : '';
  const page: KubeObject[] = [];
  let more = false;
  for (const o of snapshot.from(prefix + start)) {
    if (!selection.match(o)) continue;
    if (limit > 0 && page.length === limit) {
      more = true;
      break;
    }
    page.push(o);
  }
  const body: ListBody = {
    kind: `${r.kind}List`,
    apiVersion: groupVersion(r),
    metadata: { resourceVersion: String(atRv) },
    items: page.map(asItem),
  };
  const last = page[page.length - 1];
  if (more && last !== undefined) {
    const lastKey = relativeKey(last, namespace);
    body.metadata.continue = encodeContinue(atRv, `${lastKey}\u0000`);
    // Unfiltered, everything after the page is what remains (kube-apiserver counts it the same way).
    if (!selection.filtered) body.metadata.remainingItemCount = snapshot.countAfter(prefix + lastKey);
  }
  return body;
}
