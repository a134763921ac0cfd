// The audit log on a control-plane node, read the way `kubectl debug node/<name>` reads a node's files:
// the kube-apiserver's own image has no shell to exec into, so a short-lived pod is put on that node with
// the audit folder mounted read-only from the host, its files are read over pods/exec, and the pod is
// deleted again, whatever happened in between. Where the file is comes from the apiserver's static pod:
// its `--audit-log-path` flag and the hostPath volume that holds that path (kubeadm, kind and minikube
// all run the apiserver so).
import * as l10n from '@vscode/l10n';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from '../../shared/values';
import type { ApiClients } from '../auth/apiClient';
import { classifyResponse, clusterError } from '../errors';
import { execRun } from '../live/execSocket';
import { podPath } from './pods';
import { type ActionResult, enc, failed, field, type Json, requestJson, str, strings, succeeded } from './result';

/** What the reader pods carry, so that one left behind can be found: `kubectl get pods -l app.kubernetes.io/managed-by=cluster-credentials`. */
export const READER_LABELS = { 'app.kubernetes.io/managed-by': 'cluster-credentials', 'app.kubernetes.io/component': 'audit-reader' } as const;
/** Where the reader pod sees the node's audit folder. */
const MOUNT_AT = '/audit';
/** The reader pod ends itself after this even if nothing deletes it (the extension host could be killed). */
const READER_DEADLINE_SECONDS = 600;
const READER_CONTAINER = 'reader';

export interface AuditLocation {
  /** The apiserver's static pod in kube-system. */
  apiserverPod: string;
  node: string;
  /** `--audit-log-path` as the apiserver sees it. */
  containerPath: string;
  /** The same file on the node. */
  nodePath: string;
  /** Its folder on the node, which the reader mounts. */
  nodeDir: string;
  /** The active file's name; its rotated backups are `<base>-<time><ext>` beside it. */
  fileName: string;
}

/** An apiserver whose audit log cannot be read from its node, and why, in words. */
export interface AuditLocationProblem {
  apiserverPod: string;
  node?: string;
  reason: string;
}

/** The value of `--flag=value` or `--flag value` in an argument list; the last one wins, as Go's flag package has it. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    else if (a === flag && i + 1 < args.length) value = args[++i];
  }
  return value;
}

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** Where one apiserver pod writes its audit log on its node, or why that cannot be read. */
export function auditLocationOf(pod: Json): AuditLocation | AuditLocationProblem {
  const apiserverPod = str(field(pod, 'metadata', 'name')) ?? l10n.t('(unnamed)');
  const node = str(field(pod, 'spec', 'nodeName'));
  const problem = (reason: string): AuditLocationProblem => ({ apiserverPod, ...(node !== undefined ? { node } : {}), reason });
  if (node === undefined || node === '') return problem(l10n.t('it runs on no node yet'));
  const containers: unknown = field(pod, 'spec', 'containers');
  const container: unknown = Array.isArray(containers)
    ? containers.find((c) => isRecord(c) && (c.name === 'kube-apiserver' || strings(c.command).some((a) => a.endsWith('kube-apiserver'))))
    : undefined;
  if (!isRecord(container)) return problem(l10n.t('it has no kube-apiserver container'));
  const args = [...strings(container.command), ...strings(container.args)];
  const path = flagValue(args, '--audit-log-path');
  if (path === undefined || path === '') {
    return problem(
      l10n.t('audit logging to a file is off (the apiserver has no --audit-log-path flag); see "Before the 401s" in the README for how to turn it on'),
    );
  }
  if (path === '-') {
    return problem(
      l10n.t("the audit log goes to the apiserver's own output (--audit-log-path=-), not to a file on the node: read it from the pod's log instead"),
    );
  }
  if (!path.startsWith('/')) return problem(l10n.t('--audit-log-path is the relative path {0}, which cannot be found on the node', path));
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts.filter(isRecord) : [];
  const volumes: unknown = field(pod, 'spec', 'volumes');
  let best: { mountPath: string; hostDir: string } | undefined;
  for (const m of mounts) {
    const mountPath = trimSlash(str(m.mountPath) ?? '');
    if (mountPath === '' || !(path === mountPath || path.startsWith(mountPath === '/' ? '/' : `${mountPath}/`))) continue;
    const volume: unknown = Array.isArray(volumes) ? volumes.find((v) => isRecord(v) && v.name === m.name) : undefined;
    const hostDir = str(field(volume, 'hostPath', 'path'));
    if (hostDir !== undefined && (best === undefined || mountPath.length > best.mountPath.length)) best = { mountPath, hostDir: trimSlash(hostDir) };
  }
  if (best === undefined) return problem(l10n.t('{0} is not on a hostPath volume: it lives in the container only and cannot be read from the node', path));
  const rest = path.slice(best.mountPath === '/' ? 0 : best.mountPath.length);
  const nodePath = best.hostDir === '/' ? rest : `${best.hostDir}${rest}`;
  const cut = nodePath.lastIndexOf('/');
  return { apiserverPod, node, containerPath: path, nodePath, nodeDir: cut <= 0 ? '/' : nodePath.slice(0, cut), fileName: nodePath.slice(cut + 1) };
}

