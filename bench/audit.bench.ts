// audit.events_per_s: readAuditFile + AuditSummary over a 1 GB kube-apiserver audit log (JSON lines, level
// Metadata, as v1.28 writes them: mostly node lease renewals, controller lists and watches, ~0.1 % stale-token
// events, ~0.01 % legacy-token events and 401s, and near misses such as TokenReviews), file in the page cache;
// median of 3 runs. Goal >= 200,000.
// audit.grep_ratio: our time / `grep -c stale-token` on the same file (LC_ALL=C), medians of 3 runs interleaved
// with ours. Goal <= 2.
// audit.mb_per_s, audit.grep_mb_per_s: the same runs as throughput. audit.stale_events: events with the
// stale-token annotation we found (grep -c must agree). AUDIT_BYTES=<n> makes a smaller file for a quick look.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuditFile } from '../src/controlPlane/auditReader';
import { AuditSummary } from '../src/controlPlane/auditSummary';
import { grepCount, median, Random } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const TARGET_BYTES = Number(process.env.AUDIT_BYTES ?? 1_000_000_000);
const STALE_RATE = 0.001;
const RARE_RATE = 0.0001;
const RUNS = 3;

/** A uuid-shaped id from a counter: unique per line at the cost of a few string operations. */
function auditId(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `5f0c${h.slice(0, 4)}-4e1a-4c2b-9d3e-${h}`;
}

/** `2026-12-02T16:22:58.128529Z`, advancing with the line number. */
function microTime(startMs: number, n: number): string {
  return new Date(startMs + Math.floor(n / 40)).toISOString().replace('Z', `${String(n % 1000).padStart(3, '0')}Z`);
}

interface Template {
  /** The line before its auditID and after it, timestamps placed by the writer. */
  head: string;
  middle: string;
  tail: string;
}

const T0 = Date.parse('2026-12-02T00:00:00Z');
const NODES = Array.from({ length: 40 }, (_, i) => `node-${i}`);
const CONTROLLERS = [
  'replicaset-controller',
  'deployment-controller',
  'endpointslice-controller',
  'generic-garbage-collector',
  'namespace-controller',
  'job-controller',
];
const NAMESPACES = ['payments', 'db', 'ingress-apisix', 'monitoring', 'kube-system', 'ci', 'default'];

function userJson(username: string, groups: string[], extra?: Record<string, string[]>): string {
  return JSON.stringify({ username, uid: '244fe1a9-9865-4f6c-b03a-8a48147b5d47', groups, ...(extra !== undefined ? { extra } : {}) });
}

/** One event split around its auditID and timestamps. */
function template(p: {
  stage: string;
  uri: string;
  verb: string;
  user: string;
  ip: string;
  ua: string;
  ref: string;
  status?: string;
  annotations?: string;
}): Template {
  const head = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"';
  const middle = `","stage":"${p.stage}","requestURI":${JSON.stringify(p.uri)},"verb":"${p.verb}","user":${p.user},"sourceIPs":["${p.ip}"],"userAgent":${JSON.stringify(p.ua)},"objectRef":${p.ref}${p.status !== undefined ? `,"responseStatus":${p.status}` : ''},"requestReceivedTimestamp":"`;
  const tail = p.annotations !== undefined ? `,"annotations":${p.annotations}}` : '}';
  return { head, middle, tail };
}

