// Writes the way an API request makes them: validation, defaulting, admission,
// managedFields, the store, then the controllers. Routes and scenarios both go through here.

import { admitCreate } from './admission';
import { applyDefaults } from './defaults';
import { recordManager } from './managedFields';
import { applyPatch, type Json, type JsonObject } from './patch';
import { groupVersion, type ResourceInfo } from './resources';
import type { Store, StoreResult } from './store';
import { badRequest, failure, invalid, isApiError, notFound, type ApiError } from './status';
import type { KubeObject, Pod } from './types';
import { cloneJson } from './json';

export interface WriteOptions {
  /** Recorded in managedFields (`kubectl`, `kube-controller-manager`...). */
  manager?: string;
  subresource?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type DeleteResult = { ok: true; object: KubeObject; removed: boolean } | { ok: false; error: ApiError };

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SERVER_OWNED = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;

function asKubeObject(body: Record<string, unknown>): KubeObject | ApiError {
  const meta = body.metadata;
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    return badRequest('json: cannot unmarshal non-object into Go struct field .metadata of type v1.ObjectMeta');
  }
  const metadata = { ...((meta ?? {}) as Record<string, unknown>) };
  for (const k of ['name', 'namespace', 'generateName']) {
    if (metadata[k] !== undefined && typeof metadata[k] !== 'string') {
      return badRequest(`json: cannot unmarshal ${typeof metadata[k]} into Go struct field ObjectMeta.metadata.${k} of type string`);
    }
  }
  for (const k of ['labels', 'annotations']) {
    const v = metadata[k];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))) {
      return badRequest(`json: cannot unmarshal into Go struct field ObjectMeta.metadata.${k} of type map[string]string`);
    }
  }
  return { ...body, metadata: { name: '', ...metadata } } as KubeObject;
}

function checkKind(r: ResourceInfo, o: KubeObject): ApiError | undefined {
  const kind = o.kind as unknown;
  const apiVersion = o.apiVersion as unknown;
  if (kind !== undefined && kind !== '' && kind !== r.kind) {
    return badRequest(`the API version in the data (${JSON.stringify(apiVersion)}) does not match the expected API version (${groupVersion(r)})`);
  }
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== groupVersion(r)) {
    return badRequest(`the API version in the data (${JSON.stringify(apiVersion)}) does not match the expected API version (${groupVersion(r)})`);
  }
  return undefined;
}

