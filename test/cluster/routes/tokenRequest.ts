// TokenRequest (`POST .../serviceaccounts/NAME/token`): checks the bound object as the
// apiserver does (404, 409 on a uid mismatch, 400 for another SA's pod or an unsupported kind)
// and mints through the issuer, with the Warning header when the lifetime was shortened.

import type { ClusterCore, RequestContext } from '../core';
import { parseRequestObject, readBody, sendError, sendJson } from '../http';
import { managerOf, recordManager } from '../managedFields';
import { R, type ResourceInfo } from '../resources';
import { badRequest, failure, isApiError, methodNotAllowed, notFound, type ApiError } from '../status';
import type { BoundObject, IssueRequest } from '../tokenIssuer';
import type { KubeObject, Pod } from '../types';

type Obj = Record<string, unknown>;

interface BoundRef {
  kind: string;
  apiVersion?: string;
  name: string;
  uid?: string;
}

function uidConflict(kind: string, name: string, given: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${kind} "${name}": the UID in the bound object reference (${given}) does not match the UID in record. The object might have been deleted and then recreated`,
    { name, kind },
  );
}

/** The bound object, checked; or the error the apiserver answers. */
function resolveBound(core: ClusterCore, ns: string, saName: string, ref: BoundRef): { bound: BoundObject; node?: IssueRequest['node'] } | ApiError {
  const lookups: Record<string, { r: ResourceInfo; namespaced: boolean }> = {
    Pod: { r: R.pods, namespaced: true },
    Secret: { r: R.secrets, namespaced: true },
    Node: { r: R.nodes, namespaced: false },
  };
  const target = lookups[ref.kind];
  if (target === undefined || (ref.apiVersion ?? 'v1') !== 'v1') {
    const [group, version] = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/') : ['', ref.apiVersion ?? ''];
    return badRequest(`cannot bind token to object of type ${group ?? ''}/${version ?? ''}, Kind=${ref.kind}`);
  }
  const obj: KubeObject | undefined = core.store.peek(target.r, target.namespaced ? ns : undefined, ref.name);
  if (obj === undefined) return notFound(target.r, ref.name);
  if (ref.uid !== undefined && ref.uid !== '' && ref.uid !== obj.metadata.uid) return uidConflict(ref.kind, ref.name, ref.uid);
  const bound: BoundObject = { kind: ref.kind as BoundObject['kind'], name: ref.name, uid: obj.metadata.uid };
  if (ref.kind !== 'Pod') return { bound };
  const pod = obj as Pod;
  if ((pod.spec.serviceAccountName ?? 'default') !== saName) {
    return badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
  }
  const nodeName = pod.spec.nodeName ?? '';
  if (nodeName === '') return { bound };
  const node = core.store.peek(R.nodes, undefined, nodeName);
  return { bound, node: node === undefined ? { name: nodeName } : { name: nodeName, uid: node.metadata.uid } };
}

export async function serveTokenRequest(core: ClusterCore, rc: RequestContext, ns: string, saName: string): Promise<void> {
  if (rc.req.method !== 'POST') return sendError(rc.res, methodNotAllowed());
  const raw = await readBody(rc.req);
  if (isApiError(raw)) return sendError(rc.res, raw);
  const body = parseRequestObject(rc.req, raw);
  if (isApiError(body)) return sendError(rc.res, body);
  const spec = (typeof body.spec === 'object' && body.spec !== null ? body.spec : {}) as Obj;

  const sa = core.store.peek(R.serviceAccounts, ns, saName);
  if (sa === undefined) return sendError(rc.res, notFound(R.serviceAccounts, saName));

  const expirationSeconds = spec.expirationSeconds === undefined ? 3600 : Number(spec.expirationSeconds);
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
  const ref = typeof spec.boundObjectRef === 'object' && spec.boundObjectRef !== null ? (spec.boundObjectRef as BoundRef) : undefined;
  const request: IssueRequest = {
    namespace: ns,
    serviceAccount: { name: saName, uid: sa.metadata.uid },
    expirationSeconds,
    nowSeconds: core.clock.nowSeconds(),
    requestName: typeof (body.metadata as Obj | undefined)?.name === 'string' ? String((body.metadata as Obj).name) : '',
  };
  if (audiences.length > 0) request.audiences = audiences;
  if (ref !== undefined) {
    if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') return sendError(rc.res, badRequest('spec.boundObjectRef needs kind and name'));
    const resolved = resolveBound(core, ns, saName, ref);
    if (isApiError(resolved)) return sendError(rc.res, resolved);
    request.boundObject = resolved.bound;
    if (resolved.node !== undefined) request.node = resolved.node;
  }

  const result = core.issuer.issue(request);
  if (!result.ok) return sendError(rc.res, failure(result.code, result.reason, result.message, result.details));
  const issued = result.issued;
  const response: KubeObject = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: saName, namespace: ns, creationTimestamp: core.clock.nowRfc3339() } as KubeObject['metadata'],
    spec: { ...spec },
  };
  recordManager(response, managerOf(rc.req, rc.url), core.clock.nowRfc3339(), { subresource: 'token' });
  response.spec = { audiences: issued.audiences, expirationSeconds: issued.expirationSeconds, boundObjectRef: ref ?? null };
  response.status = { token: issued.token, expirationTimestamp: issued.expirationTimestamp };
  const headers: Record<string, string> = issued.warning !== undefined ? { Warning: `299 - "${issued.warning}"` } : {};
  sendJson(rc.res, 201, response, headers);
}