export function isAuditLocation(v: AuditLocation | AuditLocationProblem): v is AuditLocation {
  return 'nodePath' in v;
}

/** The apiserver static pods of kube-system (label `component=kube-apiserver`, as kubeadm, kind and minikube label them), each with where its audit log is. */
export async function findAuditLocations(api: ApiClients, signal?: AbortSignal): Promise<ActionResult<(AuditLocation | AuditLocationProblem)[]>> {
  const res = await requestJson(api, `${podPath('kube-system')}?labelSelector=${enc('component=kube-apiserver')}`, {
    ...(signal ? { signal } : {}),
    about: { verb: 'list', resource: 'pods', namespace: 'kube-system' },
  });
  if (!res.ok) return res;
  const items = Array.isArray(res.value.body.items) ? res.value.body.items.filter(isRecord) : [];
  return succeeded(items.map(auditLocationOf).sort((a, b) => a.apiserverPod.localeCompare(b.apiserverPod)));
}

/** The reader pod: on the node, tolerating its taints, the audit folder mounted read-only, nothing else of the host. */
export function readerPodManifest(loc: AuditLocation, image: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'cluster-credentials-audit-reader-', labels: { ...READER_LABELS } },
    spec: {
      nodeName: loc.node,
      restartPolicy: 'Never',
      activeDeadlineSeconds: READER_DEADLINE_SECONDS,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      // A control-plane node is tainted NoSchedule; the reader is bound to it by name and must not be turned away.
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: READER_CONTAINER,
          image,
          command: ['sleep', String(READER_DEADLINE_SECONDS)],
          volumeMounts: [{ name: 'audit', mountPath: MOUNT_AT, readOnly: true }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } },
        },
      ],
      volumes: [{ name: 'audit', hostPath: { path: loc.nodeDir, type: 'Directory' } }],
    },
  };
}

/** The audit files of a folder listing to read, newest first: the active file, then its backups by their time. gzipped ones are left out. */
export function filesToRead(names: readonly string[], activeName: string): string[] {
  const dot = activeName.lastIndexOf('.');
  const base = dot > 0 ? activeName.slice(0, dot) : activeName;
  const ext = dot > 0 ? activeName.slice(dot) : '';
  const backups = names.filter((n) => n !== activeName && n.startsWith(`${base}-`) && n.endsWith(ext) && !n.endsWith('.gz')).sort((a, b) => b.localeCompare(a));
  return [...(names.includes(activeName) ? [activeName] : []), ...backups];
}

export type NodeAuditStage = 'creating' | 'waitingForStart' | 'reading' | 'deleting';

export interface NodeAuditOptions {
  namespace: string;
  image: string;
  /** At most this many bytes are read, newest first. */
  maxBytes: number;
  /** Where each file's bytes go, newest file first; `end` after its last chunk. */
  sink: (fileName: string) => Writable;
  signal?: AbortSignal;
  onStage?: (stage: NodeAuditStage, detail?: string) => void;
  /** How long the reader may take to start (image pull included). */
  startTimeoutMs?: number;
  /** How long one file's read may take. */
  readTimeoutMs?: number;
  pollMs?: number;
}

