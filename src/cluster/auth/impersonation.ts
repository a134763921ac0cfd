// Impersonation as kubectl sends it: `as`, `as-uid`, `as-groups` and `as-user-extra` become Impersonate-User,
// -Uid, one Impersonate-Group line per group and one Impersonate-Extra-<key> line per value. fetch joins repeated
// headers into one ("a, b", which the API server reads as a single group), so the lines are added by the
// connection's dispatcher instead.
import type { RequestContext, User } from '@kubernetes/client-node';
import { isRecord } from '../../shared/values';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;
type DispatchOptions = Parameters<Dispatcher['dispatch']>[0];
type Headers = Record<string, string | string[] | undefined>;

export interface Impersonation {
  user: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** The impersonation a kubeconfig user asks for; undefined without `as` (kubectl refuses groups without a user). */
export function impersonationOf(user: Record<string, unknown>): Impersonation | undefined {
  const as = user.as;
  if (typeof as !== 'string' || as === '') return undefined;
  const out: Impersonation = { user: as, groups: strings(user['as-groups']), extra: {} };
  if (typeof user['as-uid'] === 'string' && user['as-uid'] !== '') out.uid = user['as-uid'];
  if (isRecord(user['as-user-extra'])) {
    for (const [k, v] of Object.entries(user['as-user-extra'])) out.extra[k] = strings(v);
  }
  return out;
}

/** client-go's impersonating round tripper: header names (lower case) with every value they carry. */
export function impersonationHeaders(imp: Impersonation): Headers {
  const headers: Headers = { 'impersonate-user': imp.user };
  if (imp.uid !== undefined) headers['impersonate-uid'] = imp.uid;
  if (imp.groups.length > 0) headers['impersonate-group'] = [...imp.groups];
  for (const [key, values] of Object.entries(imp.extra)) {
    if (values.length === 0) continue;
    const name = `impersonate-extra-${headerKeyEscape(key)}`.toLowerCase();
    headers[name] = [...(asList(headers[name]) ?? []), ...values];
  }
  return headers;
}

/** A dispatcher that adds the impersonation headers, one line per value, to every request it carries. */
export function impersonatingDispatcher(dispatcher: Dispatcher, imp: Impersonation): Dispatcher {
  const add = impersonationHeaders(imp);
  return dispatcher.compose(
    (dispatch) => (opts: DispatchOptions, handler) => dispatch({ ...opts, headers: { ...withoutImpersonation(opts.headers), ...add } }, handler),
  );
}

/** The request's own headers as a record (a record keeps repeated values apart; a flat list may not survive a proxy agent). */
function withoutImpersonation(headers: DispatchOptions['headers']): Headers {
  const out: Headers = {};
  const put = (name: string, value: string | string[] | undefined): void => {
    const key = name.toLowerCase();
    if (key.startsWith('impersonate-') || value === undefined) return;
    const prev = asList(out[key]);
    out[key] = prev ? [...prev, ...(asList(value) ?? [])] : value;
  };
  if (headers === null || headers === undefined) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) put(String(headers[i]), headers[i + 1]);
  } else if (Symbol.iterator in headers) {
    for (const [k, v] of headers as Iterable<[string, string | string[] | undefined]>) put(k, v);
  } else {
    for (const [k, v] of Object.entries(headers)) put(k, typeof v === 'number' ? String(v) : v);
  }
  return out;
}

function asList(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

// Go's token characters (net/http's isTokenTable); every other byte, and '%' itself, is percent-encoded.
const TOKEN = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

function headerKeyEscape(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x7f && TOKEN.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// client-node keeps only `as`: the whole impersonation rides on its user object, where it is also part of what the
// session is keyed on (an edited `as-groups` makes a new session).
const PROPERTY = 'kubectlImpersonation';

export function attachImpersonation(user: User, imp: Impersonation): void {
  Object.assign(user, { [PROPERTY]: imp });
}

/** The impersonation attached to a user of a loaded kubeconfig. */
export function attachedImpersonation(user: User | undefined): Impersonation | undefined {
  const v: unknown = user ? (user as unknown as Record<string, unknown>)[PROPERTY] : undefined;
  return isRecord(v) && typeof v.user === 'string' && Array.isArray(v.groups) && isRecord(v.extra) ? (v as unknown as Impersonation) : undefined;
}
