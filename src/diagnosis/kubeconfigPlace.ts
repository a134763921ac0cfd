// Where a token sits in a kubeconfig, for what the token cannot say itself: an EKS token names its cluster only
// in a signed header (`x-k8s-aws-id`), whose value is not part of the token, so the cluster comes from the
// kubeconfig around it (the contexts that use the token's user, and their clusters). `aws eks update-kubeconfig`
// names a cluster by its ARN (`arn:aws:eks:<region>:<account>:cluster/<name>`). Pure: the text is parsed here,
// only when a hover asks, and only for a document of a size a kubeconfig has.
import { parse } from 'yaml';
import { isRecord } from '../shared/values';

export interface ClusterPlace {
  /** The EKS cluster's name: from an ARN, else the kubeconfig's cluster entry name. */
  name: string;
  /** The kubeconfig's name of the cluster entry (an ARN for `aws eks update-kubeconfig`). */
  entry: string;
  server?: string;
  /** The context(s) that use the token's user with this cluster. */
  contexts: string[];
}

/** Larger documents are not kubeconfigs a hover parses on the extension host. */
const MAX_TEXT = 2 * 1024 * 1024;
const EKS_ARN = /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/(.+)$/;
const USER_TOKEN_PATH = /^users\[(\d+)\]\.user\.token$/;

/** The clusters of the contexts whose user holds the token at `path` (`users[2].user.token`), at most a few. */
export function clustersOfUserToken(text: string, path: string): ClusterPlace[] {
  const m = USER_TOKEN_PATH.exec(path);
  if (!m || text.length > MAX_TEXT) return [];
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!isRecord(doc)) return [];
  const users = Array.isArray(doc.users) ? doc.users : [];
  const user: unknown = users[Number(m[1])];
  const userName = isRecord(user) && typeof user.name === 'string' ? user.name : undefined;
  if (userName === undefined) return [];
  const clusters = new Map<string, string | undefined>();
  for (const c of Array.isArray(doc.clusters) ? doc.clusters : []) {
    if (isRecord(c) && typeof c.name === 'string')
      clusters.set(c.name, isRecord(c.cluster) && typeof c.cluster.server === 'string' ? c.cluster.server : undefined);
  }
  const places = new Map<string, ClusterPlace>();
  for (const c of Array.isArray(doc.contexts) ? doc.contexts : []) {
    if (!isRecord(c) || typeof c.name !== 'string' || !isRecord(c.context)) continue;
    if (c.context.user !== userName || typeof c.context.cluster !== 'string') continue;
    const entry = c.context.cluster;
    const place = places.get(entry) ?? {
      name: EKS_ARN.exec(entry)?.[1] ?? entry,
      entry,
      ...(clusters.get(entry) !== undefined ? { server: clusters.get(entry) } : {}),
      contexts: [],
    };
    place.contexts.push(c.name);
    places.set(entry, place);
    if (places.size >= 5) break;
  }
  return [...places.values()];
}