function validateName(r: ResourceInfo, name: string): ApiError | undefined {
  // RBAC objects only need a valid path segment (`system:basic-user` is a fine name).
  if (r.group === 'rbac.authorization.k8s.io') {
    if (name !== '.' && name !== '..' && !/[/%]/.test(name)) return undefined;
    return invalid(r.kind, r.group, name, [{ field: 'metadata.name', value: name, detail: "may not contain '/' or '%', and may not be '.' or '..'" }]);
  }
  if (name.length <= 253 && DNS_SUBDOMAIN.test(name)) return undefined;
  const group = r.group;
  return invalid(r.kind, group, name, [
    {
      field: 'metadata.name',
      value: name,
      detail: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
  ]);
}

export class ObjectApi {
  constructor(
    private readonly store: Store,
    /** Runs the controllers after every write, so a response already reflects their reaction. */
    private readonly afterWrite: () => void,
  ) {}

  create(r: ResourceInfo, namespace: string | undefined, body: Record<string, unknown>, opts: WriteOptions = {}): StoreResult {
    const prepared = this.prepareCreate(r, namespace, body, opts);
    if (!prepared.ok) return prepared;
    const result = this.store.create(r, prepared.object);
    if (result.ok) this.afterWrite();
    return result;
  }

  /**
   * A create up to the store: the object as it would be stored (validated, defaulted, admitted,
   * managedFields recorded), for a bulk build that writes many alike objects to the store itself.
   */
  prepareCreate(r: ResourceInfo, namespace: string | undefined, body: Record<string, unknown>, opts: WriteOptions = {}): StoreResult {
    const parsed = asKubeObject(body);
    if (isApiError(parsed)) return { ok: false, error: parsed };
    const obj = parsed;
    const kindError = checkKind(r, obj);
    if (kindError !== undefined) return { ok: false, error: kindError };
    if (r.namespaced) {
      const given = obj.metadata.namespace;
      if (given !== undefined && given !== '' && given !== namespace) {
        return { ok: false, error: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
      }
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
    for (const k of SERVER_OWNED) delete obj.metadata[k];
    delete obj.metadata.managedFields;
    if (obj.metadata.name === '' && (obj.metadata.generateName ?? '') === '') {
      return { ok: false, error: invalid(r.kind, r.group, '', [{ field: 'metadata.name', value: '', detail: 'name or generateName is required' }]) };
    }
    if (obj.metadata.name !== '') {
      const nameError = validateName(r, obj.metadata.name);
      if (nameError !== undefined) return { ok: false, error: nameError };
    }
    obj.apiVersion = groupVersion(r);
    obj.kind = r.kind;
    applyDefaults(obj);
    const refused = admitCreate(this.store, r, obj);
    if (refused !== undefined) return { ok: false, error: refused };
    recordManager(obj, opts.manager ?? 'unknown', this.store.clock.nowRfc3339());
    return { ok: true, object: obj };
  }

  /** PUT: replace the object; a stale metadata.resourceVersion gets 409 Conflict. */
  update(r: ResourceInfo, namespace: string | undefined, name: string, body: Record<string, unknown>, opts: WriteOptions = {}): StoreResult {
    const parsed = asKubeObject(body);
    if (isApiError(parsed)) return { ok: false, error: parsed };
    const obj = parsed;
    const kindError = checkKind(r, obj);
    if (kindError !== undefined) return { ok: false, error: kindError };
    if (obj.metadata.name !== name) {
      return { ok: false, error: badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`) };
    }
    if (r.namespaced) {
      const given = obj.metadata.namespace;
      if (given !== undefined && given !== '' && given !== namespace) {
        return { ok: false, error: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
      }
      obj.metadata.namespace = namespace;
    }
    return this.replace(r, obj, obj.metadata.resourceVersion, opts);
  }

  patch(r: ResourceInfo, namespace: string | undefined, name: string, contentType: string, patch: Json, opts: WriteOptions = {}): StoreResult {
    const current = this.store.get(r, namespace, name);
    if (current === undefined) return { ok: false, error: notFound(r, name) };
    const patched = applyPatch(contentType, current as unknown as JsonObject, patch);
    if (!patched.ok) return { ok: false, error: failure(422, 'Invalid', patched.message) };
    const parsed = asKubeObject(patched.value);
    if (isApiError(parsed)) return { ok: false, error: parsed };
    const obj = parsed;
    if (obj.metadata.name !== name)
      return { ok: false, error: badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`) };
    return this.replace(r, obj, obj.metadata.resourceVersion, opts);
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const current = this.store.peek(r, namespace, name);
    if (current === undefined) return { ok: false, error: notFound(r, name) };
    const pre = opts.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== current.metadata.uid) {
      return {
        ok: false,
        error: failure(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`, {
          name,
          kind: r.plural,
        }),
      };
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
      return {
        ok: false,
        error: failure(
          409,
          'Conflict',
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
          { name, kind: r.plural },
        ),
      };
    }
    const result = r.kind === 'Pod' ? this.deletePod(r, current as Pod, opts) : this.deleteOther(r, current);
    if (result.ok) this.afterWrite();
    return result;
  }

  /**
   * A pod that never reached a node (or already finished) goes at once: MODIFIED with
   * deletionTimestamp and grace 0, then DELETED. A scheduled pod is marked with its grace period
   * and its kubelet finishes it.
   */
  private deletePod(r: ResourceInfo, pod: Pod, opts: DeleteOptions): DeleteResult {
    const phase = pod.status?.phase;
    const scheduled = (pod.spec.nodeName ?? '') !== '' && phase !== 'Succeeded' && phase !== 'Failed';
    const grace = scheduled ? (opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30) : 0;
    const ns = pod.metadata.namespace;
    if (pod.metadata.deletionTimestamp !== undefined && grace > 0) return { ok: true, object: cloneJson(pod), removed: false };
    const marked = this.store.markDeleted(r, ns, pod.metadata.name, Math.max(0, grace));
    if (!marked.ok) return marked;
    if (grace > 0 || (pod.metadata.finalizers ?? []).length > 0) return { ok: true, object: marked.object, removed: false };
    this.store.remove(r, ns, pod.metadata.name);
    return { ok: true, object: marked.object, removed: true };
  }

  private deleteOther(r: ResourceInfo, current: KubeObject): DeleteResult {
    const ns = current.metadata.namespace;
    // A namespace is emptied by the namespace controller before it goes (spec.finalizers: kubernetes).
    if ((current.metadata.finalizers ?? []).length > 0 || r.kind === 'Namespace') {
      const marked = this.store.markDeleted(r, ns, current.metadata.name, 0);
      return marked.ok ? { ok: true, object: marked.object, removed: false } : marked;
    }
    const removed = this.store.remove(r, ns, current.metadata.name);
    return removed.ok ? { ok: true, object: removed.object, removed: true } : removed;
  }

  /** Shared tail of PUT and PATCH: keep what the main resource may not change, default, store. */
  private replace(r: ResourceInfo, obj: KubeObject, expectRv: string | undefined, opts: WriteOptions): StoreResult {
    const current = this.store.peek(r, obj.metadata.namespace, obj.metadata.name);
    if (current === undefined) return { ok: false, error: notFound(r, obj.metadata.name) };
    if (opts.subresource === 'status') {
      const next = cloneJson(current);
      next.status = obj.status;
      obj = next;
    } else if ('status' in current) {
      // The main resource ignores status changes; the status subresource owns them.
      obj.status = cloneJson(current.status);
    }
    obj.metadata.managedFields = cloneJson(current.metadata.managedFields);
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    if (r.kind !== 'Pod') applyDefaults(obj);
    recordManager(obj, opts.manager ?? 'unknown', this.store.clock.nowRfc3339(), opts.subresource === 'status' ? { subresource: 'status' } : {});
    const result = this.store.update(r, obj, { expectResourceVersion: expectRv });
    if (result.ok) this.afterWrite();
    return result;
  }
}
