// `large`: 200 namespaces, 2,000 service accounts and 10,000 pods (one 5-replica Deployment per
// service account) on 20 Nodes, for list paging and speed. Events are off and token files are
// minted on first read, so it builds in seconds.

import { create, namespace, node, podTemplate, serviceAccount } from './build';
import { R } from '../resources';
import { registerScenario } from './registry';

export const LARGE = { namespaces: 200, serviceAccountsPerNamespace: 10, replicasPerServiceAccount: 5, nodes: 20 } as const;

registerScenario('large', (cluster) => {
  cluster.kubelet.minting = 'on-read';
  const eventsWereOn = cluster.events.enabled;
  cluster.events.enabled = false;
  try {
    cluster.batch(() => {
      for (let n = 0; n < LARGE.nodes; n++) node(cluster, `large-node-${n}`, `10.1.0.${n + 10}`);
      for (let i = 0; i < LARGE.namespaces; i++) {
        const ns = `team-${String(i).padStart(3, '0')}`;
        namespace(cluster, ns);
        for (let j = 0; j < LARGE.serviceAccountsPerNamespace; j++) {
          const name = `svc-${j}`;
          serviceAccount(cluster, ns, name);
          const labels = { app: name };
          create(cluster, R.deployments, ns, {
            metadata: { name, labels },
            spec: {
              replicas: LARGE.replicasPerServiceAccount,
              selector: { matchLabels: labels },
              template: podTemplate(labels, name, [{ name: 'app', image: `registry.example.com/${ns}/${name}:1.0.0` }]),
            },
          });
        }
      }
    });
  } finally {
    cluster.events.enabled = eventsWereOn;
  }
});
