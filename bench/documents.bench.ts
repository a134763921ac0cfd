// Diagnosing large documents as the Problems view does (src/ui/diagnostics.ts), with its pure parts:
// locate through the per-document IncrementalLocator, assess each credential (an AssessmentCache keeps
// the assessments of the credentials an edit did not touch, for up to a minute), turn offsets into
// line positions with one LineIndex per version, derived from the last version's (DocumentLines), as
// DocumentIndex derives it.
// docs.edit_p99_ms / docs.edit_p50_ms: how long one edit blocks the extension host's thread, as the
//   Problems view re-diagnoses (src/ui/diagnostics.ts with src/ui/documentIndex.ts), after one
//   single-character edit (a letter or digit typed at a uniformly random offset) of a ~5 MB YAML with
//   20,000 tokens (a kubeconfig with 18,000 users, then `---` and a Secret List with 2,000 items), over
//   200 edits; after each edit the text goes back to the original, re-diagnosed unmeasured, as an undo
//   would. Most edits are located incrementally on the host. An edit that changes the YAML structure from
//   that point on (a letter typed at column 0 or into an indentation ends the `users:` sequence) needs the
//   whole document parsed: the host declines it (IncrementalLocator.tryLocate) and a worker thread
//   (OffThreadLocator, the real one, running src/token/locateWorker.ts) parses it; for such an edit the
//   figure is the longest of the host's three turns: declining and posting the text; decoding the
//   worker's answer (structured clone; measured with monitorEventLoopDelay); assessing it. The worker is
//   started when the document is first located, as DocumentIndex does.
// docs.edit_offthread_count: how many of the 200 edits went to the worker thread.
// docs.edit_settled_p99_ms: p99 over all edits of the time until the Problems are exact again,
//   including the worker's parse (the host is free meanwhile).
// docs.first_parse_ms: the first diagnosis of that document (nothing cached).
// docs.kubeconfig_1mb_evidence_ms: kubeconfigDocumentEvidence on a ~1 MB kubeconfig with 7,900 tokens,
//   median of 5 runs after a first one (decodes and pieces cached, as when findings are refreshed);
//   docs.kubeconfig_1mb_first_ms: that first run.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AssessmentCache } from '../src/diagnosis/credentialAssessment';
import { kubeconfigDocumentEvidence } from '../src/diagnosis/documentCredentials';
import { nextStateChange } from '../src/token/expiry';
import { DocumentLines } from '../src/token/lineIndex';
import { IncrementalLocator } from '../src/token/locateIncremental';
import { MAX_PARSE_ON_HOST_CHARS, OffThreadLocator } from '../src/token/offThreadLocate';
import type { LocatedCredential } from '../src/token/types';
import { median, percentile, timeMs } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const EDITS = 200;
const TYPED = 'abcdefghijklmnopqrstuvwxyz0123456789';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A short service-account JWT, distinct per `i`: expired, expiring, valid or without expiry. `tiny`: ~90 characters. */
function syntheticJwt(i: number, now: number, tiny = false): string {
  const exp = [now - 3600 * (1 + (i % 48)), now + 600 + (i % 3000), now + 30 * 86_400, undefined][i % 4];
  const payload = tiny
    ? { sub: `u${i}`, exp }
    : { iss: 'https://kubernetes.default.svc', sub: `system:serviceaccount:t${i % 40}:sa-${i}`, iat: now - 7200, exp };
  const signature = Buffer.alloc(tiny ? 16 : 32, i % 251);
  signature.writeUInt32BE(i);
  return `${b64url({ alg: 'RS256' })}.${b64url(payload)}.${signature.toString('base64url')}`;
}

function largeYaml(now: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'current-context: ctx-0', 'clusters:'];
  for (let c = 0; c < 20; c++) lines.push(`- name: cluster-${c}`, '  cluster:', `    server: https://10.0.${c}.1:6443`);
  lines.push('users:');
  for (let u = 0; u < 18_000; u++) lines.push(`- name: user-${u}`, '  user:', `    token: ${syntheticJwt(u, now)}`);
  lines.push('---', 'apiVersion: v1', 'items:');
  for (let s = 0; s < 2_000; s++) {
    const token = Buffer.from(syntheticJwt(18_000 + s, now)).toString('base64');
    lines.push(
      '- apiVersion: v1',
      '  data:',
      `    token: ${token}`,
      '  kind: Secret',
      '  metadata:',
      `    name: sa-${s}-token`,
      '  type: kubernetes.io/service-account-token',
    );
  }
  lines.push('kind: List', 'metadata:', '  resourceVersion: ""');
  return lines.join('\n') + '\n';
}

/** ~1 MB, ~7,900 users with short tokens, as the kubeconfig evidence was measured on. */
function largeKubeconfig(now: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', '    server: https://10.0.0.1:6443', 'users:'];
  for (let u = 0; u < 7_900; u++) lines.push(`- name: u${u}`, '  user:', `    token: ${syntheticJwt(u, now, true)}`);
  return lines.join('\n') + '\n';
}

/** What CredentialDiagnostics.update does for one document version, without vscode. */
function diagnose(locator: IncrementalLocator, text: string, now: number): { credentials: number; problems: number; nextChange: number } {
  return assess(locator.locate(text), text, now);
}

