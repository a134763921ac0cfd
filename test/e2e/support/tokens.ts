// Tokens the E2E suites hand the workbench in a kubeconfig: the test cluster's own, issued now.
import { R } from '../../cluster/resources';
import type { TestCluster } from '../../cluster/server';

/** A token of service account payments/api that lives `seconds` from now (wall clock), issued by the test cluster. */
export function mintApiToken(cluster: TestCluster, seconds: number): string {
  const sa = cluster.store.peek(R.serviceAccounts, 'payments', 'api');
  const issued = cluster.issuer.issue({
    namespace: 'payments',
    serviceAccount: { name: 'api', uid: sa?.metadata.uid ?? '' },
    expirationSeconds: seconds,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!issued.ok) throw new Error(issued.message);
  return issued.issued.token;
}
