// The service-account issuer a cluster publishes (`issuer` of /.well-known/openid-configuration), the
// value every token it signs carries as `iss`. Undefined when the server publishes no discovery document.
import type { ApiClients } from '../auth/apiClient';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';

export async function clusterIssuer(api: ApiClients): Promise<string | undefined> {
  const res = await api.rawRequest(DISCOVERY_PATH, { about: { verb: 'get', resource: DISCOVERY_PATH } });
  if (!res.ok) return undefined;
  try {
    const doc = JSON.parse(res.body) as { issuer?: unknown };
    return typeof doc.issuer === 'string' && doc.issuer !== '' ? doc.issuer : undefined;
  } catch {
    return undefined;
  }
}