function ordinaryTemplates(r: Random): Template[] {
  const out: Template[] = [];
  const allow = (reason: string): string => JSON.stringify({ 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': reason });
  for (let i = 0; i < 2048; i++) {
    const kind = r.int(10);
    const complete = r.int(2) === 1;
    const ok = complete ? '{"metadata":{},"code":200}' : undefined;
    if (kind < 4) {
      const node = r.pick(NODES);
      out.push(
        template({
          stage: complete ? 'ResponseComplete' : 'RequestReceived',
          uri: `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`,
          verb: 'update',
          user: userJson(`system:node:${node}`, ['system:nodes', 'system:authenticated'], {
            'authentication.kubernetes.io/credential-id': [`X509SHA256=${r.hex(64)}`],
          }),
          ip: `10.0.0.${r.int(250)}`,
          ua: 'kubelet/v1.28.7 (linux/amd64) kubernetes/c8dcb00',
          ref: `{"resource":"leases","namespace":"kube-node-lease","name":"${node}","uid":"${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}","apiGroup":"coordination.k8s.io","apiVersion":"v1","resourceVersion":"${r.int(1e7)}"}`,
          ...(complete ? { status: ok, annotations: allow('') } : {}),
        }),
      );
    } else if (kind < 7) {
      const controller = r.pick(CONTROLLERS);
      const ns = r.pick(NAMESPACES);
      const resource = r.pick(['pods', 'replicasets', 'endpointslices', 'events', 'configmaps']);
      out.push(
        template({
          stage: complete ? 'ResponseComplete' : 'RequestReceived',
          uri: `/api/v1/namespaces/${ns}/${resource}?limit=500&resourceVersion=0`,
          verb: 'list',
          user: userJson(`system:serviceaccount:kube-system:${controller}`, [
            'system:serviceaccounts',
            'system:serviceaccounts:kube-system',
            'system:authenticated',
          ]),
          ip: '127.0.0.1',
          ua: `kube-controller-manager/v1.28.7 (linux/amd64) kubernetes/c8dcb00/system:serviceaccount:kube-system:${controller}`,
          ref: `{"resource":"${resource}","namespace":"${ns}","apiVersion":"v1"}`,
          ...(complete
            ? {
                status: ok,
                annotations: allow(
                  `RBAC: allowed by ClusterRoleBinding "system:controller:${controller}" of ClusterRole "system:controller:${controller}" to ServiceAccount "${controller}/kube-system"`,
                ),
              }
            : {}),
        }),
      );
    } else if (kind < 9) {
      // A pod's projected token before its warnafter: user.extra names the pod, no annotation.
      const ns = r.pick(NAMESPACES);
      const pod = `api-${r.hex(10)}-${r.hex(5)}`;
      out.push(
        template({
          stage: complete ? 'ResponseComplete' : 'RequestReceived',
          uri: `/api/v1/namespaces/${ns}/configmaps/app-config`,
          verb: 'get',
          user: userJson(`system:serviceaccount:${ns}:api`, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], {
            'authentication.kubernetes.io/pod-name': [pod],
            'authentication.kubernetes.io/pod-uid': [`${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`],
          }),
          ip: `10.244.${r.int(255)}.${r.int(255)}`,
          ua: 'api/v0.0.0 (linux/amd64) kubernetes/$Format',
          ref: `{"resource":"configmaps","namespace":"${ns}","name":"app-config","apiVersion":"v1"}`,
          ...(complete ? { status: ok, annotations: allow(`RBAC: allowed by RoleBinding "api/${ns}" of Role "api" to ServiceAccount "api/${ns}"`) } : {}),
        }),
      );
    } else {
      // Near misses: a TokenReview (its URI and group name authentication.k8s.io) from a metrics proxy.
      out.push(
        template({
          stage: complete ? 'ResponseComplete' : 'RequestReceived',
          uri: '/apis/authentication.k8s.io/v1/tokenreviews',
          verb: 'create',
          user: userJson('system:serviceaccount:monitoring:kube-rbac-proxy', [
            'system:serviceaccounts',
            'system:serviceaccounts:monitoring',
            'system:authenticated',
          ]),
          ip: `10.244.${r.int(255)}.${r.int(255)}`,
          ua: 'kube-rbac-proxy/v0.15.0 (linux/amd64) kubernetes/$Format',
          ref: '{"resource":"tokenreviews","apiGroup":"authentication.k8s.io","apiVersion":"v1"}',
          ...(complete
            ? {
                status: '{"metadata":{},"code":201}',
                annotations: allow(
                  'RBAC: allowed by ClusterRoleBinding "kube-rbac-proxy" of ClusterRole "system:auth-delegator" to ServiceAccount "kube-rbac-proxy/monitoring"',
                ),
              }
            : {}),
        }),
      );
    }
  }
  return out;
}

function staleTemplates(r: Random): Template[] {
  return ['db:billing-db', 'ingress-apisix:apisix-internal', 'payments:ledger-sync'].flatMap((sa) => {
    const [ns = '', name = ''] = sa.split(':');
    const subject = `system:serviceaccount:${ns}:${name}`;
    const user = userJson(subject, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], {
      'authentication.kubernetes.io/pod-name': [`${name}-0`],
      'authentication.kubernetes.io/pod-uid': [`${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`],
    });
    const stale = { 'authentication.k8s.io/stale-token': `subject: ${subject}, seconds after warning threshold: ${1000 + r.int(1e7)}` };
    const base = {
      uri: `/api/v1/namespaces/${ns}/pods`,
      verb: 'list',
      user,
      ip: `10.244.${r.int(255)}.${r.int(255)}`,
      ua: 'Patroni/2.1.4 Python/3.10.6 Linux',
      ref: `{"resource":"pods","namespace":"${ns}","apiVersion":"v1"}`,
    };
    return [
      template({ ...base, stage: 'RequestReceived', annotations: JSON.stringify(stale) }),
      template({
        ...base,
        stage: 'ResponseComplete',
        status: '{"metadata":{},"code":200}',
        annotations: JSON.stringify({ ...stale, 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' }),
      }),
    ];
  });
}

function rareTemplates(): Template[] {
  return [
    template({
      stage: 'RequestReceived',
      uri: '/apis/apps/v1/namespaces/ci/deployments',
      verb: 'list',
      user: userJson('system:serviceaccount:ci:release-bot', ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']),
      ip: '10.244.7.7',
      ua: 'kubectl/v1.21.14 (linux/amd64) kubernetes/0f77da5',
      ref: '{"resource":"deployments","namespace":"ci","apiGroup":"apps","apiVersion":"v1"}',
      annotations: JSON.stringify({ 'authentication.k8s.io/legacy-token': 'system:serviceaccount:ci:release-bot' }),
    }),
    template({
      stage: 'ResponseStarted',
      uri: '/api/v1/namespaces/db/pods',
      verb: 'list',
      user: '{}',
      ip: '10.244.9.157',
      ua: 'Patroni/2.1.4 Python/3.10.6 Linux',
      ref: '{"resource":"pods","namespace":"db","apiVersion":"v1"}',
      status: '{"metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    }),
  ];
}

/** Writes ~TARGET_BYTES of audit lines; returns how many carry the stale-token annotation. */
export function writeAuditLog(path: string): number {
  const r = new Random(0xa0d17);
  const ordinary = ordinaryTemplates(r);
  const stale = staleTemplates(r);
  const rare = rareTemplates();
  const fd = openSync(path, 'w');
  let written = 0;
  let n = 0;
  let staleLines = 0;
  try {
    while (written < TARGET_BYTES) {
      let block = '';
      for (let i = 0; i < 4000; i++, n++) {
        const roll = r.next();
        const t = roll < STALE_RATE ? stale[n % stale.length] : roll < STALE_RATE + RARE_RATE ? rare[n % rare.length] : ordinary[r.int(ordinary.length)];
        if (t === undefined) continue;
        if (roll < STALE_RATE) staleLines++;
        const at = microTime(T0, n);
        block += `${t.head}${auditId(n)}${t.middle}${at}","stageTimestamp":"${at}"${t.tail}\n`;
      }
      written += writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
  return staleLines;
}

let cached: { dir: string; file: string; staleLines: number } | undefined;

function auditFile(): { file: string; staleLines: number } {
  if (cached === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
    const file = join(dir, 'audit.log');
    // Whatever happens, do not leave a gigabyte behind.
    process.once('exit', removeAuditFile);
    cached = { dir, file, staleLines: writeAuditLog(file) };
  }
  return cached;
}

function removeAuditFile(): void {
  if (cached !== undefined) rmSync(cached.dir, { recursive: true, force: true });
  cached = undefined;
}

async function ours(file: string): Promise<{ seconds: number; lines: number; staleEvents: number; stalePods: number }> {
  const start = process.hrtime.bigint();
  const summary = new AuditSummary();
  let staleEvents = 0;
  const stats = await readAuditFile(file, (e) => {
    if (e.staleToken !== undefined) staleEvents++;
    summary.add(e);
  });
  const stalePods = summary.result().stalePods.length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, lines: stats.lines, staleEvents, stalePods };
}

export async function run(report: Report): Promise<void> {
  try {
    const { file, staleLines } = auditFile();
    const megabytes = statSync(file).size / 1e6;
    await ours(file); // the page cache and the JIT
    const ourSeconds: number[] = [];
    const grepSeconds: number[] = [];
    let last = { lines: 0, staleEvents: 0, stalePods: 0 };
    let grepLines = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = await ours(file);
      const b = grepCount(file, ['stale-token']);
      ourSeconds.push(a.seconds);
      grepSeconds.push(b.seconds);
      last = a;
      grepLines = b.count;
    }
    if (last.staleEvents !== grepLines || last.staleEvents !== staleLines) {
      console.error(`audit: we found ${last.staleEvents} stale-token events, grep counted ${grepLines} lines, the generator wrote ${staleLines}`);
    }
    report('audit.events_per_s', last.lines / median(ourSeconds), 'events/s');
    report('audit.grep_ratio', median(ourSeconds) / median(grepSeconds), 'ratio');
    report('audit.mb_per_s', megabytes / median(ourSeconds), 'MB/s');
    report('audit.grep_mb_per_s', megabytes / median(grepSeconds), 'MB/s');
    report('audit.stale_events', last.staleEvents, 'events');
    report('audit.stale_pods', last.stalePods, 'pods');
  } finally {
    removeAuditFile();
  }
}
