// Every resource the test cluster serves: the single table that discovery, routing,
// RBAC messages and the store all read, so a new resource is one line here.

export interface ResourceInfo {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served under `<plural>/<name>/<sub>`, with the verbs RBAC knows them by. */
  subresources?: { name: string; kind: string; verbs: string[] }[];
  /** Kept in the store (false for review-style resources that are only created). */
  stored: boolean;
}

/** Workloads have `scale` (autoscaling/v1 Scale) and `status` subresources. */
function scalable(kind: string): NonNullable<ResourceInfo['subresources']> {
  return [
    { name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
    { name: 'status', kind, verbs: ['get', 'patch', 'update'] },
  ];
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: readonly ResourceInfo[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    stored: true,
  },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, verbs: CRUD, shortNames: ['no'], stored: true },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['po'],
    categories: ['all'],
    stored: true,
    subresources: [
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['sa'],
    stored: true,
    subresources: [{ name: 'token', kind: 'TokenRequest', verbs: ['create'] }],
  },
  { group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: CRUD, stored: true },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: CRUD, shortNames: ['cm'], stored: true },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: CRUD, shortNames: ['ev'], stored: true },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['svc'],
    categories: ['all'],
    stored: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['pvc'],
    stored: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['deploy'],
    categories: ['all'],
    stored: true,
    subresources: scalable('Deployment'),
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['rs'],
    categories: ['all'],
    stored: true,
    subresources: scalable('ReplicaSet'),
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['sts'],
    categories: ['all'],
    stored: true,
    subresources: scalable('StatefulSet'),
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: CRUD,
    shortNames: ['ds'],
    categories: ['all'],
    stored: true,
  },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', singular: 'role', kind: 'Role', namespaced: true, verbs: CRUD, stored: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    verbs: CRUD,
    stored: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
    verbs: CRUD,
    stored: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    verbs: CRUD,
    stored: true,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    plural: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    plural: 'tokenreviews',
    singular: 'tokenreview',
    kind: 'TokenReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'localsubjectaccessreviews',
    singular: 'localsubjectaccessreview',
    kind: 'LocalSubjectAccessReview',
    namespaced: true,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'subjectaccessreviews',
    singular: 'subjectaccessreview',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
];

export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `pods`, `deployments.apps`: how Kubernetes names a resource in messages. */
export function qualifiedResource(r: Pick<ResourceInfo, 'group' | 'plural'>): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The groups in the order `/apis` lists them (the core group is served at `/api`). */
export function apiGroups(): string[] {
  const seen: string[] = [];
  for (const r of RESOURCES) {
    if (r.group !== '' && !seen.includes(r.group)) seen.push(r.group);
  }
  return seen;
}

/** The key a store bucket and a watch log are filed under. */
export function resourceKey(r: Pick<ResourceInfo, 'group' | 'plural'>): string {
  return qualifiedResource(r);
}

function mustFind(group: string, plural: string): ResourceInfo {
  const r = RESOURCES.find((x) => x.group === group && x.plural === plural);
  if (r === undefined) throw new Error(`resource ${plural}.${group} is not in the table`);
  return r;
}

/** The stored resources by name, for code that works with one kind. */
export const R = {
  namespaces: mustFind('', 'namespaces'),
  nodes: mustFind('', 'nodes'),
  pods: mustFind('', 'pods'),
  serviceAccounts: mustFind('', 'serviceaccounts'),
  secrets: mustFind('', 'secrets'),
  configMaps: mustFind('', 'configmaps'),
  events: mustFind('', 'events'),
  services: mustFind('', 'services'),
  persistentVolumeClaims: mustFind('', 'persistentvolumeclaims'),
  deployments: mustFind('apps', 'deployments'),
  replicaSets: mustFind('apps', 'replicasets'),
  statefulSets: mustFind('apps', 'statefulsets'),
  daemonSets: mustFind('apps', 'daemonsets'),
  roles: mustFind('rbac.authorization.k8s.io', 'roles'),
  roleBindings: mustFind('rbac.authorization.k8s.io', 'rolebindings'),
  clusterRoles: mustFind('rbac.authorization.k8s.io', 'clusterroles'),
  clusterRoleBindings: mustFind('rbac.authorization.k8s.io', 'clusterrolebindings'),
} as const;
