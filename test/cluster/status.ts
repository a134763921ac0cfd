// metav1.Status bodies exactly as kube-apiserver words them, so clients that parse
// `reason`, `details` and `message` see what a real cluster sends.

import { qualifiedResource, type ResourceInfo } from './resources';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A failed request: the HTTP code and the body that goes with it. */
export interface ApiError {
  code: number;
  body: StatusBody;
}

export function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): ApiError {
  // `code` is set last so the keys come out in the apiserver's order.
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as StatusBody;
  if (reason !== undefined) body.reason = reason;
  if (details !== undefined) body.details = details;
  body.code = code;
  return { code, body };
}

type ResourceRef = Pick<ResourceInfo, 'group' | 'plural'>;

function detailsFor(r: ResourceRef, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (r.group !== '') d.group = r.group;
  d.kind = r.plural;
  return d;
}

export function notFound(r: ResourceRef, name: string): ApiError {
  return failure(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, detailsFor(r, name));
}

/** 404 for a path the server does not serve at all. */
export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(r: ResourceRef, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, detailsFor(r, name));
}

export function conflict(r: ResourceRef, name: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsFor(r, name),
  );
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export interface ForbiddenAttributes {
  username: string;
  verb: string;
  resource?: ResourceRef;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/** The RBAC denial sentence: `pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "y"`. */
export function forbidden(a: ForbiddenAttributes): ApiError {
  if (a.resource === undefined) {
    return failure(403, 'Forbidden', `forbidden: User "${a.username}" cannot ${a.verb} path "${a.path ?? '/'}"`, {});
  }
  const r = a.resource;
  const subject = a.name !== undefined && a.name !== '' ? `${qualifiedResource(r)} "${a.name}"` : qualifiedResource(r);
  const resourceWord = a.subresource !== undefined ? `${r.plural}/${a.subresource}` : r.plural;
  const scope = a.namespace !== undefined && a.namespace !== '' ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return failure(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${a.username}" cannot ${a.verb} resource "${resourceWord}" in API group "${r.group}" ${scope}`,
    detailsFor(r, a.name),
  );
}

/** Admission and validation refusals worded as their own sentence after "is forbidden: ". */
export function forbiddenBecause(r: ResourceRef, name: string, reason: string): ApiError {
  return failure(403, 'Forbidden', `${qualifiedResource(r)} "${name}" is forbidden: ${reason}`, detailsFor(r, name));
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

/** 422 Invalid: `Kind.group "name" is invalid: field: Invalid value: v: why`. */
export function invalid(kind: string, group: string, name: string, causes: { field: string; value: unknown; detail: string }[]): ApiError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const parts = causes.map((c) => `${c.field}: Invalid value: ${formatValue(c.value)}: ${c.detail}`);
  const message = `${qualifiedKind} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
  const details: StatusDetails = {};
  if (name !== '') details.name = name;
  if (group !== '') details.group = group;
  details.kind = kind;
  details.causes = causes.map((c) => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${formatValue(c.value)}: ${c.detail}`, field: c.field }));
  return failure(422, 'Invalid', message, details);
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function unsupportedMediaType(): ApiError {
  return failure(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
}

export function notAcceptable(available: string): ApiError {
  return failure(406, 'NotAcceptable', `406: Not Acceptable\n\nAvailable representations: ${available}`, {});
}

export function expired(message: string, continueToken?: string): ApiError {
  const e = failure(410, 'Expired', message);
  if (continueToken !== undefined) e.body.metadata = { continue: continueToken };
  return e;
}

/** A 500 with no `reason`, as the apiserver sends when the kubelet cannot be reached. */
export function internal(message: string): ApiError {
  return failure(500, undefined, message);
}

export function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && 'code' in v && 'body' in v && (v as { body: { kind?: unknown } }).body.kind === 'Status';
}
