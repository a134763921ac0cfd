// What a fresh cluster holds before any scenario: the system namespaces and the bootstrap
// RBAC policy that decides what anonymous, authenticated and service-account users may do.

import type { ObjectApi } from './objectApi';
import { R } from './resources';
import type { PolicyRule } from './types';

const MANAGER = 'kube-apiserver';

const CLUSTER_ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ],
  view: [
    {
      verbs: ['get', 'list', 'watch'],
      apiGroups: [''],
      resources: ['pods', 'pods/log', 'serviceaccounts', 'configmaps', 'events', 'persistentvolumeclaims', 'services', 'namespaces'],
    },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  ],
  'system:basic-user': [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ],
  'system:discovery': [
    {
      verbs: ['get'],
      nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
    },
  ],
  'system:public-info-viewer': [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }],
  'system:service-account-issuer-discovery': [
    { verbs: ['get'], nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'] },
  ],
};

const CLUSTER_ROLE_BINDINGS: Record<string, { role: string; groups: string[] }> = {
  'cluster-admin': { role: 'cluster-admin', groups: ['system:masters'] },
  'system:basic-user': { role: 'system:basic-user', groups: ['system:authenticated'] },
  'system:discovery': { role: 'system:discovery', groups: ['system:authenticated'] },
  'system:public-info-viewer': { role: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'] },
  'system:service-account-issuer-discovery': { role: 'system:service-account-issuer-discovery', groups: ['system:serviceaccounts'] },
};

export function bootstrapCluster(api: ObjectApi): void {
  const create = (...args: Parameters<ObjectApi['create']>): void => {
    const result = api.create(...args);
    if (!result.ok) throw new Error(`bootstrap failed: ${result.error.body.message ?? ''}`);
  };
  for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
    create(R.namespaces, undefined, { metadata: { name } }, { manager: MANAGER });
  }
  const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  const annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };
  for (const [name, rules] of Object.entries(CLUSTER_ROLES)) {
    create(R.clusterRoles, undefined, { metadata: { name, labels: bootstrapLabels, annotations }, rules }, { manager: MANAGER });
  }
  for (const [name, b] of Object.entries(CLUSTER_ROLE_BINDINGS)) {
    create(
      R.clusterRoleBindings,
      undefined,
      {
        metadata: { name, labels: bootstrapLabels, annotations },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
        subjects: b.groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
      },
      { manager: MANAGER },
    );
  }
}
