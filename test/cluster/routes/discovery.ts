// API discovery: /api, /api/v1, /apis, /apis/<group> and /apis/<group>/<version>, built
// from the resource table. kubectl reads these to map `pods`, `deploy`, `sa` to paths.

import type { ClusterCore, RequestContext } from '../core';
import { sendError, sendJson } from '../http';
import { apiGroups, groupVersion, RESOURCES } from '../resources';
import { pathNotFound } from '../status';

/** Subresources whose kind lives in another API group, as discovery names it. */
const FOREIGN_KINDS: Record<string, { group: string; version: string }> = {
  TokenRequest: { group: 'authentication.k8s.io', version: 'v1' },
  Scale: { group: 'autoscaling', version: 'v1' },
};

function groupBody(group: string): Record<string, unknown> {
  const version = RESOURCES.find((r) => r.group === group)?.version ?? 'v1';
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const r of resources) {
    const e: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames !== undefined) e.shortNames = r.shortNames;
    if (r.categories !== undefined) e.categories = r.categories;
    entries.push(e);
    for (const s of r.subresources ?? []) {
      const foreign = FOREIGN_KINDS[s.kind];
      entries.push({ name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, ...(foreign ?? {}), kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: entries };
}

/** Handles the discovery paths; returns false when the path is not one. */
export function serveDiscovery(core: ClusterCore, rc: RequestContext): boolean {
  const parts = rc.url.pathname.split('/').filter((p) => p !== '');
  if (parts[0] === 'api' && parts.length === 1) {
    const host = new URL(core.url()).host;
    sendJson(rc.res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] });
    return true;
  }
  if (parts[0] === 'api' && parts.length === 2) {
    const list = resourceList('', parts[1] ?? '');
    if (list === undefined) sendError(rc.res, pathNotFound());
    else sendJson(rc.res, 200, list);
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 1) {
    sendJson(rc.res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map(groupBody) });
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    if (!apiGroups().includes(parts[1] ?? '')) sendError(rc.res, pathNotFound());
    else sendJson(rc.res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...groupBody(parts[1] ?? '') });
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = resourceList(parts[1] ?? '', parts[2] ?? '');
    if (list === undefined) sendError(rc.res, pathNotFound());
    else sendJson(rc.res, 200, list);
    return true;
  }
  return false;
}
