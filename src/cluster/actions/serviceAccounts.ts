// Listing service accounts, for choosing one when a command starts from the palette.
import type { ApiClients } from '../auth/apiClient';
import { isRecord } from '../../shared/values';
import { type ActionResult, enc, field, requestJson, str, succeeded } from './result';

export interface ServiceAccountSummary {
  namespace: string;
  name: string;
  uid: string;
}

/** Every service account of a namespace (or of all namespaces when it is undefined), in pages. */
export async function listServiceAccounts(
  api: ApiClients,
  namespace: string | undefined,
  signal?: AbortSignal,
): Promise<ActionResult<ServiceAccountSummary[]>> {
  const out: ServiceAccountSummary[] = [];
  let cont: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500' });
    if (cont) query.set('continue', cont);
    const base = namespace === undefined ? '/api/v1/serviceaccounts' : `/api/v1/namespaces/${enc(namespace)}/serviceaccounts`;
    const res = await requestJson(api, `${base}?${query.toString()}`, {
      ...(signal ? { signal } : {}),
      about: { verb: 'list', resource: 'serviceaccounts', ...(namespace !== undefined ? { namespace } : {}) },
    });
    if (!res.ok) return res;
    const items = res.value.body.items;
    if (Array.isArray(items)) {
      for (const item of items) {
        if (!isRecord(item)) continue;
        const ns = str(field(item, 'metadata', 'namespace'));
        const name = str(field(item, 'metadata', 'name'));
        if (ns && name) out.push({ namespace: ns, name, uid: str(field(item, 'metadata', 'uid')) ?? '' });
      }
    }
    cont = str(field(res.value.body, 'metadata', 'continue')) || undefined;
  } while (cont);
  return succeeded(out);
}
