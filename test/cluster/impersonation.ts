// User impersonation (`Impersonate-User`, `-Uid`, `-Group`, `-Extra-*`), as the apiserver's
// WithImpersonation filter does it: every value asked for is authorized with the `impersonate` verb
// for the requester, then the request runs as the impersonated user.

import type { IncomingMessage } from 'node:http';
import { authorize, type RequestAttributes } from './rbac';
import type { Store } from './store';
import { type ApiError, failure, forbidden } from './status';
import type { UserInfo } from './types';

const EXTRA_PREFIX = 'impersonate-extra-';
const SA_PREFIX = 'system:serviceaccount:';

interface Ask {
  attrs: Omit<RequestAttributes, 'user' | 'verb'>;
  /** How Go prints the object reference in the "without impersonating a user" error. */
  describe: string;
}

/** undefined when the request asks for no impersonation; else the user it runs as, or the refusal. */
export function impersonate(
  store: Store,
  req: IncomingMessage,
  requester: UserInfo,
): { ok: true; user: UserInfo } | { ok: false; error: ApiError } | undefined {
  // Go reads each header line as its own value: `Impersonate-Group: a, b` is one group named "a, b".
  const headers = req.headersDistinct;
  const userName = headers['impersonate-user']?.[0] ?? '';
  const uid = headers['impersonate-uid']?.[0] ?? '';
  const groups = headers['impersonate-group'] ?? [];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!name.startsWith(EXTRA_PREFIX) || values === undefined) continue;
    const key = unescapeExtraKey(name.slice(EXTRA_PREFIX.length));
    extra[key] = [...(extra[key] ?? []), ...values];
  }

  const asks: Ask[] = [];
  let username = '';
  let saGroups: string[] | undefined;
  if (userName !== '') {
    const sa = serviceAccountOf(userName);
    if (sa) {
      asks.push({
        attrs: { resource: { group: '', plural: 'serviceaccounts' }, namespace: sa.namespace, name: sa.name },
        describe: `ServiceAccount ${sa.namespace}/${sa.name}`,
      });
      saGroups = ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`];
    } else {
      asks.push({ attrs: { resource: { group: '', plural: 'users' }, name: userName }, describe: `User ${userName}` });
    }
    username = userName;
  }
  for (const g of groups) asks.push({ attrs: { resource: { group: '', plural: 'groups' }, name: g }, describe: `Group ${g}` });
  if (uid !== '') asks.push({ attrs: { resource: { group: 'authentication.k8s.io', plural: 'uids' }, name: uid }, describe: `UID ${uid}` });
  for (const [key, values] of Object.entries(extra)) {
    for (const v of values) {
      asks.push({
        attrs: { resource: { group: 'authentication.k8s.io', plural: 'userextras' }, subresource: key, name: v },
        describe: `UserExtra ${key}=${v}`,
      });
    }
  }
  if (asks.length === 0) return undefined;
  if (userName === '') {
    const message = `Internal error occurred: requested [${asks.map((a) => a.describe).join(' ')}] without impersonating a user`;
    return { ok: false, error: failure(500, 'InternalError', message, { causes: [{ message }] }) };
  }
  for (const ask of asks) {
    const attrs: RequestAttributes = { user: requester, verb: 'impersonate', ...ask.attrs };
    if (!authorize(store, attrs).allowed) return { ok: false, error: forbidden({ ...ask.attrs, username: requester.username, verb: 'impersonate' }) };
  }

  // Groups asked for are the authority; a service account without them gets its fixed ones.
  const finalGroups = groups.length > 0 ? [...groups] : [...(saGroups ?? [])];
  if (username !== 'system:anonymous') {
    if (!finalGroups.includes('system:authenticated') && !finalGroups.includes('system:unauthenticated')) finalGroups.push('system:authenticated');
  } else if (!finalGroups.includes('system:unauthenticated')) {
    finalGroups.push('system:unauthenticated');
  }
  const user: UserInfo = { username, groups: finalGroups };
  if (uid !== '') user.uid = uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  return { ok: true, user };
}

function serviceAccountOf(name: string): { namespace: string; name: string } | undefined {
  if (!name.startsWith(SA_PREFIX)) return undefined;
  const parts = name.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0] ?? '', name: parts[1] ?? '' };
}

/** The extra key as the client percent-encoded it in the header name (Go's url.PathUnescape, lower-cased). */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.toLowerCase());
  } catch {
    return encoded.toLowerCase();
  }
}
