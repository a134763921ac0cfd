// A pod's live token: `cat` of its projected token file through pods/exec, decoded and checked here.
// The raw token never leaves this function: callers get claims, a fingerprint and the signature check.
import * as l10n from '@vscode/l10n';
import { Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import { decodeToken } from '../../token/jwt';
import type { ApiClients } from '../auth/apiClient';
import { classifyResponse, clusterError, type ClusterError, type ErrorContext } from '../errors';
import type { LiveTokenReading, LiveTokenTarget, SignatureCheck } from '../inventory/types';
import { execRun } from './execSocket';

const MAX_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 20_000;

export interface LiveTokenOptions {
  /** Checks the signature; receives the raw token and must not keep it. */
  verify?: (raw: string) => Promise<SignatureCheck>;
  nowMs?: () => number;
  timeoutMs?: number;
}

/** Never throws: a refusal (403 on pods/exec), a missing file or an unreachable kubelet is a reading with an error. */
export async function readLiveToken(api: ApiClients, target: LiveTokenTarget, opts: LiveTokenOptions = {}): Promise<LiveTokenReading> {
  const now = opts.nowMs ?? Date.now;
  const about: ErrorContext = { verb: 'create', resource: 'pods/exec', namespace: target.namespace, name: target.pod };
  let output: ExecOutput;
  try {
    output = await execCat(api, target, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (err) {
    return { ok: false, atMs: now(), error: api.classify(err, about) };
  }
  const where = l10n.t('{0} in container {1} of pod {2}/{3}', target.path, target.container, target.namespace, target.pod);
  if (output.status?.status !== 'Success') {
    return { ok: false, atMs: now(), error: execFailure(output, where) };
  }
  const raw = output.stdout.trim();
  const decoded = decodeToken(raw);
  if (!decoded.ok) {
    return {
      ok: false,
      atMs: now(),
      error: { kind: 'invalid', message: l10n.t("{0} does not hold a readable token ({1}); check the projected volume's path", where, decoded.reason) },
    };
  }
  const signature: SignatureCheck = opts.verify ? await opts.verify(raw) : { status: 'unchecked', reason: l10n.t('no signature check was asked for') };
  return { ok: true, atMs: now(), token: decoded.token, signature };
}

interface ExecOutput {
  stdout: string;
  stderr: string;
  status: V1Status | undefined;
}

function execCat(api: ApiClients, target: LiveTokenTarget, timeoutMs: number): Promise<ExecOutput> {
  const stdout = capped();
  const stderr = capped();
  return execRun(api, { namespace: target.namespace, pod: target.pod, container: target.container }, ['cat', target.path], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    timeoutMs,
    what: 'reading the token',
  }).then((status) => ({ stdout: stdout.text(), stderr: stderr.text(), status }));
}

function execFailure(output: ExecOutput, where: string): ClusterError {
  const stderr = output.stderr.trim().split('\n')[0] ?? '';
  if (/No such file or directory/.test(stderr)) {
    return clusterError({
      kind: 'notFound',
      message: l10n.t('{0} does not exist; the pod may not mount its token there any more, so refresh the view', where),
    });
  }
  const s = output.status;
  if (s?.code !== undefined && s.code >= 400) return classifyResponse(s.code, s, { verb: 'create', resource: 'pods/exec' });
  const detail = s?.message ?? (stderr || l10n.t('the command gave no status'));
  // stderr is the container's own output: it can hold a token, so it is masked like every other message.
  return clusterError({
    kind: 'unknown',
    message: l10n.t('reading {0} failed: {1}; check that the pod is running and its kubelet reachable', where, firstLine(detail)),
  });
}

function capped(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (size < MAX_BYTES) {
        const b = Buffer.from(chunk);
        chunks.push(b);
        size += b.length;
      }
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
