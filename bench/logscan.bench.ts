// logscan.mb_per_s: StreamScanner with the default patterns over 1 GB of synthetic pod logs (every line
// with the `kubectl logs --timestamps` prefix; 0.1 % lines to report, 2 % near misses such as
// `authorized` or `4010 items`), read from a file in 64 KiB chunks; median of 3 runs, file in the page cache.
// logscan.grep_mb_per_s: `grep -ciE` with the same patterns as one ERE, same file (LC_ALL=C, grep's
// fastest mode); median of 3 runs interleaved with ours.
// logscan.grep_ratio: ours / grep's throughput. logscan.matching_lines: lines reported (grep -c must agree).
// LOGSCAN_BYTES=<n> makes a smaller file for a quick look.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePatterns, DEFAULT_PATTERNS, StreamScanner } from '../src/logs/index';
import { grepCount, median, Random } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const TARGET_BYTES = Number(process.env.LOGSCAN_BYTES ?? 1_000_000_000);
const MATCH_RATE = 0.001;
const NEAR_MISS_RATE = 0.02;
// Node's fs.createReadStream default: the size of the chunks a followed log arrives in.
const CHUNK = 64 * 1024;
const RUNS = 3;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Random identifiers, drawn once: building them per line would dominate the generation time. */
class Ids {
  readonly hex16: string[] = [];
  readonly uuids: string[] = [];
  readonly pods: string[] = [];
  constructor(r: Random) {
    for (let i = 0; i < 4096; i++) {
      this.hex16.push(r.hex(16));
      this.uuids.push(`${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`);
      this.pods.push(`${r.pick(['api', 'worker', 'apisix', 'patroni', 'vault-client'])}-${r.hex(9)}-${r.hex(5)}`);
    }
  }
}

const NAMESPACES = ['payments', 'gateway', 'db', 'kube-system', 'monitoring'];

/** Lines as pods really print them. */
function healthyLine(r: Random, ids: Ids, hhmmss: string): string {
  const pod = r.pick(ids.pods);
  switch (r.int(10)) {
    case 0:
    case 1:
      return `10.244.${r.int(255)}.${r.int(255)} - - [22/Nov/2026:${hhmmss} +0000] "${r.pick(['GET', 'POST', 'PUT'])} /api/v1/orders/${r.int(1e6)} HTTP/1.1" ${r.pick([200, 200, 200, 201, 204, 304, 404, 403, 500])} ${r.int(40000)} "-" "${r.pick(['Go-http-client/1.1', 'kube-probe/1.32', 'curl/8.5.0'])}" ${r.int(900)} ${(r.next() * 2).toFixed(3)}`;
    case 2:
    case 3:
      return `{"level":"${r.pick(['info', 'info', 'debug', 'warn'])}","ts":1795318${r.int(999999)}.${r.int(999)},"logger":"controller-runtime.${r.pick(['deployment', 'pod', 'secret'])}","msg":"${r.pick(['Reconciling', 'Reconcile done', 'Starting workers'])}","namespace":"${r.pick(NAMESPACES)}","name":"${pod}","reconcileID":"${r.pick(ids.uuids)}"}`;
    case 4:
      return `I1122 ${hhmmss}.${r.int(999999)}       1 reflector.go:${r.int(900)}] Caches populated for *v1.${r.pick(['Pod', 'Secret', 'ServiceAccount'])} from k8s.io/client-go/informers/factory.go:${r.int(200)}`;
    case 5:
      return `2026-11-22 ${hhmmss},${r.int(999)} INFO: no action. I am (patroni-${r.int(3)}), the leader with the lock`;
    case 6:
      return `2026-11-22 ${hhmmss}.${r.int(999)}  INFO 1 --- [nio-8080-exec-${r.int(20)}] c.e.payments.OrderController : order ${r.int(1e7)} accepted, ${r.int(50)} lines, total ${r.int(900)}.${pad2(r.int(100))} EUR`;
    case 7:
      return `time="2026-11-22T${hhmmss}Z" level=${r.pick(['info', 'debug'])} msg="finished call" grpc.code=OK grpc.method=${r.pick(['Check', 'Watch', 'List'])} code=200 duration=${r.int(500)}.${r.int(99)}ms`;
    case 8:
      return `[2026-11-22T${hhmmss}.${r.int(999)}Z] "POST /payments.v1.Orders/Create HTTP/2" 200 - via_upstream - "-" ${r.int(4000)} ${r.int(900)} ${r.int(40)} ${r.int(40)} "${r.int(255)}.${r.int(255)}.0.1" "grpc-go/1.62.1" "${r.pick(ids.hex16)}" "orders:8443"`;
    default:
      return `2026-11-22 ${hhmmss}.${r.int(999)} UTC [${r.int(9999)}] LOG:  checkpoint complete: wrote ${r.int(5000)} buffers (${r.int(9)}.${r.int(9)}%); 0 WAL file(s) added, ${r.int(3)} removed; write=${r.int(40)}.${r.int(999)} s`;
  }
}

/** Lines a 401 scanner must not report although they come close (2 % of lines). */
function nearMissLine(r: Random, ids: Ids, hhmmss: string): string {
  switch (r.int(6)) {
    case 0:
      return `2026-11-22 ${hhmmss}.${r.int(999)}  INFO 1 --- [nio-8080-exec-${r.int(20)}] c.e.payments.OrderController : order ${r.int(1e7)} authorized, 4010 items`;
    case 1:
      return `level=debug msg="cache entry expired" key=session:${r.pick(ids.hex16)} ttl=${r.int(3600)}s authorized=true`;
    case 2:
      return `{"level":"info","msg":"token refreshed","serviceAccount":"payments/api","expiresIn":"${r.int(3607)}s","status":200}`;
    case 3:
      return `2026-11-22 ${hhmmss}.${r.int(999)} UTC [${r.int(9999)}] LOG:  checkpoint complete: wrote 401 buffers (2.4%); 0 WAL file(s) added`;
    case 4:
      return `Synced ${r.pick(NAMESPACES)}/${r.pick(ids.pods)}: certificate valid until 2027-11-22, token renewed, next check in ${r.int(60)}m`;
    default:
      return `I1122 ${hhmmss}.${r.int(999999)}       1 authorizer.go:${r.int(400)}] request authorized for system:serviceaccount:${r.pick(NAMESPACES)}:default (status 200, took 401ms)`;
  }
}

