// The app does not re-read its rotated token: the kubelet wrote a newer token to the file (seen
// as a change between observations, or as a token issued after the pod started), yet the pod's 401
// lines go on after the rotation. The app still sends the token it read at start.
import * as l10n from '@vscode/l10n';
import type { TokenObservation, UnauthorizedEvent } from '../../history/types';
import type { Evidence } from '../evidence';
import type { Finding, FindingEvidence } from '../types';
import {
  describeObservation,
  describeUnauthorized,
  findingId,
  podName,
  podTokenFiles,
  restartActions,
  tokenHealthAction,
  unauthorizedOfPod,
  when,
  type DiagnoseOptions,
} from '../ruleKit';

interface Rotation {
  /** The token replaced, when it was observed; absent when only the new token's `iat` shows the rewrite. */
  from?: TokenObservation;
  to: TokenObservation;
  at: number;
}

/**
 * The times the file got a new token, oldest first: a change of token between observations, and —
 * for a pod that started before a token in the file was issued — that token's `iat`: the kubelet
 * wrote it then, so a process that read the file at start holds an older one.
 */
function rotations(list: readonly TokenObservation[], startedAt: number | undefined, graceMs: number): Rotation[] {
  const out: Rotation[] = [];
  for (let i = 0; i < list.length; i++) {
    const to = list[i];
    if (!to) continue;
    const from = list
      .slice(0, i)
      .reverse()
      .find((o) => o.fingerprint !== to.fingerprint);
    if (from && list[i - 1]?.fingerprint !== to.fingerprint) out.push({ from, to, at: to.iat !== undefined ? Math.min(to.at, to.iat * 1000) : to.at });
    else if (!from && to.iat !== undefined && startedAt !== undefined && to.iat * 1000 > startedAt + graceMs) out.push({ to, at: to.iat * 1000 });
  }
  return out.sort((x, y) => x.at - y.at);
}

/** maskSecrets marks a JWT with the first 8 hex of its sha256, which a fingerprint starts with. */
function namesToken(e: UnauthorizedEvent, o: TokenObservation): boolean {
  return e.line.includes(`sha256:${o.fingerprint.slice(0, 8)}`);
}

export function notReloadingRule(evidence: Evidence, nowMs: number, options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  for (const { observations: list, pod, ref } of podTokenFiles(evidence)) {
    const latest = list[list.length - 1];
    if (!latest) continue;
    // Lines naming a token the file holds now are not this problem (that token itself is refused);
    // probes send a token of their own.
    const candidates = unauthorizedOfPod(evidence, pod).filter((e) => e.source !== 'probe' && !namesToken(e, latest));
    const graceMs = options.reloadGraceSeconds * 1000;
    // The earliest rotation that 401 lines outlived: a rotation a moment ago has no lines after it yet.
    let rotation: Rotation | undefined;
    let after: typeof candidates = [];
    for (const r of rotations(list, pod.startedAtMs, graceMs)) {
      after = candidates.filter((e) => e.at > r.at + graceMs && !namesToken(e, r.to));
      if (after.length > 0) {
        rotation = r;
        break;
      }
    }
    if (!rotation) continue;
    const fresh = latest;
    // While the file's token is itself expired, the kubelet is the problem, not the app.
    if (fresh.exp !== undefined && fresh.exp * 1000 <= nowMs) continue;
    const rotated = rotation.to;
    const path = fresh.subject.path ?? l10n.t('its token file');
    const old = rotation.from;
    const oldExp = old?.exp !== undefined ? old.exp * 1000 : undefined;
    // The token read at start lived as long as the current one does: it ran out at start + lifetime.
    const heldExp =
      pod.startedAtMs !== undefined && fresh.iat !== undefined && fresh.exp !== undefined ? pod.startedAtMs + (fresh.exp - fresh.iat) * 1000 : undefined;
    const firstIat = Math.min(...list.map((o) => o.iat ?? Number.POSITIVE_INFINITY));
    // The token the app read at start was never observed when the pod started before the first one seen.
    const heldUnseen = pod.startedAtMs !== undefined && Number.isFinite(firstIat) && pod.startedAtMs < firstIat * 1000 - graceMs;
    const heldExpired = heldUnseen && heldExp !== undefined && heldExp <= nowMs;
    const namingOld = old ? after.filter((e) => namesToken(e, old)).length : 0;
    const first = after[0];
    const last = after[after.length - 1];
    const items: FindingEvidence[] = [];
    if (pod.startedAtMs !== undefined) items.push({ atMs: pod.startedAtMs, text: l10n.t('pod started: the app read its token file then') });
    if (old) items.push({ atMs: old.at, text: l10n.t('old {0}', describeObservation(old)) });
    items.push({ atMs: rotation.at, text: l10n.t('rotation: the kubelet wrote a new {0}', describeObservation(rotated)) });
    if (rotated !== fresh) items.push({ atMs: fresh.at, text: l10n.t('now in the file: {0}', describeObservation(fresh)) });
    if (oldExp !== undefined && oldExp <= nowMs) items.push({ atMs: oldExp, text: l10n.t('the old token expired at {0}', when(oldExp)) });
    if (heldExpired && heldExp !== undefined)
      items.push({ atMs: heldExp, text: l10n.t('the token read at start expired at about {0} (start + the token lifetime)', when(heldExp)) });
    for (const e of after.slice(0, 8)) items.push({ atMs: e.at, text: describeUnauthorized(e) });
    if (after.length > 8 && last) items.push({ atMs: last.at, text: l10n.t('{0} more 401 lines, the last at {1}', after.length - 8, when(last.at)) });
    items.sort((a, b) => a.atMs - b.atMs);
    const count = after.reduce((n, e) => n + (e.count ?? 1), 0);
    const since = first ? when(first.at) : '?';
    const lines = count === 1 ? l10n.t('1 401 line') : l10n.t('{0} 401 lines', count);
    const happened = l10n.t(
      'The kubelet wrote a new token to {0} at {1}, yet {2} followed (from {3} to {4})',
      path,
      when(rotation.at),
      lines,
      since,
      last ? when(last.at) : '?',
    );
    const remedy = l10n.t('the app still sends the token it read at start-up, so restart the pod now and make the app re-read its token file');
    const explanation =
      heldExpired && heldExp !== undefined
        ? l10n.t('{0}; the token it read at start expired at about {1}: {2}.', happened, when(heldExp), remedy)
        : namingOld > 0
          ? l10n.t('{0}, naming the old token: {1}.', happened, remedy)
          : l10n.t('{0}: {1}.', happened, remedy);
    findings.push({
      id: findingId('notReloading', pod.uid, fresh.subject.path),
      rule: 'notReloading',
      severity: 'error',
      title: heldExpired ? l10n.t('{0} sends an expired token it never re-read', podName(pod)) : l10n.t('{0} does not reload its rotated token', podName(pod)),
      explanation,
      cause: 'appNotReloading',
      subject: { ...fresh.subject },
      target: ref,
      evidence: items,
      actions: [...restartActions(evidence.context, pod, l10n.t('Restart pod now')), tokenHealthAction(ref)],
    });
  }
  return findings;
}
