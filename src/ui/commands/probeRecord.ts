// What a concurrency probe leaves behind: the diagnosis' ProbeResult, the 401 event for history, and the
// "401 under concurrency" findings the diagnosis draws from it. No vscode; never a token.
import type { ProbeOutcome } from '../../cluster/actions/probeConcurrency';
import { diagnose } from '../../diagnosis/diagnose';
import { emptyEvidence } from '../../diagnosis/evidence';
import type { ProbeResult } from '../../diagnosis/probe';
import type { Finding } from '../../diagnosis/types';
import type { Subject, UnauthorizedEvent } from '../../history/types';

export function probeResultOf(outcome: ProbeOutcome, subject: Subject, atMs: number): ProbeResult {
  return {
    atMs,
    tokenFingerprint: outcome.fingerprint ?? 'client-certificate',
    subject: { ...subject },
    total: outcome.total,
    ok: outcome.ok,
    unauthorized: outcome.unauthorized,
    other: outcome.other,
    p50Ms: Math.round(outcome.p50Ms),
    p99Ms: Math.round(outcome.p99Ms),
  };
}

/** A 401 event for history when any request was refused; none otherwise. */
export function probeHistoryEvent(result: ProbeResult, path: string): UnauthorizedEvent | undefined {
  if (result.unauthorized === 0) return undefined;
  return {
    kind: 'unauthorized',
    at: result.atMs,
    subject: { ...result.subject },
    source: 'probe',
    pattern: 'probe',
    line: `concurrency probe: ${result.unauthorized} of ${result.total} parallel requests to ${path} with token sha256:${result.tokenFingerprint} got 401, ${result.ok} passed`,
    count: result.unauthorized,
  };
}

/** The findings of one probe, drawn by the diagnosis rules from evidence holding just that probe. */
export function probeFindings(result: ProbeResult, context: string, nowMs: number): Finding[] {
  const evidence = emptyEvidence(context, nowMs);
  evidence.probes.push(result);
  return diagnose(evidence, nowMs).filter((f) => f.rule === 'concurrent401');
}

/** Findings from several probes, one set per token: a later probe of the same token replaces the earlier one. */
export class ProbeFindings {
  private readonly byToken = new Map<string, Finding[]>();

  record(result: ProbeResult, context: string, nowMs: number): Finding[] {
    const key = `${context}\u0000${result.tokenFingerprint}`;
    const findings = probeFindings(result, context, nowMs);
    if (findings.length > 0) this.byToken.set(key, findings);
    else this.byToken.delete(key);
    return findings;
  }

  all(): Finding[] {
    return [...this.byToken.values()].flat();
  }
}
