// Whether a Secret exists, and with which uid: what a token bound to it depends on. The inventory lists only
// service-account token Secrets, and a TokenRequest may bind a token to any Secret, so this asks for that one
// Secret, as server-side printing (`kubectl get`'s Table) whose rows carry metadata only: its data never travels.
import * as l10n from '@vscode/l10n';
import type { Presence } from '../../diagnosis/tokenVerdict';
import { isRecord } from '../../shared/values';
import type { ApiClients } from '../auth/apiClient';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export async function secretPresence(api: ApiClients, namespace: string, name: string): Promise<Presence> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
  const res = await api.rawRequest(path, { headers: { Accept: TABLE }, about: { verb: 'get', resource: 'secrets', namespace, name } });
  if (!res.ok) return res.status === 404 ? { state: 'absent' } : { state: 'unknown', why: res.error.message };
  const metadata = metadataOf(res.body);
  const uid = metadata?.uid;
  if (typeof uid !== 'string' || uid === '') return { state: 'unknown', why: l10n.t('the answer for Secret {0}/{1} names no uid', namespace, name) };
  const deletion = typeof metadata?.deletionTimestamp === 'string' ? Date.parse(metadata.deletionTimestamp) : NaN;
  return Number.isFinite(deletion) ? { state: 'present', uid, deletionSec: Math.floor(deletion / 1000) } : { state: 'present', uid };
}

/** The object's metadata from a Table's one row (or from the object itself, should a server ignore the Table). */
function metadataOf(body: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  if (doc.kind === 'Table') {
    const rows = Array.isArray(doc.rows) ? (doc.rows as unknown[]) : [];
    const row: unknown = rows[0];
    const object = isRecord(row) ? row.object : undefined;
    return isRecord(object) && isRecord(object.metadata) ? object.metadata : undefined;
  }
  return isRecord(doc.metadata) ? doc.metadata : undefined;
}
