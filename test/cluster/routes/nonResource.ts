// Paths outside /api and /apis: /version, the health checks, /metrics and the OIDC discovery
// documents (`/.well-known/openid-configuration`, `/openid/v1/jwks`).

import type { ClusterCore, RequestContext } from '../core';
import { VERSION_INFO } from '../core';
import { sendError, sendJson } from '../http';
import { notAcceptable, pathNotFound } from '../status';
import { controlPlaneOf } from '../controlPlane/signals';

const JWKS_TYPE = 'application/jwk-set+json';

/** Accept allows the JWK set type (explicitly or through a wildcard). */
function acceptsJwks(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]?.trim().toLowerCase() ?? '';
    return type === JWKS_TYPE || type === '*/*' || type === 'application/*';
  });
}

export function serveNonResource(core: ClusterCore, rc: RequestContext): void {
  const path = rc.url.pathname.replace(/\/$/, '') || '/';
  switch (path) {
    case '/version':
      sendJson(rc.res, 200, VERSION_INFO);
      return;
    case '/healthz':
    case '/livez':
    case '/readyz':
      rc.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      rc.res.end('ok');
      return;
    case '/.well-known/openid-configuration':
      sendJson(rc.res, 200, core.issuer.openidConfiguration(`${core.url()}/openid/v1/jwks`));
      return;
    case '/metrics':
      // RBAC has already asked for `get` on the nonResourceURL /metrics.
      rc.res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      rc.res.end(controlPlaneOf(core).metrics.text());
      return;
    case '/openid/v1/jwks':
      if (!acceptsJwks(rc.req.headers.accept)) {
        sendError(rc.res, notAcceptable(JWKS_TYPE));
        return;
      }
      sendJson(rc.res, 200, core.issuer.jwks(), {}, JWKS_TYPE);
      return;
    default:
      sendError(rc.res, pathNotFound());
  }
}
