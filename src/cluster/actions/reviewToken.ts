// TokenReview: ask the API server whether a token authenticates, and as whom.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../auth/apiClient';
import { fingerprint } from '../../token/fingerprint';
import { normalizeToken } from '../../token/normalizeToken';
import { isRecord } from '../../shared/values';
import { type ActionResult, type Json, failed, field, refusal, requestJson, str, strings, succeeded } from './result';

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface TokenReviewResult {
  /** Fingerprint of the reviewed token, the only way it is named. */
  fingerprint: string;
  authenticated: boolean;
  user?: ReviewedUser;
  audiences: string[];
  /** The server's reason when it did not authenticate ("service account token has been invalidated"). */
  error?: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  credentialId?: string;
}

export function userInfoOf(v: unknown): ReviewedUser | undefined {
  if (!isRecord(v)) return undefined;
  const username = str(v.username);
  if (!username) return undefined;
  const extra: Record<string, string[]> = {};
  if (isRecord(v.extra)) for (const [k, vals] of Object.entries(v.extra)) extra[k] = strings(vals);
  const out: ReviewedUser = { username, groups: strings(v.groups), extra };
  const uid = str(v.uid);
  if (uid) out.uid = uid;
  return out;
}

export async function reviewToken(
  api: ApiClients,
  rawToken: string,
  opts: { audiences?: string[]; signal?: AbortSignal } = {},
): Promise<ActionResult<TokenReviewResult>> {
  const token = normalizeToken(rawToken);
  if (!token) return failed(refusal('invalid', l10n.t('there is no token to review; select one, copy one or paste one')));
  const spec: Json = { token };
  if (opts.audiences && opts.audiences.length > 0) spec.audiences = opts.audiences;
  const res = await requestJson(api, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec },
    ...(opts.signal ? { signal: opts.signal } : {}),
    about: { verb: 'create', resource: 'tokenreviews.authentication.k8s.io' },
  });
  if (!res.ok) return res;
  const status = field(res.value.body, 'status');
  const out: TokenReviewResult = {
    fingerprint: fingerprint(token),
    authenticated: field(status, 'authenticated') === true,
    audiences: strings(field(status, 'audiences')),
  };
  const user = userInfoOf(field(status, 'user'));
  if (user) {
    out.user = user;
    const first = (key: string): string | undefined => user.extra[key]?.[0];
    const podName = first(EXTRA_POD_NAME);
    if (podName) out.podName = podName;
    const podUid = first(EXTRA_POD_UID);
    if (podUid) out.podUid = podUid;
    const nodeName = first(EXTRA_NODE_NAME);
    if (nodeName) out.nodeName = nodeName;
    const credentialId = first(EXTRA_CREDENTIAL_ID);
    if (credentialId) out.credentialId = credentialId;
  }
  const error = str(field(status, 'error'));
  if (error) out.error = error;
  return succeeded(out);
}
