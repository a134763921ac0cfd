// Core v1 Events the controllers and kubelets record, with the same-event dedup
// (count and lastTimestamp) that client-go's event recorder does.

import { randomBytes } from 'node:crypto';
import { R } from './resources';
import type { Store } from './store';
import { recordManager } from './managedFields';
import type { KubeObject } from './types';

export interface EventRecorder {
  record(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void;
  /** Bulk scenario builds switch events off; 10,000 pods do not need 50,000 events. */
  enabled: boolean;
}

export function createEventRecorder(store: Store): EventRecorder {
  const events = R.events;
  const recent = new Map<string, string>();
  const recorder: EventRecorder = {
    enabled: true,
    record(involved, type, reason, message, component, host) {
      if (!recorder.enabled) return;
      const ns = involved.metadata.namespace ?? 'default';
      const now = store.clock.nowRfc3339();
      const dedupKey = `${involved.metadata.uid}|${type}|${reason}|${message}|${component}`;
      const existingName = recent.get(dedupKey);
      const existing = existingName === undefined ? undefined : store.get(events, ns, existingName);
      if (existing !== undefined) {
        existing.count = Number(existing.count ?? 1) + 1;
        existing.lastTimestamp = now;
        store.update(events, existing);
        return;
      }
      const source: Record<string, string> = { component };
      if (host !== undefined) source.host = host;
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`,
          namespace: ns,
          uid: '',
          resourceVersion: '',
          creationTimestamp: '',
        },
        involvedObject: {
          kind: involved.kind,
          namespace: involved.metadata.namespace,
          name: involved.metadata.name,
          uid: involved.metadata.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        source,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: host ?? '',
      };
      recordManager(event, component === 'kubelet' ? 'kubelet' : component === 'default-scheduler' ? 'kube-scheduler' : 'kube-controller-manager', now);
      const created = store.create(events, event);
      if (created.ok) recent.set(dedupKey, created.object.metadata.name);
    },
  };
  return recorder;
}
