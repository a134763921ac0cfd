// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which
// `kubectl get` asks for: the columns kube-apiserver prints for pods, deployments, claims and
// namespaces, and Name/Age for everything else.

import type { IncomingMessage } from 'node:http';
import type { KubeObject, Pod, Workload } from './types';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableBody {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: Column[];
  rows: { cells: unknown[]; object: unknown }[];
}

export function wantsTable(req: IncomingMessage): boolean {
  return /;\s*as=Table/.test(req.headers.accept ?? '');
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: name, priority });

/** `5m`, `3h`, `2d`: kubectl's short duration, computed from the cluster clock. */
export function shortAge(createdIso: string, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - Date.parse(createdIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 > 0 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function podRow(p: Pod, nowMs: number): unknown[] {
  const statuses = (p.status?.containerStatuses ?? []) as { ready?: boolean; restartCount?: number }[];
  const ready = statuses.filter((s) => s.ready === true).length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const phase = p.metadata.deletionTimestamp !== undefined ? 'Terminating' : String(p.status?.phase ?? 'Pending');
  return [
    p.metadata.name,
    `${ready}/${p.spec.containers.length}`,
    phase,
    restarts,
    shortAge(p.metadata.creationTimestamp, nowMs),
    p.status?.podIP ?? '<none>',
    p.spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function deploymentRow(d: Workload, nowMs: number): unknown[] {
  const s = (d.status ?? {}) as Record<string, number | undefined>;
  const containers = d.spec.template.spec.containers;
  return [
    d.metadata.name,
    `${s.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
    s.updatedReplicas ?? 0,
    s.availableReplicas ?? 0,
    shortAge(d.metadata.creationTimestamp, nowMs),
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image ?? '').join(','),
    Object.entries(d.spec.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  ];
}

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

/** kubectl's PVC row: a claim being deleted shows Terminating, whatever its phase. */
function claimRow(o: KubeObject, nowMs: number): unknown[] {
  const spec = (o.spec ?? {}) as { volumeName?: string; storageClassName?: string; volumeMode?: string; volumeAttributesClassName?: string };
  const status = (o.status ?? {}) as { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
  const phase = o.metadata.deletionTimestamp !== undefined ? 'Terminating' : (status.phase ?? 'Pending');
  return [
    o.metadata.name,
    phase,
    spec.volumeName ?? '',
    status.capacity?.storage ?? '',
    (status.accessModes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(','),
    spec.storageClassName ?? '<unset>',
    spec.volumeAttributesClassName ?? '<unset>',
    shortAge(o.metadata.creationTimestamp, nowMs),
    spec.volumeMode ?? '',
  ];
}

function printer(kind: string): { columns: Column[]; row: (o: KubeObject, nowMs: number) => unknown[] } {
  switch (kind) {
    case 'Pod':
      return {
        columns: [
          col('Name', 'string', 0, 'name'),
          col('Ready'),
          col('Status'),
          col('Restarts', 'string'),
          col('Age'),
          col('IP', 'string', 1),
          col('Node', 'string', 1),
          col('Nominated Node', 'string', 1),
          col('Readiness Gates', 'string', 1),
        ],
        row: (o, now) => podRow(o as Pod, now),
      };
    case 'Deployment':
      return {
        columns: [
          col('Name', 'string', 0, 'name'),
          col('Ready'),
          col('Up-to-date', 'integer'),
          col('Available', 'integer'),
          col('Age'),
          col('Containers', 'string', 1),
          col('Images', 'string', 1),
          col('Selector', 'string', 1),
        ],
        row: (o, now) => deploymentRow(o as Workload, now),
      };
    case 'Event':
      return {
        columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
        row: (o, now) => {
          const e = o as KubeObject & {
            type?: string;
            reason?: string;
            message?: string;
            lastTimestamp?: string;
            involvedObject?: { kind?: string; name?: string };
          };
          return [
            shortAge(e.lastTimestamp ?? e.metadata.creationTimestamp, now),
            e.type ?? '',
            e.reason ?? '',
            `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
            e.message ?? '',
          ];
        },
      };
    case 'PersistentVolumeClaim':
      return {
        columns: [
          col('Name', 'string', 0, 'name'),
          col('Status'),
          col('Volume'),
          col('Capacity'),
          col('Access Modes'),
          col('StorageClass'),
          col('VolumeAttributesClass'),
          col('Age'),
          col('VolumeMode', 'string', 1),
        ],
        row: (o, now) => claimRow(o, now),
      };
    case 'Namespace':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
        row: (o, now) => [
          o.metadata.name,
          String((o.status as { phase?: string } | undefined)?.phase ?? 'Active'),
          shortAge(o.metadata.creationTimestamp, now),
        ],
      };
    default:
      return { columns: [col('Name', 'string', 0, 'name'), col('Age')], row: (o, now) => [o.metadata.name, shortAge(o.metadata.creationTimestamp, now)] };
  }
}

function partialMetadata(o: KubeObject): Record<string, unknown> {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(kind: string, objects: KubeObject[], nowMs: number, listMeta: TableBody['metadata'] = {}): TableBody {
  const p = printer(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: p.columns,
    rows: objects.map((o) => ({ cells: p.row(o, nowMs), object: partialMetadata(o) })),
  };
}
