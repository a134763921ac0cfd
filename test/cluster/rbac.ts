// RBAC authorization over the Roles, ClusterRoles and bindings in the store, with the
// reason strings SubjectAccessReview reports and the rule lists SelfSubjectRulesReview shows.

import { R, type ResourceInfo } from './resources';
import type { Store } from './store';
import type { PolicyRule, Role, RoleBinding, Subject, UserInfo } from './types';

export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests name the resource; non-resource requests give a path. */
  resource?: Pick<ResourceInfo, 'group' | 'plural'>;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  const ns = s.namespace ?? bindingNamespace ?? '';
  return user.username === `system:serviceaccount:${ns}:${s.name}`;
}

function describeSubject(s: Subject, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace ?? bindingNamespace ?? ''}"`;
  return `${s.kind} "${s.name}"`;
}

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((v) => v === '*' || v === value);
}

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (a.resource === undefined) {
    const path = a.path ?? '/';
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
  }
  if ((rule.resources ?? []).length === 0) return false;
  if (!has(rule.apiGroups, a.resource.group)) return false;
  const combined = a.subresource !== undefined ? `${a.resource.plural}/${a.subresource}` : a.resource.plural;
  const resourceOk = (rule.resources ?? []).some((r) => r === '*' || r === combined || (a.subresource !== undefined && r === `*/${a.subresource}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

interface Grant {
  rules: PolicyRule[];
  describe: (subject: Subject) => string;
  subject: Subject;
}

/** Every (binding, role) pair that applies to the user in the namespace, cluster-wide ones first. */
function grants(store: Store, user: UserInfo, namespace: string | undefined): Grant[] {
  const out: Grant[] = [];
  for (const o of store.list(R.clusterRoleBindings)) {
    const b = o as RoleBinding;
    const subject = (b.subjects ?? []).find((s) => subjectMatches(s, user, undefined));
    if (subject === undefined) continue;
    const role = store.peek(R.clusterRoles, undefined, b.roleRef.name) as Role | undefined;
    if (role === undefined) continue;
    out.push({
      rules: role.rules ?? [],
      subject,
      describe: (s) => `ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${role.metadata.name}" to ${describeSubject(s, undefined)}`,
    });
  }
  if (namespace !== undefined && namespace !== '') {
    for (const o of store.list(R.roleBindings, namespace)) {
      const b = o as RoleBinding;
      const subject = (b.subjects ?? []).find((s) => subjectMatches(s, user, namespace));
      if (subject === undefined) continue;
      const role = (
        b.roleRef.kind === 'ClusterRole' ? store.peek(R.clusterRoles, undefined, b.roleRef.name) : store.peek(R.roles, namespace, b.roleRef.name)
      ) as Role | undefined;
      if (role === undefined) continue;
      out.push({
        rules: role.rules ?? [],
        subject,
        describe: (s) => `RoleBinding "${b.metadata.name}/${namespace}" of ${b.roleRef.kind} "${role.metadata.name}" to ${describeSubject(s, namespace)}`,
      });
    }
  }
  return out;
}

export function authorize(store: Store, a: RequestAttributes): Decision {
  // system:masters bypasses RBAC entirely, as the apiserver's privileged-group authorizer does.
  if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  for (const g of grants(store, a.user, a.namespace)) {
    if (g.rules.some((rule) => ruleAllows(rule, a))) return { allowed: true, reason: `RBAC: allowed by ${g.describe(g.subject)}` };
  }
  return { allowed: false, reason: '' };
}

export interface RulesReview {
  resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  incomplete: boolean;
}

/** What SelfSubjectRulesReview lists: the rules of every binding that applies, as written. */
export function rulesFor(store: Store, user: UserInfo, namespace: string): RulesReview {
  const review: RulesReview = { resourceRules: [], nonResourceRules: [], incomplete: false };
  const all = user.groups.includes('system:masters')
    ? [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ]
    : grants(store, user, namespace).flatMap((g) => g.rules);
  for (const rule of all) {
    if ((rule.nonResourceURLs ?? []).length > 0) {
      review.nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs ?? [] });
    } else {
      const r: RulesReview['resourceRules'][number] = { verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [] };
      if ((rule.resourceNames ?? []).length > 0) r.resourceNames = rule.resourceNames;
      review.resourceRules.push(r);
    }
  }
  return review;
}