export interface NodeAuditRead {
  readerPod: string;
  files: { name: string; bytes: number }[];
  /** Files there was no budget left for, or gzipped backups. */
  skipped: string[];
  /** The budget ran out: the oldest part read was cut at its start. */
  truncated: boolean;
  /** Set when the reader pod could not be deleted: the user should delete it. */
  leftBehind?: string;
}

/** Creates the reader pod, reads the audit files through it, and deletes it again in every case. */
export async function readNodeAudit(api: ApiClients, loc: AuditLocation, o: NodeAuditOptions): Promise<ActionResult<NodeAuditRead>> {
  o.onStage?.('creating');
  const created = await requestJson(api, podPath(o.namespace), {
    method: 'POST',
    body: readerPodManifest(loc, o.image),
    ...(o.signal ? { signal: o.signal } : {}),
    about: { verb: 'create', resource: 'pods', namespace: o.namespace },
  });
  if (!created.ok) return created;
  const name = str(field(created.value.body, 'metadata', 'name'));
  if (name === undefined) return failed(clusterError({ kind: 'unknown', message: l10n.t('the cluster created the reader pod but did not say its name') }));
  let outcome: ActionResult<NodeAuditRead>;
  try {
    outcome = await readThrough(api, loc, name, o);
  } catch (err) {
    outcome = failed(api.classify(err, { verb: 'create', resource: 'pods/exec', namespace: o.namespace, name }));
  }
  o.onStage?.('deleting', name);
  const leftBehind = await deleteReader(api, o.namespace, name);
  if (leftBehind === undefined) return outcome;
  if (outcome.ok) return succeeded({ ...outcome.value, leftBehind });
  return failed({ ...outcome.error, message: l10n.t('{0}; {1}', outcome.error.message, leftBehind) });
}

async function readThrough(api: ApiClients, loc: AuditLocation, name: string, o: NodeAuditOptions): Promise<ActionResult<NodeAuditRead>> {
  o.onStage?.('waitingForStart', name);
  const started = await waitRunning(api, o.namespace, name, o);
  if (!started.ok) return started;
  o.onStage?.('reading', name);
  const target = { namespace: o.namespace, pod: name, container: READER_CONTAINER };
  const listing = await capture(api, target, ['ls', MOUNT_AT], o);
  if (!listing.ok) return listing;
  const names = listing.value
    .split('\n')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (!names.includes(loc.fileName)) {
    return failed(
      clusterError({
        kind: 'notFound',
        message: l10n.t(
          '{0} is not on node {1} (its folder holds {2} other file(s)); has the apiserver written an audit event yet?',
          loc.nodePath,
          loc.node,
          names.length,
        ),
      }),
    );
  }
  const order = filesToRead(names, loc.fileName);
  const read: NodeAuditRead = { readerPod: name, files: [], skipped: names.filter((n) => n.endsWith('.gz')), truncated: false };
  let left = o.maxBytes;
  for (const file of order) {
    if (left <= 0) {
      read.skipped.push(file);
      continue;
    }
    const sink = o.sink(file);
    let bytes = 0;
    const counting = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        sink.write(chunk, cb);
      },
      final(cb) {
        sink.end(cb);
      },
    });
    const done = await run(api, target, ['tail', '-c', String(left), `${MOUNT_AT}/${file}`], counting, o);
    counting.end();
    if (!done.ok) return done;
    read.files.push({ name: file, bytes });
    if (bytes >= left) read.truncated = true;
    left -= bytes;
  }
  return succeeded(read);
}

