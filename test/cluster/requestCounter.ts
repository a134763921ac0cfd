// Every request the test cluster receives, read the way kube-apiserver reads it (verb, resource,
// namespace): for tests that count what a client asks, such as one list per resource kind.
import type { IncomingMessage } from 'node:http';
import { requestInfo, type RequestInfo } from './requestInfo';

export interface RecordedRequest {
  info: RequestInfo;
  query: URLSearchParams;
  /** The Authorization header's scheme (`Bearer`, `Basic`), when there is one; never the credential. */
  authScheme?: string;
  /** For `Basic`: the user name it carries (the password is not kept). */
  basicUser?: string;
}

export class RequestLog {
  private readonly seen: RecordedRequest[] = [];

  /** For the server's `request` and `upgrade` events. */
  readonly record = (req: IncomingMessage): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://127.0.0.1');
    } catch {
      return;
    }
    this.seen.push({ info: requestInfo(req.method ?? 'GET', url), query: url.searchParams, ...authorizationOf(req.headers.authorization) });
  };

  all(): readonly RecordedRequest[] {
    return this.seen;
  }

  /** A point in the log: `of`, `lists` and `counts` given it see only the requests after it. */
  mark(): number {
    return this.seen.length;
  }

  /** Requests with this verb on this resource (`list`, `watch`, `get`...), in any namespace, after `since`. */
  of(verb: string, resource: string, since = 0): RecordedRequest[] {
    return this.seen
      .slice(since)
      .filter((r) => r.info.kind === 'resource' && r.info.verb === verb && r.info.resource === resource && r.info.subresource === undefined);
  }

  /** Full lists of a resource: the pages after the first (`continue`) are part of the same list. */
  lists(resource: string, since = 0): RecordedRequest[] {
    return this.of('list', resource, since).filter((r) => !r.query.has('continue'));
  }

  /**
   * How many requests each resource got by verb after `since`, as RBAC names them: a GET on a
   * collection is a `list` (each page counts), with `watch=1` or `true` a `watch`, on one object a
   * `get`. Subresources count apart: `{ pods: { list: 300, watch: 1 }, 'pods/log': { get: 2 } }`.
   */
  counts(since = 0): Record<string, Record<string, number>> {
    const counted = new Map<string, Map<string, number>>();
    for (const r of this.seen.slice(since)) {
      if (r.info.kind !== 'resource') continue;
      const resource = r.info.subresource === undefined ? r.info.resource : `${r.info.resource}/${r.info.subresource}`;
      const verbs = counted.get(resource) ?? new Map<string, number>();
      counted.set(resource, verbs);
      verbs.set(r.info.verb, (verbs.get(r.info.verb) ?? 0) + 1);
    }
    // fromEntries makes own properties: a request for `/api/v1/__proto__` is a resource like any other.
    return Object.fromEntries([...counted].map(([resource, verbs]) => [resource, Object.fromEntries(verbs)]));
  }

  /** Requests outside the resource API (`/version`, `/openid/v1/jwks`, discovery) by path, after `since`. */
  paths(since = 0): Record<string, number> {
    const counted = new Map<string, number>();
    for (const r of this.seen.slice(since)) if (r.info.kind === 'nonResource') counted.set(r.info.path, (counted.get(r.info.path) ?? 0) + 1);
    return Object.fromEntries(counted);
  }
}

function authorizationOf(header: string | undefined): Pick<RecordedRequest, 'authScheme' | 'basicUser'> {
  const m = header === undefined ? null : /^(\S+)\s+(\S*)/.exec(header);
  if (m === null) return {};
  const scheme = m[1] ?? '';
  if (scheme.toLowerCase() !== 'basic') return { authScheme: scheme };
  const decoded = Buffer.from(m[2] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { authScheme: scheme, basicUser: colon < 0 ? decoded : decoded.slice(0, colon) };
}
