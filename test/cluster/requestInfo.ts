// What a request asks for, read from its method and path the way kube-apiserver's
// RequestInfoResolver reads it: resource requests under /api and /apis, everything else a path.

export interface ResourceRequest {
  kind: 'resource';
  verb: string;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Path segments past the subresource, which no route serves. */
  extra: boolean;
}

export interface NonResourceRequest {
  kind: 'nonResource';
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function isWatch(params: URLSearchParams): boolean {
  const w = params.get('watch');
  return w !== null && ['1', 'true', 't', 'True', 'TRUE'].includes(w);
}

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const lower = method.toLowerCase();
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return { kind: 'nonResource', verb: lower, path };
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  let name = rest[1];
  const subresource = rest[2];
  // `namespaces/NAME` is the namespace object itself, not a namespaced request.
  if (resource === 'namespaces' && rest.length <= 3 && namespace !== undefined) {
    name = namespace;
    namespace = undefined;
  }

  let verb: string;
  switch (lower) {
    case 'get':
    case 'head':
      verb = isWatch(url.searchParams) ? 'watch' : name === undefined ? 'list' : 'get';
      break;
    case 'post':
      verb = 'create';
      break;
    case 'put':
      verb = 'update';
      break;
    case 'patch':
      verb = 'patch';
      break;
    case 'delete':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = lower;
  }
  // Streaming subresources are authorized as create, whatever the method (1.30+ for WebSockets).
  if (subresource !== undefined && ['exec', 'attach', 'portforward'].includes(subresource)) verb = 'create';

  const info: ResourceRequest = { kind: 'resource', verb, group, version, resource, extra: rest.length > 3 };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}
