// Which namespaces a context-wide look covers: the configured ones when `clusterCredentials.namespaces`
// is set, the whole cluster otherwise, and only the context's namespace when listing across the
// cluster is forbidden (a user allowed only in their own namespace). The explorer and the diagnosis share it.
import type { ClusterError } from '../errors';

/** `clusterCredentials.namespaces` trimmed and deduplicated; undefined when it names none (every namespace). */
export function configuredNamespaces(list: readonly string[] | undefined): string[] | undefined {
  const names = (list ?? []).map((n) => n.trim()).filter((n) => n !== '');
  return names.length > 0 ? [...new Set(names)] : undefined;
}

/** The namespace to fall back to after a cluster-wide list failed with `error`; undefined when there is none. */
export function forbiddenFallback(error: ClusterError | undefined, contextNamespace: string | undefined): string | undefined {
  return error?.kind === 'forbidden' && contextNamespace !== undefined && contextNamespace.trim() !== '' ? contextNamespace.trim() : undefined;
}

/** The log line that says the look was narrowed, and why. */
export function fallbackNote(what: string, error: ClusterError, namespace: string): string {
  return `${what} across the cluster is forbidden (${error.message}); looking only in namespace ${namespace}, the context's namespace`;
}