function unauthorizedLine(r: Random, hhmmss: string): string {
  switch (r.int(9)) {
    case 0:
      return `2026/11/22 ${hhmmss} [error] 44#44: *${r.int(99)} [lua] informer_factory.lua:295: list failed, kind: Endpoints, reason: Unauthorized, message : {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`;
    case 1:
      return `kubernetes.client.exceptions.ApiException: (401) Reason: Unauthorized`;
    case 2:
      return `error: You must be logged in to the server (Unauthorized)`;
    case 3:
      return `E1122 ${hhmmss}.${r.int(999999)}       1 reflector.go:147] failed to list *v1.Pod: x509: certificate has expired or is not yet valid: current time 2026-11-22T${hhmmss}Z is after 2026-11-21T00:00:00Z`;
    case 4:
      return `10.244.${r.int(255)}.${r.int(255)} - - [22/Nov/2026:${hhmmss} +0000] "GET /api/v1/orders HTTP/1.1" 401 12 "-" "curl/8.5.0"`;
    case 5:
      return `{"level":"error","msg":"request failed","status":401,"error":"invalid bearer token"}`;
    case 6:
      return `2026-11-22T${hhmmss}.000Z [multus] [error] Multus: error getting pod: Unauthorized`;
    case 7:
      return `level=error msg="watch failed" err="service account token has been invalidated"`;
    default:
      return `time="2026-11-22T${hhmmss}Z" level=error msg="token has expired" code=401`;
  }
}

/** Writes ~1 GB of log lines, each with the `kubectl logs --timestamps` prefix. */
export function writeLogFile(path: string): void {
  const r = new Random(0x5eed);
  const ids = new Ids(r);
  const fd = openSync(path, 'w');
  let written = 0;
  let second = -1;
  let hhmmss = '';
  let prefix = '';
  try {
    while (written < TARGET_BYTES) {
      let block = '';
      for (let i = 0; i < 20000; i++) {
        if (second < 0 || r.int(8) === 0) {
          second++;
          hhmmss = `${pad2(3 + (Math.floor(second / 3600) % 20))}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}`;
          prefix = `2026-11-22T${hhmmss}.`;
        }
        const roll = r.next();
        const line =
          roll < MATCH_RATE ? unauthorizedLine(r, hhmmss) : roll < MATCH_RATE + NEAR_MISS_RATE ? nearMissLine(r, ids, hhmmss) : healthyLine(r, ids, hhmmss);
        // Nine digits of nanoseconds, as kubectl prints them.
        block += `${prefix}${100_000_000 + r.int(900_000_000)}Z ${line}\n`;
      }
      written += writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
}

let cached: { dir: string; file: string } | undefined;

function logFile(): string {
  if (!cached) {
    const dir = mkdtempSync(join(tmpdir(), 'logscan-bench-'));
    cached = { dir, file: join(dir, 'pods.log') };
    // Whatever happens, do not leave a gigabyte behind.
    process.once('exit', removeLogFile);
    writeLogFile(cached.file);
  }
  return cached.file;
}

function removeLogFile(): void {
  if (cached) rmSync(cached.dir, { recursive: true, force: true });
  cached = undefined;
}

function scanFile(file: string, compiled: ReturnType<typeof compilePatterns>): { seconds: number; matches: number } {
  let matches = 0;
  const start = process.hrtime.bigint();
  const scanner = new StreamScanner(compiled, undefined, () => matches++);
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
      scanner.push(n === CHUNK ? buf : buf.subarray(0, n));
    }
    scanner.end();
  } finally {
    closeSync(fd);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, matches };
}

export async function run(report: Report): Promise<void> {
  const compiled = compilePatterns(DEFAULT_PATTERNS);
  if (!compiled.ok) throw new Error(compiled.errors.join('; '));
  // One ERE for grep: valid only because every default is case-insensitive and uses shared syntax.
  if (DEFAULT_PATTERNS.some((p) => p.flags !== 'i')) throw new Error('a default pattern is not plain case-insensitive');
  const ere = DEFAULT_PATTERNS.map((p) => `(${p.regex})`).join('|');
  try {
    const file = logFile();
    const megabytes = statSync(file).size / 1e6;
    scanFile(file, compiled); // warm the page cache and the JIT
    const ours: number[] = [];
    const theirs: number[] = [];
    let ourCount = 0;
    let grepLines = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = scanFile(file, compiled);
      const b = grepCount(file, ['-i', '-E', ere]);
      ours.push(megabytes / a.seconds);
      theirs.push(megabytes / b.seconds);
      ourCount = a.matches;
      grepLines = b.count;
    }
    if (ourCount !== grepLines) {
      console.error(`logscan: the scanner reported ${ourCount} lines but grep counted ${grepLines}`);
    }
    report('logscan.mb_per_s', median(ours), 'MB/s');
    report('logscan.grep_mb_per_s', median(theirs), 'MB/s');
    report('logscan.grep_ratio', median(ours) / median(theirs), 'ratio');
    report('logscan.matching_lines', ourCount, 'lines');
  } finally {
    removeLogFile();
  }
}
