// Reading pods and their controller owner: what restart and rollout restart start from.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../auth/apiClient';
import { answerDetail, clusterError } from '../errors';
import { isRecord } from '../../shared/values';
import { type ActionResult, type Json, enc, failed, field, requestJson, str, succeeded } from './result';

export interface PodTarget {
  namespace: string;
  name: string;
  /** When given, the pod must still be this one (a StatefulSet pod comes back under the same name). */
  uid?: string;
}

export interface ControllerOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface PodSummary {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  owner?: ControllerOwner;
  nodeName?: string;
  phase?: string;
  /** Has a deletionTimestamp. */
  terminating: boolean;
}

export function controllerOwnerOf(meta: unknown): ControllerOwner | undefined {
  const refs = field(meta, 'ownerReferences');
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (!isRecord(r) || r.controller !== true) continue;
    const kind = str(r.kind);
    const name = str(r.name);
    const uid = str(r.uid);
    if (kind && name && uid) return { apiVersion: str(r.apiVersion) ?? '', kind, name, uid };
  }
  return undefined;
}

export function podSummaryOf(pod: Json): PodSummary | undefined {
  const meta = pod.metadata;
  const namespace = str(field(meta, 'namespace'));
  const name = str(field(meta, 'name'));
  const uid = str(field(meta, 'uid'));
  if (!namespace || !name || !uid) return undefined;
  const out: PodSummary = {
    namespace,
    name,
    uid,
    serviceAccount: str(field(pod, 'spec', 'serviceAccountName')) ?? 'default',
    terminating: field(meta, 'deletionTimestamp') !== undefined && field(meta, 'deletionTimestamp') !== null,
  };
  const owner = controllerOwnerOf(meta);
  if (owner) out.owner = owner;
  const nodeName = str(field(pod, 'spec', 'nodeName'));
  if (nodeName) out.nodeName = nodeName;
  const phase = str(field(pod, 'status', 'phase'));
  if (phase) out.phase = phase;
  return out;
}

export function podPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${enc(namespace)}/pods${name === undefined ? '' : `/${enc(name)}`}`;
}

export async function getPod(api: ApiClients, target: PodTarget, signal?: AbortSignal): Promise<ActionResult<PodSummary>> {
  const res = await requestJson(api, podPath(target.namespace, target.name), {
    ...(signal ? { signal } : {}),
    about: { verb: 'get', resource: 'pods', namespace: target.namespace, name: target.name },
  });
  if (!res.ok) return res;
  const pod = podSummaryOf(res.value.body);
  if (!pod) {
    return failed(
      clusterError({
        kind: 'unknown',
        message: l10n.t("the cluster's answer for pod {0}/{1} has no name or uid; refresh the view and try again", target.namespace, target.name),
        detail: answerDetail(res.value.body),
      }),
    );
  }
  if (target.uid !== undefined && target.uid !== pod.uid) {
    return failed({
      kind: 'conflict',
      namespace: target.namespace,
      message: l10n.t(
        'pod {0}/{1} is no longer the pod you chose: it was replaced by a new one with the same name; refresh the view and choose it again',
        target.namespace,
        target.name,
      ),
    });
  }
  return succeeded(pod);
}

/** Every pod of a namespace (or of all namespaces when it is undefined), in pages. */
export async function listPods(api: ApiClients, namespace: string | undefined, signal?: AbortSignal): Promise<ActionResult<PodSummary[]>> {
  const out: PodSummary[] = [];
  let cont: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500' });
    if (cont) query.set('continue', cont);
    const base = namespace === undefined ? '/api/v1/pods' : podPath(namespace);
    const res = await requestJson(api, `${base}?${query.toString()}`, {
      ...(signal ? { signal } : {}),
      about: { verb: 'list', resource: 'pods', ...(namespace !== undefined ? { namespace } : {}) },
    });
    if (!res.ok) return res;
    const items = res.value.body.items;
    if (Array.isArray(items)) {
      for (const item of items) {
        const pod = isRecord(item) ? podSummaryOf(item) : undefined;
        if (pod) out.push(pod);
      }
    }
    cont = str(field(res.value.body, 'metadata', 'continue')) || undefined;
  } while (cont);
  return succeeded(out);
}
