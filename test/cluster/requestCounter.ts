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

  /** Requests with this verb on this resource (`list`, `watch`, `get`...), in any namespace. */
  of(verb: string, resource: string): RecordedRequest[] {
    return this.seen.filter((r) => r.info.kind === 'resource' && r.info.verb === verb && r.info.resource === resource && r.info.subresource === undefined);
  }

  /** Full lists of a resource: the pages after the first (`continue`) are part of the same list. */
  lists(resource: string): RecordedRequest[] {
    return this.of('list', resource).filter((r) => !r.query.has('continue'));
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
