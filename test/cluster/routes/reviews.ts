// The review resources, which are created and never stored: TokenReview,
// SelfSubjectReview, SelfSubjectAccessReview, SelfSubjectRulesReview and SubjectAccessReview.

import type { ClusterCore, RequestContext } from '../core';
import { parseRequestObject, readBody, sendError, sendJson } from '../http';
import { managerOf, recordManager } from '../managedFields';
import { authorize, rulesFor, type RequestAttributes } from '../rbac';
import type { ResourceInfo } from '../resources';
import { badRequest, invalid, isApiError, methodNotAllowed, pathNotFound } from '../status';
import type { KubeObject, UserInfo } from '../types';

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** UserInfo as the API prints it: uid and extra only when there are any. */
function userInfoBody(u: UserInfo): Obj {
  const out: Obj = { username: u.username };
  if (u.uid !== undefined && u.uid !== '') out.uid = u.uid;
  out.groups = u.groups;
  if (u.extra !== undefined && Object.keys(u.extra).length > 0) out.extra = u.extra;
  return out;
}

/** Reviews echo the request with `creationTimestamp: null` and the caller's managedFields entry. */
function reviewShell(core: ClusterCore, rc: RequestContext, r: ResourceInfo, spec: unknown, withManagedFields: boolean): KubeObject {
  const o: KubeObject = {
    kind: r.kind,
    apiVersion: `${r.group}/${r.version}`,
    metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'],
  };
  if (spec !== undefined) o.spec = spec;
  if (withManagedFields && spec !== undefined) recordManager(o, managerOf(rc.req, rc.url), core.clock.nowRfc3339());
  return o;
}

function attributesFrom(spec: Obj, user: UserInfo): RequestAttributes | undefined {
  const ra = spec.resourceAttributes;
  if (typeof ra === 'object' && ra !== null) {
    const a = ra as Obj;
    const attrs: RequestAttributes = { user, verb: str(a.verb) ?? '', resource: { group: str(a.group) ?? '', plural: str(a.resource) ?? '' } };
    const sub = str(a.subresource);
    if (sub !== undefined && sub !== '') attrs.subresource = sub;
    const ns = str(a.namespace);
    if (ns !== undefined && ns !== '') attrs.namespace = ns;
    const name = str(a.name);
    if (name !== undefined && name !== '') attrs.name = name;
    return attrs;
  }
  const nra = spec.nonResourceAttributes;
  if (typeof nra === 'object' && nra !== null) return { user, verb: str((nra as Obj).verb) ?? '', path: str((nra as Obj).path) ?? '/' };
  return undefined;
}

function accessStatus(decision: { allowed: boolean; reason: string }): Obj {
  return decision.reason !== '' ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed };
}

export async function serveReview(core: ClusterCore, rc: RequestContext, r: ResourceInfo, namespace: string | undefined): Promise<void> {
  if (rc.req.method !== 'POST') return sendError(rc.res, methodNotAllowed());
  const raw = await readBody(rc.req);
  if (isApiError(raw)) return sendError(rc.res, raw);
  const body = parseRequestObject(rc.req, raw);
  if (isApiError(body)) return sendError(rc.res, body);
  const spec = asObj(body.spec);

  switch (r.kind) {
    case 'TokenReview': {
      const token = str(spec.token) ?? '';
      if (token === '')
        return sendError(rc.res, invalid('TokenReview', 'authentication.k8s.io', '', [{ field: 'spec.token', value: '', detail: 'Required value' }]));
      const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : undefined;
      const result = core.authn.reviewToken(token, audiences);
      const review = reviewShell(core, rc, r, body.spec, true);
      review.status = result.ok ? { authenticated: true, user: userInfoBody(result.user), audiences: result.audiences } : { user: {}, error: result.error };
      return sendJson(rc.res, 201, review);
    }
    case 'SelfSubjectReview': {
      if (r.version !== 'v1') return sendError(rc.res, pathNotFound());
      const review: KubeObject = {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: core.clock.nowRfc3339() } as KubeObject['metadata'],
        status: { userInfo: userInfoBody(rc.user) },
      };
      return sendJson(rc.res, 201, review);
    }
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      let subject = rc.user;
      if (r.kind !== 'SelfSubjectAccessReview') {
        const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
        subject = { username: str(spec.user) ?? '', groups };
      }
      const attrs = attributesFrom(spec, subject);
      if (attrs === undefined) return sendError(rc.res, badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified'));
      if (r.kind === 'LocalSubjectAccessReview' && attrs.namespace !== namespace) {
        return sendError(rc.res, badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace ?? ''}`));
      }
      const review = reviewShell(core, rc, r, body.spec, true);
      review.status = accessStatus(authorize(core.store, attrs));
      return sendJson(rc.res, 201, review);
    }
    case 'SelfSubjectRulesReview': {
      const ns = str(spec.namespace) ?? '';
      const review = reviewShell(core, rc, r, {}, false);
      review.status = rulesFor(core.store, rc.user, ns);
      return sendJson(rc.res, 201, review);
    }
    default:
      return sendError(rc.res, pathNotFound());
  }
}