/** The document's assessments, kept across versions as CredentialDiagnostics keeps them. */
const assessments = new AssessmentCache();
/** The document's line tables, kept across versions as DocumentIndex keeps them. */
const documentLines = new DocumentLines();

/** What CredentialDiagnostics.publish does with the located credentials. */
function assess(located: readonly LocatedCredential[], text: string, now: number): { credentials: number; problems: number; nextChange: number } {
  assessments.begin();
  const lines = documentLines.of(text);
  let problems = 0;
  let earliest = Infinity;
  for (const l of located) {
    const a = assessments.assess(l, now);
    const change = a.kind === 'token' || a.kind === 'certificate' ? nextStateChange(a.expiry) : undefined;
    if (change !== undefined && change > now) earliest = Math.min(earliest, change);
    if (a.kind === 'privateKey' || a.kind === 'opaque') continue;
    if (a.kind !== 'invalid' && (a.severity === undefined || a.warning === undefined)) continue;
    const start = lines.positionAt(l.start);
    const end = lines.positionAt(l.end);
    if (end.line >= start.line) problems++;
  }
  return { credentials: located.length, problems, nextChange: earliest };
}

/** One edit as the Problems view takes it: the host's longest turn, and the time until the Problems are exact. */
async function editOnce(
  locator: IncrementalLocator,
  offThread: OffThreadLocator,
  text: string,
  now: number,
): Promise<{ hostMs: number; settledMs: number; offThread: boolean }> {
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e6;
  const located = locator.tryLocate(text, MAX_PARSE_ON_HOST_CHARS);
  if (located !== undefined) {
    assess(located, text, now);
    const ms = elapsed();
    return { hostMs: ms, settledMs: ms, offThread: false };
  }
  const pending = offThread.locate('bench', text);
  const declineMs = elapsed();
  // The answer's turn on the host: decoding the worker's message, then assessing. A 1 ms timer that
  // is late by as long as the host was busy measures both.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const found = await pending;
  if (found === undefined) throw new Error('the worker gave no answer');
  await new Promise((resolve) => setTimeout(resolve, 5));
  delay.disable();
  // CredentialDiagnostics assesses in a turn of its own (setImmediate).
  await new Promise((resolve) => setImmediate(resolve));
  const assessMs = timeMs(() => void assess(found, text, now));
  const settledMs = elapsed();
  return { hostMs: Math.max(declineMs, delay.max / 1e6, assessMs), settledMs, offThread: true };
}

export async function run(report: Report): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const text = largeYaml(now);
  const locator = new IncrementalLocator();
  let found = 0;
  const firstDiagnosis = timeMs(() => {
    found = diagnose(locator, text, now).credentials;
  });
  if (found !== 20_000) throw new Error(`expected 20,000 credentials, found ${found}`);

  const random = mulberry32(9);
  const offThread = new OffThreadLocator({ script: join(__dirname, '../src/token/locateWorker.ts'), execArgv: ['--import', 'tsx'] });
  offThread.warm();
  const times: number[] = [];
  const settled: number[] = [];
  let sentOff = 0;
  try {
    for (let i = 0; i < EDITS; i++) {
      const at = Math.floor(random() * (text.length + 1));
      const typed = TYPED[Math.floor(random() * TYPED.length)] ?? 'x';
      // Flat, as a document's getText() gives it.
      const edited = [text.slice(0, at), typed, text.slice(at)].join('');
      const edit = await editOnce(locator, offThread, edited, now);
      times.push(edit.hostMs);
      settled.push(edit.settledMs);
      if (edit.offThread) sentOff++;
      diagnose(locator, text, now);
    }
  } finally {
    offThread.dispose();
  }

  const kubeconfig = largeKubeconfig(now);
  let evidence: unknown[] = [];
  const evidenceFirst = timeMs(() => {
    evidence = kubeconfigDocumentEvidence(kubeconfig, '/tmp/big.kubeconfig', now);
  });
  if (evidence.length < 7_000) throw new Error(`expected ~7,900 evidence items, got ${evidence.length}`);
  const evidenceTimes: number[] = [];
  for (let i = 0; i < 5; i++) evidenceTimes.push(timeMs(() => void kubeconfigDocumentEvidence(kubeconfig, '/tmp/big.kubeconfig', now)));

  report('docs.edit_p99_ms', percentile(times, 99), 'ms');
  report('docs.edit_p50_ms', median(times), 'ms');
  report('docs.edit_offthread_count', sentOff, 'count');
  report('docs.edit_settled_p99_ms', percentile(settled, 99), 'ms');
  report('docs.first_parse_ms', firstDiagnosis, 'ms');
  report('docs.yaml_bytes', Buffer.byteLength(text), 'bytes');
  report('docs.kubeconfig_1mb_evidence_ms', median(evidenceTimes), 'ms');
  report('docs.kubeconfig_1mb_first_ms', evidenceFirst, 'ms');
  report('docs.kubeconfig_1mb_bytes', Buffer.byteLength(kubeconfig), 'bytes');
  report('docs.kubeconfig_1mb_tokens', evidence.length, 'count');
}
