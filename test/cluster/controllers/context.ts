// What every controller gets: the store to read, the API to write through, and the
// cluster's clock, event recorder, token issuer and kubelets.

import type { Clock } from '../clock';
import { jsonEqual } from '../json';
import { recordManager } from '../managedFields';
import type { ResourceInfo } from '../resources';
import type { StoreResult } from '../store';
import type { EventRecorder } from '../events';
import type { ObjectApi } from '../objectApi';
import type { PodLogs } from '../podLogs';
import type { Store } from '../store';
import type { TokenIssuer } from '../tokenIssuer';
import type { KubeObject, OwnerReference } from '../types';
import type { KubeletFleet } from './kubeletFleet';

export interface ControllerContext {
  store: Store;
  api: ObjectApi;
  clock: Clock;
  events: EventRecorder;
  issuer: TokenIssuer;
  /** PEM of the cluster CA, published as kube-root-ca.crt and in legacy token Secrets. */
  caPem: string;
  kubelets: KubeletFleet;
  logs: PodLogs;
  options: {
    /** Assign unscheduled pods to a Node (off to reproduce the recorded control-plane-only cluster). */
    scheduler: boolean;
    /** Run pods on their Node: status, logs, tokens, termination. */
    kubelet: boolean;
  };
}

export interface Controller {
  readonly name: string;
  /**
   * The resources whose changes it reacts to (creates refused by admission count the namespaces
   * and service accounts it reads): a pass where none changed skips it, which 150,000 pods need.
   * Without, it runs at every pass, as the kubelets do to follow the clock.
   */
  readonly reads?: readonly ResourceInfo[];
  /** One level-triggered pass over the objects this controller owns. */
  sync(ctx: ControllerContext): void;
}

export const CONTROLLER_MANAGER = 'kube-controller-manager';

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function controllerUid(o: KubeObject): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

/** Group objects by their controller's uid, in one pass. */
export function byController(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const uid = controllerUid(o);
    if (uid === undefined) continue;
    const list = out.get(uid);
    if (list === undefined) out.set(uid, [o]);
    else list.push(o);
  }
  return out;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash / controller-revision-hash: FNV-1a of the template, safely encoded. */
export function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  const text = stableJson(template);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/**
 * Which owners needed nothing at their last sync, and with which owned objects. Snapshots never
 * change in place, so an owner and owned objects that are the very same snapshots need nothing
 * again: tens of thousands of settled Deployments cost a lookup each per pass.
 */
export class SettledOwners {
  private readonly settled = new WeakMap<KubeObject, readonly KubeObject[]>();

  /** Whether `owner` settled last time with exactly these `owned` snapshots, in this order. */
  has(owner: KubeObject, owned: readonly KubeObject[]): boolean {
    const last = this.settled.get(owner);
    return last !== undefined && last.length === owned.length && last.every((o, i) => o === owned[i]);
  }

  /** Remember the sync's verdict: settled (nothing to do), or not (check again next pass). */
  record(owner: KubeObject, owned: readonly KubeObject[], settled: boolean): void {
    if (settled) this.settled.set(owner, owned);
    else this.settled.delete(owner);
  }
}

/** Write only when something changed, so passes converge. */
export function sameJson(a: unknown, b: unknown): boolean {
  return jsonEqual(a, b);
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Write a controller's change, recorded in managedFields under its manager (and subresource). */
export function writeAs<T extends KubeObject>(ctx: ControllerContext, r: ResourceInfo, obj: T, manager: string, subresource?: 'status'): StoreResult<T> {
  recordManager(obj, manager, ctx.clock.nowRfc3339(), subresource !== undefined ? { subresource } : {});
  return ctx.store.update(r, obj);
}
