// `healthy`: the cluster the fixtures were recorded on, running. Namespaces payments, gateway
// and db; Deployments payments/api and gateway/apisix; the Patroni StatefulSet with its
// headless Service and PVCs; pod payments/vault-client with a `vault`-audience token; and
// Role payments/pod-reader bound to SA payments/api. One Node, node-1, runs everything.

import { R } from '../resources';
import { create, deployment, ensureNamespace, ensureNode, NODE_1, podTemplate, serviceAccount } from './build';
import { registerScenario } from './registry';

registerScenario('healthy', (cluster) => {
  cluster.batch(() => {
    // node-1 and db are shared with the incident scenarios, whichever runs first.
    ensureNode(cluster, NODE_1.name, NODE_1.ip);
    for (const ns of ['payments', 'gateway', 'db']) ensureNamespace(cluster, ns);
    serviceAccount(cluster, 'payments', 'api');
    serviceAccount(cluster, 'gateway', 'apisix');
    serviceAccount(cluster, 'db', 'patroni');

    create(cluster, R.roles, 'payments', {
      metadata: { name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    create(cluster, R.roleBindings, 'payments', {
      metadata: { name: 'api-pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'payments' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    });

    deployment(cluster, 'payments', 'api', 'api', [
      { name: 'api', image: 'registry.example.com/payments/api:1.4.2', ports: [{ name: 'http', containerPort: 8080 }] },
    ]);
    deployment(cluster, 'gateway', 'apisix', 'apisix', [
      { name: 'apisix', image: 'apache/apisix:3.9.0-debian', ports: [{ name: 'http', containerPort: 9080 }] },
    ]);

    create(cluster, R.services, 'db', {
      metadata: { name: 'patroni', labels: { app: 'patroni' } },
      spec: { clusterIP: 'None', selector: { app: 'patroni' }, ports: [{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }] },
    });
    create(cluster, R.statefulSets, 'db', {
      metadata: { name: 'patroni', labels: { app: 'patroni' } },
      spec: {
        replicas: 1,
        serviceName: 'patroni',
        selector: { matchLabels: { app: 'patroni' } },
        template: podTemplate({ app: 'patroni' }, 'patroni', [
          {
            name: 'patroni',
            image: 'ghcr.io/zalando/spilo-16:3.2-p3',
            ports: [
              { name: 'postgres', containerPort: 5432 },
              { name: 'patroni', containerPort: 8008 },
            ],
            volumeMounts: [{ name: 'data', mountPath: '/home/postgres/pgdata' }],
          },
        ]),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    create(cluster, R.persistentVolumeClaims, 'db', {
      metadata: { name: 'patroni-backups' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
    });

    create(cluster, R.pods, 'payments', {
      metadata: { name: 'vault-client', labels: { app: 'vault-client' } },
      spec: {
        serviceAccountName: 'api',
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/payments/vault-client:0.3.0',
            volumeMounts: [{ name: 'vault-token', mountPath: '/var/run/secrets/vault', readOnly: true }],
          },
        ],
        volumes: [{ name: 'vault-token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }] } }],
      },
    });
  });
});
