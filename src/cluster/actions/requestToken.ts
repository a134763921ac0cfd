// TokenRequest (`kubectl create token`): a short-lived token for a service account, optionally bound
// to a pod or Secret so it stops working when that object is deleted. The token itself is handed to
// the caller only; it is never logged here.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../auth/apiClient';
import { answerDetail, clusterError } from '../errors';
import { fingerprint } from '../../token/fingerprint';
import { type ActionResult, enc, failed, field, requestJson, str, strings, succeeded } from './result';

/** The API server refuses anything shorter (spec.expirationSeconds "may not specify a duration less than 10 minutes"). */
export const MIN_TOKEN_SECONDS = 600;

export interface BoundObject {
  kind: 'Pod' | 'Secret';
  name: string;
  uid?: string;
}

export interface TokenRequestSpec {
  namespace: string;
  serviceAccount: string;
  audiences?: string[];
  expirationSeconds?: number;
  boundObject?: BoundObject;
  signal?: AbortSignal;
}

export interface IssuedToken {
  /** The raw token: keep it in memory only. */
  token: string;
  fingerprint: string;
  namespace: string;
  serviceAccount: string;
  /** RFC 3339, from status.expirationTimestamp. */
  expirationTimestamp: string;
  /** What the server granted, which can differ from what was asked. */
  expirationSeconds?: number;
  audiences: string[];
  boundObject?: BoundObject;
  /** The server's Warning header, e.g. when it shortened the lifetime. */
  warning?: string;
}

export function tokenRequestBody(spec: TokenRequestSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (spec.audiences && spec.audiences.length > 0) body.audiences = spec.audiences;
  if (spec.expirationSeconds !== undefined) body.expirationSeconds = spec.expirationSeconds;
  if (spec.boundObject) {
    const ref: Record<string, string> = { kind: spec.boundObject.kind, apiVersion: 'v1', name: spec.boundObject.name };
    if (spec.boundObject.uid) ref.uid = spec.boundObject.uid;
    body.boundObjectRef = ref;
  }
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: body };
}

/** `299 - "text"` to `text`. */
export function warningText(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(header);
  return m ? m[1].replace(/\\(.)/g, '$1') : header.trim() || undefined;
}

export async function requestToken(api: ApiClients, spec: TokenRequestSpec): Promise<ActionResult<IssuedToken>> {
  const path = `/api/v1/namespaces/${enc(spec.namespace)}/serviceaccounts/${enc(spec.serviceAccount)}/token`;
  const res = await requestJson(api, path, {
    method: 'POST',
    body: tokenRequestBody(spec),
    ...(spec.signal ? { signal: spec.signal } : {}),
    about: { verb: 'create', resource: 'serviceaccounts/token', namespace: spec.namespace, name: spec.serviceAccount },
  });
  if (!res.ok) return res;
  const body = res.value.body;
  const token = str(field(body, 'status', 'token'));
  if (!token) {
    return failed(
      clusterError({
        kind: 'unknown',
        message: l10n.t(
          'the cluster answered the TokenRequest for {0}/{1} without a token; try again, and check that the API server serves TokenRequest (Kubernetes 1.22 or later)',
          spec.namespace,
          spec.serviceAccount,
        ),
        detail: answerDetail(body),
      }),
    );
  }
  const out: IssuedToken = {
    token,
    fingerprint: fingerprint(token),
    namespace: spec.namespace,
    serviceAccount: spec.serviceAccount,
    expirationTimestamp: str(field(body, 'status', 'expirationTimestamp')) ?? '',
    audiences: strings(field(body, 'spec', 'audiences')),
  };
  const seconds = field(body, 'spec', 'expirationSeconds');
  if (typeof seconds === 'number') out.expirationSeconds = seconds;
  if (spec.boundObject) out.boundObject = spec.boundObject;
  const warning = warningText(headerOf(res.value.headers, 'warning'));
  if (warning) out.warning = warning;
  return succeeded(out);
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
