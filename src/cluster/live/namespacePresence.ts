// Whether a namespace exists: for namespaces pinned by `clusterCredentials.namespaces`, which the inventory does not
// list (it lists inside them), the one way to learn that one was deleted. Gone only on a 404 whose Status names that
// namespace (a 404 for a path the server does not serve says nothing of it).
import * as l10n from '@vscode/l10n';
import type { Presence } from '../../diagnosis/tokenVerdict';
import { isRecord } from '../../shared/values';
import type { ApiClients } from '../auth/apiClient';

export async function namespacePresence(api: ApiClients, name: string): Promise<Presence> {
  const path = `/api/v1/namespaces/${encodeURIComponent(name)}`;
  const res = await api.rawRequest(path, { about: { verb: 'get', resource: 'namespaces', name } });
  if (!res.ok) return res.status === 404 && namesNamespace(res.body, name) ? { state: 'absent' } : { state: 'unknown', why: res.error.message };
  const metadata = parse(res.body)?.metadata;
  const uid = isRecord(metadata) ? metadata.uid : undefined;
  if (!isRecord(metadata) || typeof uid !== 'string' || uid === '') return { state: 'unknown', why: l10n.t('the answer for namespace {0} names no uid', name) };
  const deletion = typeof metadata.deletionTimestamp === 'string' ? Date.parse(metadata.deletionTimestamp) : NaN;
  return Number.isFinite(deletion) ? { state: 'present', uid, deletionSec: Math.floor(deletion / 1000) } : { state: 'present', uid };
}

function parse(body: string | undefined): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(body ?? '');
    return isRecord(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** A NotFound Status about this namespace: `details: { name, kind: "namespaces" }`. */
function namesNamespace(body: string | undefined, name: string): boolean {
  const details = parse(body)?.details;
  return isRecord(details) && details.name === name && details.kind === 'namespaces';
}
