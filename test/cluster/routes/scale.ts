// The `scale` subresource of Deployments, ReplicaSets and StatefulSets (autoscaling/v1 Scale),
// which `kubectl scale` reads and writes.

import type { ClusterCore, RequestContext } from '../core';
import { contentTypeOf, parseRequestObject, readBody, sendError, sendJson } from '../http';
import { managerOf } from '../managedFields';
import { applyPatch, PATCH_TYPES, type Json, type JsonObject } from '../patch';
import type { ResourceInfo } from '../resources';
import { badRequest, isApiError, methodNotAllowed, notFound, unsupportedMediaType } from '../status';
import type { Workload } from '../types';

export const SCALABLE = new Set(['deployments', 'replicasets', 'statefulsets']);

function scaleOf(w: Workload): JsonObject {
  const m = w.metadata;
  const selector = Object.entries(w.spec.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace ?? '', uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: w.spec.replicas ?? 1 },
    status: { replicas: Number((w.status ?? {}).replicas ?? 0), selector },
  };
}

export async function serveScale(core: ClusterCore, rc: RequestContext, r: ResourceInfo, ns: string, name: string): Promise<void> {
  const current = core.store.peek(r, ns, name) as Workload | undefined;
  if (current === undefined) return sendError(rc.res, notFound(r, name));
  const method = rc.req.method ?? 'GET';
  if (method === 'GET') return sendJson(rc.res, 200, scaleOf(current));
  if (method !== 'PUT' && method !== 'PATCH') return sendError(rc.res, methodNotAllowed());
  const raw = await readBody(rc.req);
  if (isApiError(raw)) return sendError(rc.res, raw);
  let wanted: JsonObject;
  if (method === 'PUT') {
    const body = parseRequestObject(rc.req, raw);
    if (isApiError(body)) return sendError(rc.res, body);
    wanted = body as JsonObject;
  } else {
    const type = contentTypeOf(rc.req);
    if (!(PATCH_TYPES as readonly string[]).includes(type)) return sendError(rc.res, unsupportedMediaType());
    let patch: Json;
    try {
      patch = JSON.parse(raw.toString('utf8')) as Json;
    } catch (e) {
      return sendError(rc.res, badRequest(`error decoding patch: ${(e as Error).message}`));
    }
    const patched = applyPatch(type, scaleOf(current), patch);
    if (!patched.ok) return sendError(rc.res, badRequest(patched.message));
    wanted = patched.value;
  }
  const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    return sendError(rc.res, badRequest('spec.replicas must be a non-negative integer'));
  const result = core.api.patch(r, ns, name, 'application/merge-patch+json', { spec: { replicas } }, { manager: managerOf(rc.req, rc.url) });
  if (!result.ok) return sendError(rc.res, result.error);
  sendJson(rc.res, 200, scaleOf(result.object as Workload));
}
