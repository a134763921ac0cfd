// The generic REST verbs on stored resources: get, list, watch, create, update (PUT),
// patch, delete and deletecollection, plus the status subresource.

import { parse as parseYaml } from 'yaml';
import type { ClusterCore, RequestContext } from '../core';
import { contentTypeOf, parseObject, parseRequestObject, readBody, sendError, sendJson, sendJsonItems } from '../http';
import { list, parseSelection } from '../listing';
import { managerOf } from '../managedFields';
import type { DeleteOptions } from '../objectApi';
import { PATCH_TYPES, type Json } from '../patch';
import { groupVersion, type ResourceInfo } from '../resources';
import { badRequest, isApiError, methodNotAllowed, notFound, unsupportedMediaType, type ApiError } from '../status';
import { toTable, wantsTable } from '../table';
import type { KubeObject } from '../types';

export interface ObjectTarget {
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function send(core: ClusterCore, rc: RequestContext, code: number, obj: KubeObject): void {
  if (wantsTable(rc.req)) sendJson(rc.res, code, toTable(obj.kind, [obj], core.clock.nowMs(), { resourceVersion: obj.metadata.resourceVersion }));
  else sendJson(rc.res, code, obj);
}

async function bodyObject(rc: RequestContext): Promise<Record<string, unknown> | ApiError> {
  const body = await readBody(rc.req);
  return isApiError(body) ? body : parseRequestObject(rc.req, body);
}

function deleteOptions(params: URLSearchParams, body: Record<string, unknown> | undefined): DeleteOptions | ApiError {
  const opts: DeleteOptions = {};
  const grace = body?.gracePeriodSeconds ?? params.get('gracePeriodSeconds') ?? undefined;
  if (grace !== undefined && grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) return badRequest(`invalid gracePeriodSeconds: ${typeof grace === 'string' ? grace : JSON.stringify(grace)}`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  const pre = body?.preconditions;
  if (typeof pre === 'object' && pre !== null) opts.preconditions = pre;
  return opts;
}

function deletedStatus(r: ResourceInfo, o: KubeObject): Record<string, unknown> {
  const details: Record<string, string> = { name: o.metadata.name };
  if (r.group !== '') details.group = r.group;
  details.kind = r.plural;
  details.uid = o.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

async function patchBody(rc: RequestContext, contentType: string): Promise<Json | ApiError> {
  const raw = await readBody(rc.req);
  if (isApiError(raw)) return raw;
  const text = raw.toString('utf8');
  try {
    return (contentType === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text)) as Json;
  } catch (e) {
    return badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

export async function serveObjects(core: ClusterCore, rc: RequestContext, t: ObjectTarget): Promise<void> {
  const { resource: r, namespace, name, subresource } = t;
  const method = rc.req.method ?? 'GET';
  const params = rc.url.searchParams;
  const manager = managerOf(rc.req, rc.url);
  if (r.namespaced && namespace === undefined && name !== undefined) return sendError(rc.res, notFound(r, name));

  if (name === undefined) {
    if (method === 'GET' || method === 'HEAD') {
      if (['1', 'true'].includes(params.get('watch') ?? '')) {
        const transform = wantsTable(rc.req)
          ? (o: KubeObject) => toTable(o.kind, [o], core.clock.nowMs(), { resourceVersion: o.metadata.resourceVersion })
          : undefined;
        const e = core.watches.serve(rc.req, rc.res, r, namespace, params, transform);
        if (e !== undefined) sendError(rc.res, e);
        return;
      }
      const body = list(core.store, r, namespace, params);
      if (isApiError(body)) return sendError(rc.res, body);
      if (!wantsTable(rc.req)) {
        const { items, ...head } = body;
        return sendJsonItems(rc.res, 200, head, items);
      }
      const objects = body.items.map((i) => ({ ...i, kind: r.kind, apiVersion: groupVersion(r) }) as unknown as KubeObject);
      return sendJson(rc.res, 200, toTable(r.kind, objects, core.clock.nowMs(), body.metadata));
    }
    if (method === 'POST') {
      if (r.namespaced && namespace === undefined) return sendError(rc.res, methodNotAllowed());
      const body = await bodyObject(rc);
      if (isApiError(body)) return sendError(rc.res, body);
      const created = core.api.create(r, namespace, body, { manager });
      return created.ok ? send(core, rc, 201, created.object) : sendError(rc.res, created.error);
    }
    if (method === 'DELETE') {
      const selection = parseSelection(params, r.kind, namespace);
      if (isApiError(selection)) return sendError(rc.res, selection);
      const doomed = core.store.list(r, namespace).filter(selection.match);
      const deleted: KubeObject[] = [];
      for (const o of doomed) {
        const result = core.api.delete(r, o.metadata.namespace, o.metadata.name, {});
        if (result.ok) deleted.push(result.object);
      }
      return sendJson(rc.res, 200, {
        kind: `${r.kind}List`,
        apiVersion: groupVersion(r),
        metadata: { resourceVersion: String(core.store.resourceVersion()) },
        items: deleted,
      });
    }
    return sendError(rc.res, methodNotAllowed());
  }

  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (['1', 'true'].includes(params.get('watch') ?? '')) {
        params.set('fieldSelector', `metadata.name=${name}`);
        const e = core.watches.serve(rc.req, rc.res, r, namespace, params);
        if (e !== undefined) sendError(rc.res, e);
        return;
      }
      const o = core.store.peek(r, namespace, name);
      return o === undefined ? sendError(rc.res, notFound(r, name)) : send(core, rc, 200, o);
    }
    case 'PUT': {
      const body = await bodyObject(rc);
      if (isApiError(body)) return sendError(rc.res, body);
      const updated = core.api.update(r, namespace, name, body, { manager, ...(subresource !== undefined ? { subresource } : {}) });
      return updated.ok ? send(core, rc, 200, updated.object) : sendError(rc.res, updated.error);
    }
    case 'PATCH': {
      const contentType = contentTypeOf(rc.req);
      if (!(PATCH_TYPES as readonly string[]).includes(contentType)) return sendError(rc.res, unsupportedMediaType());
      const patch = await patchBody(rc, contentType);
      if (isApiError(patch)) return sendError(rc.res, patch);
      const patched = core.api.patch(r, namespace, name, contentType, patch, { manager, ...(subresource !== undefined ? { subresource } : {}) });
      return patched.ok ? send(core, rc, 200, patched.object) : sendError(rc.res, patched.error);
    }
    case 'DELETE': {
      if (subresource !== undefined) return sendError(rc.res, methodNotAllowed());
      const raw = await readBody(rc.req);
      if (isApiError(raw)) return sendError(rc.res, raw);
      const body = raw.length === 0 ? undefined : parseObject(raw);
      if (isApiError(body)) return sendError(rc.res, body);
      const opts = deleteOptions(params, body);
      if (isApiError(opts)) return sendError(rc.res, opts);
      const result = core.api.delete(r, namespace, name, opts);
      if (!result.ok) return sendError(rc.res, result.error);
      if (r.kind !== 'Pod' && result.removed) return sendJson(rc.res, 200, deletedStatus(r, result.object));
      return send(core, rc, 200, result.object);
    }
    default:
      return sendError(rc.res, methodNotAllowed());
  }
}