async function waitRunning(api: ApiClients, namespace: string, name: string, o: NodeAuditOptions): Promise<ActionResult<void>> {
  const deadline = Date.now() + (o.startTimeoutMs ?? 120_000);
  for (;;) {
    const got = await requestJson(api, podPath(namespace, name), {
      ...(o.signal ? { signal: o.signal } : {}),
      about: { verb: 'get', resource: 'pods', namespace, name },
    });
    if (!got.ok) return got;
    const phase = str(field(got.value.body, 'status', 'phase'));
    if (phase === 'Running') return succeeded(undefined);
    const waiting = waitingReason(got.value.body);
    if (phase === 'Failed' || phase === 'Succeeded') {
      return failed(
        clusterError({
          kind: 'unknown',
          message: waiting
            ? l10n.t('the reader pod {0}/{1} ended ({2}: {3}) before it could read anything', namespace, name, phase, waiting)
            : l10n.t('the reader pod {0}/{1} ended ({2}) before it could read anything', namespace, name, phase),
        }),
      );
    }
    if (Date.now() >= deadline) {
      return failed(
        clusterError({
          kind: 'unknown',
          message: waiting
            ? l10n.t(
                'the reader pod {0}/{1} did not start on node in time (still {2}: {3}); check that node can pull the image',
                namespace,
                name,
                phase ?? 'Pending',
                waiting,
              )
            : l10n.t(
                'the reader pod {0}/{1} did not start on node in time (still {2}); check that node can pull the image',
                namespace,
                name,
                phase ?? 'Pending',
              ),
        }),
      );
    }
    try {
      await sleep(o.pollMs ?? 1000, undefined, o.signal ? { signal: o.signal } : undefined);
    } catch {
      return failed(clusterError({ kind: 'unknown', message: l10n.t('reading the node audit log was cancelled') }));
    }
  }
}

/** Why the reader's container waits ("ErrImagePull: …"), in the kubelet's words. */
function waitingReason(pod: Json): string | undefined {
  const statuses = field(pod, 'status', 'containerStatuses');
  if (!Array.isArray(statuses)) return undefined;
  for (const s of statuses) {
    const reason = str(field(s, 'state', 'waiting', 'reason'));
    if (reason !== undefined) {
      const message = str(field(s, 'state', 'waiting', 'message'));
      return message ? `${reason}: ${message.slice(0, 200)}` : reason;
    }
  }
  return undefined;
}

async function run(
  api: ApiClients,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  stdout: Writable,
  o: NodeAuditOptions,
): Promise<ActionResult<void>> {
  const stderr: Buffer[] = [];
  const errStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (stderr.reduce((n, b) => n + b.length, 0) < 4096) stderr.push(Buffer.from(chunk));
      cb();
    },
  });
  const status = await execRun(api, target, command, {
    stdout,
    stderr: errStream,
    timeoutMs: o.readTimeoutMs ?? 300_000,
    ...(o.signal ? { signal: o.signal } : {}),
    what: `reading ${command.at(-1) ?? ''} on the node`,
  });
  if (status?.status === 'Success') return succeeded(undefined);
  const said = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
  if (status?.code !== undefined && status.code >= 400) return failed(classifyResponse(status.code, status, { verb: 'create', resource: 'pods/exec' }));
  return failed(
    clusterError({ kind: 'unknown', message: l10n.t('{0} in the reader pod failed: {1}', command.join(' '), said || status?.message || l10n.t('no status')) }),
  );
}

async function capture(
  api: ApiClients,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  o: NodeAuditOptions,
): Promise<ActionResult<string>> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  const done = await run(api, target, command, out, o);
  return done.ok ? succeeded(Buffer.concat(chunks).toString('utf8')) : done;
}

/** Deletes the reader now; undefined once it is gone, else the sentence that tells the user to delete it. */
async function deleteReader(api: ApiClients, namespace: string, name: string): Promise<string | undefined> {
  const res = await requestJson(api, `${podPath(namespace, name)}?gracePeriodSeconds=0`, {
    method: 'DELETE',
    about: { verb: 'delete', resource: 'pods', namespace, name },
  });
  if (res.ok || res.error.kind === 'notFound') return undefined;
  return l10n.t(
    'the reader pod {0}/{1} could not be deleted ({2}); delete it with kubectl delete pod -n {0} {1} (it stops by itself within {3} minutes)',
    namespace,
    name,
    res.error.message,
    READER_DEADLINE_SECONDS / 60,
  );
}
