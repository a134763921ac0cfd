// The request pipeline: authenticate, resolve what is asked, authorize with RBAC, route.
// Every failure is a Status body; a bug becomes a 500, never a crashed server.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthnResult } from './auth';
import { controlPlaneOf } from './controlPlane/signals';
import type { ClusterCore, RequestContext } from './core';
import { sendError } from './http';
import { impersonate } from './impersonation';
import { authorize, type RequestAttributes } from './rbac';
import { requestInfo, type RequestInfo } from './requestInfo';
import { findResource } from './resources';
import { badRequest, failure, forbidden, methodNotAllowed, pathNotFound, unauthorized, type ApiError } from './status';
import type { UserInfo } from './types';
import { serveDiscovery } from './routes/discovery';
import { serveNonResource } from './routes/nonResource';
import { serveObjects } from './routes/objects';
import { upgradePodStream, servePodStream, writeRawError } from './routes/podExec';
import { servePodLog } from './routes/podLog';
import { serveReview } from './routes/reviews';
import { SCALABLE, serveScale } from './routes/scale';
import { serveTokenRequest } from './routes/tokenRequest';

type Checked = { ok: true; url: URL; user: UserInfo; info: RequestInfo } | { ok: false; error: ApiError };

/** What RBAC is asked about a request. */
function attributesOf(info: RequestInfo, user: UserInfo): RequestAttributes {
  if (info.kind === 'nonResource') return { user, verb: info.verb, path: info.path };
  const a: RequestAttributes = { user, verb: info.verb, resource: { group: info.group, plural: info.resource } };
  if (info.subresource !== undefined) a.subresource = info.subresource;
  if (info.namespace !== undefined) a.namespace = info.namespace;
  if (info.name !== undefined) a.name = info.name;
  return a;
}

/**
 * Authentication and authorization, shared by plain and upgrade requests. A promise only when a
 * token webhook answers; everything else is decided before the handler returns.
 */
function admitRequest(core: ClusterCore, req: IncomingMessage): Checked | Promise<Checked> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'https://127.0.0.1');
  } catch {
    return { ok: false, error: badRequest('malformed request URL') };
  }
  const authn = core.authn.authenticate(req);
  if (authn instanceof Promise) return authn.then((a) => authorizeRequest(core, req, url, a));
  return authorizeRequest(core, req, url, authn);
}

/** Continue with the check's outcome, now or once the webhook has answered. */
function whenChecked(checked: Checked | Promise<Checked>, next: (c: Checked) => void, fail: (e: unknown) => void): void {
  if (checked instanceof Promise) checked.then(next, fail);
  else next(checked);
}

function authorizeRequest(core: ClusterCore, req: IncomingMessage, url: URL, authn: AuthnResult): Checked {
  if (!authn.ok) {
    controlPlaneOf(core).refused(req, url, authn);
    return { ok: false, error: unauthorized() };
  }
  const acting = impersonate(core.store, req, authn.user);
  if (acting !== undefined && !acting.ok) return { ok: false, error: acting.error };
  const user = acting?.user ?? authn.user;
  const info = requestInfo(req.method ?? 'GET', url);
  const attrs = attributesOf(info, user);
  const decision = authorize(core.store, attrs);
  controlPlaneOf(core).authenticated(req, url, info, authn, decision);
  if (!decision.allowed) return { ok: false, error: forbidden({ ...attrs, username: user.username }) };
  return { ok: true, url, user, info };
}

async function route(core: ClusterCore, rc: RequestContext, info: RequestInfo): Promise<void> {
  if (info.kind === 'nonResource') {
    if (!serveDiscovery(core, rc)) serveNonResource(core, rc);
    return;
  }
  const r = findResource(info.group, info.version, info.resource);
  if (r === undefined || info.extra) return sendError(rc.res, pathNotFound());
  if (!r.stored) return serveReview(core, rc, r, info.namespace);
  const ns = info.namespace;
  const name = info.name;
  const sub = info.subresource;
  if (r.plural === 'pods' && ns !== undefined && name !== undefined && sub !== undefined && sub !== 'status') {
    if (sub === 'log') return servePodLog(core, rc, ns, name);
    if (sub === 'exec' || sub === 'attach' || sub === 'portforward') return servePodStream(core, rc, ns, name, sub);
    return sendError(rc.res, pathNotFound());
  }
  if (r.plural === 'serviceaccounts' && sub === 'token' && ns !== undefined && name !== undefined) {
    return serveTokenRequest(core, rc, ns, name);
  }
  if (SCALABLE.has(r.plural) && sub === 'scale' && ns !== undefined && name !== undefined) return serveScale(core, rc, r, ns, name);
  if (sub !== undefined && sub !== 'status') return sendError(rc.res, pathNotFound());
  if (info.verb === 'deletecollection' && ns === undefined && r.namespaced) return sendError(rc.res, methodNotAllowed());
  return serveObjects(core, rc, {
    resource: r,
    ...(ns !== undefined ? { namespace: ns } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(sub !== undefined ? { subresource: sub } : {}),
  });
}

export function createHandler(core: ClusterCore): {
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
} {
  return {
    onRequest(req, res) {
      // A client that vanishes mid-answer must not take the server with it.
      req.on('error', () => res.destroy());
      res.on('error', () => res.destroy());
      controlPlaneOf(core).answering(req, res);
      const fail = (e: unknown): void => {
        if (!res.headersSent) sendError(res, failure(500, 'InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`));
        else res.destroy();
      };
      const serve = (checked: Checked): void => {
        // A client that gave up while a webhook was answering gets nothing.
        if (res.destroyed) return;
        try {
          if (!checked.ok) {
            // Drain what the client sent so the connection can be reused.
            req.resume();
            return sendError(res, checked.error);
          }
          route(core, { req, res, url: checked.url, user: checked.user }, checked.info).catch(fail);
        } catch (e) {
          fail(e);
        }
      };
      try {
        whenChecked(admitRequest(core, req), serve, fail);
      } catch (e) {
        fail(e);
      }
    },
    onUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      controlPlaneOf(core).answering(req, socket);
      const internalError = (e: unknown): void => {
        if (!socket.destroyed) writeRawError(socket, failure(500, 'InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`));
      };
      const serve = (checked: Checked): void => {
        if (socket.destroyed) return;
        try {
          if (!checked.ok) return writeRawError(socket, checked.error);
          const info = checked.info;
          if (info.kind !== 'resource' || info.resource !== 'pods' || info.namespace === undefined || info.name === undefined) {
            return writeRawError(socket, badRequest('upgrade is only served for pods/exec'));
          }
          const sub = info.subresource;
          if (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward') return writeRawError(socket, badRequest('upgrade is only served for pods/exec'));
          upgradePodStream(core, req, socket, head, checked.url, info.namespace, info.name, sub);
        } catch (e) {
          internalError(e);
        }
      };
      try {
        whenChecked(admitRequest(core, req), serve, internalError);
      } catch (e) {
        internalError(e);
      }
    },
  };
}
