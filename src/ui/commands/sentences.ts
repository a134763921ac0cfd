// What the commands say: confirmations, results and errors as sentences with the next step, and the
// lines they write to the output channel. No vscode import, so it is tested in plain Node. Never a token.
import type { PodSummary } from '../../cluster/actions/pods';
import type { ProbeOutcome } from '../../cluster/actions/probeConcurrency';
import type { IssuedToken } from '../../cluster/actions/requestToken';
import { isRunningOnNode, type RestartOutcome } from '../../cluster/actions/restartPod';
import type { TokenReviewResult } from '../../cluster/actions/reviewToken';
import type { RolloutFollowed, RolloutRestarted, Workload } from '../../cluster/actions/rolloutRestart';
import type { WhoAmI } from '../../cluster/actions/whoAmI';
import type { ClusterError } from '../../cluster/errors';
import type { ReloadResult } from '../../cluster/auth/credentials';
import { describeDuration, formatInstant } from '../../token/relativeTime';

/** "the cluster ..." → "The cluster ....": a message the user reads as a sentence. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** "Cannot restart pod payments/api-1: you cannot delete pods ... (403): ...; ask a cluster admin ...". */
export function failureSentence(what: string, error: ClusterError): string {
  return sentence(`Cannot ${what}: ${error.message}`);
}

export function podName(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}

export function instant(seconds: number): string {
  return formatInstant(seconds).utc;
}

/** "expires 2026-11-22T04:06:37 UTC (in 1 h)", "expired 2026-... (3 days ago)", "no expiry". */
export function expiryPhrase(expiresAtSec: number | undefined, nowSeconds: number): string {
  if (expiresAtSec === undefined) return 'no expiry';
  const left = expiresAtSec - nowSeconds;
  const d = describeDuration(left, 'long');
  return left > 0 ? `expires ${instant(expiresAtSec)} (in ${d})` : `expired ${instant(expiresAtSec)} (${d} ago)`;
}

export interface Confirmation {
  message: string;
  detail: string;
  /** The button that goes ahead. */
  proceed: string;
  /** For a step that cannot be undone: a first button that does nothing, so Enter cancels. */
  safeDefault?: string;
}

export function restartConfirmation(pod: PodSummary, context: string): Confirmation {
  if (!pod.owner) {
    return {
      message: `Delete pod ${podName(pod)} in context ${context}? It will not come back.`,
      detail: `No controller owns pod ${pod.name}, so nothing re-creates it after the delete: its workload stops for good. Cancel unless you mean to remove it.`,
      proceed: 'Delete Pod',
      safeDefault: 'Keep Pod',
    };
  }
  return {
    message: `Restart pod ${podName(pod)} in context ${context}?`,
    detail: `The pod is deleted and its ${pod.owner.kind} ${pod.owner.name} creates a replacement, which starts with a fresh service-account token. Requests it is serving are cut off.`,
    proceed: 'Restart Pod',
  };
}

export function rolloutConfirmation(w: Workload, context: string): Confirmation {
  const before = w.restartedAt ? ` It was last restarted at ${w.restartedAt}.` : '';
  return {
    message: `Rollout restart ${w.kind} ${w.namespace}/${w.name} in context ${context}?`,
    detail: `Kubernetes replaces its pods one by one, as "kubectl rollout restart" does, and each new pod starts with a fresh service-account token.${before}`,
    proceed: 'Rollout Restart',
  };
}

/** The names of some pods, at most four, then how many more. */
function someNames(pods: readonly PodSummary[]): string {
  const names = pods.slice(0, 4).map((p) => p.name);
  return pods.length > 4 ? `${names.join(', ')} and ${pods.length - 4} more` : names.join(', ');
}

/** What a rollout restart did, as far as its new pods were followed: a token is promised only for pods running on a node. */
export function rolloutResult(w: RolloutRestarted, followed: RolloutFollowed, context: string): { level: 'info' | 'warning'; text: string } {
  const head = `${w.kind} ${w.namespace}/${w.name} is restarting in context ${context} (restartedAt ${w.restartedAt})`;
  const running = followed.pods.filter(isRunningOnNode);
  const waiting = followed.pods.filter((p) => !running.includes(p));
  const until = followed.stopped === 'cancelled' ? 'when you stopped following' : 'after following it';
  if (followed.allRunning) {
    return {
      level: 'info',
      text: `${head}: new pod${running.length === 1 ? '' : 's'} ${someNames(running)} run${running.length === 1 ? 's' : ''} on a node with a fresh token; its other pods are replaced one by one.`,
    };
  }
  if (followed.pods.length === 0) {
    return { level: 'warning', text: `${head}; no new pod had been created ${until}: look at the events of ${w.kind} ${w.name}.` };
  }
  const pending = `${someNames(waiting)} ${waiting.length === 1 ? 'is' : 'are'} still ${waiting.every((p) => p.nodeName === undefined) ? 'Pending, not scheduled to a node' : 'not running'} ${until}`;
  const started = running.length > 0 ? `; ${someNames(running)} run${running.length === 1 ? 's' : ''} with a fresh token` : '';
  return { level: 'warning', text: `${head}: created ${someNames(followed.pods)}; a new pod gets its token when it starts on a node: ${pending}${started}.` };
}

export function restartResult(outcome: RestartOutcome, context: string): { level: 'info' | 'warning'; text: string } {
  const old = outcome.old;
  const owner = old.owner ? `${old.owner.kind} ${old.owner.name}` : 'its controller';
  switch (outcome.kind) {
    case 'replaced': {
      const created = `Pod ${podName(old)} was restarted in context ${context}: ${owner} created ${outcome.replacement.name}`;
      const node = outcome.replacement.nodeName;
      // Only a pod running on a node has a token: the kubelet writes it when the pod starts there.
      if (outcome.running) return { level: 'info', text: `${created}, which has a fresh token (running on node ${node ?? 'unknown'}).` };
      const where = node === undefined ? 'Pending, not scheduled to a node' : `${outcome.replacement.phase ?? 'Pending'} on node ${node}`;
      const stopped =
        outcome.stopped === 'cancelled'
          ? `it was still ${where} when you stopped following`
          : outcome.stopped === 'lost'
            ? `it was ${where} when it could no longer be read`
            : `it is still ${where}; look at its events to see why`;
      return { level: 'warning', text: `${created}; it will get its token when it starts on a node: ${stopped}.` };
    }
    case 'deleted':
      return { level: 'info', text: `Pod ${podName(old)} was deleted from context ${context}; nothing will re-create it.` };
    case 'cancelled':
      return outcome.deleted
        ? {
            level: 'warning',
            text: `Stopped following: pod ${podName(old)} was already deleted and ${owner} should create its replacement; refresh the explorer to see it.`,
          }
        : { level: 'info', text: `Restart cancelled: pod ${podName(old)} was not touched.` };
    case 'timedOut':
      return {
        level: 'warning',
        text: `Pod ${podName(old)} was deleted, but no replacement appeared within ${describeDuration(outcome.waitedMs / 1000, 'long')}; look at the events of ${owner} to see why.`,
      };
  }
}

export function restartLogLine(outcome: RestartOutcome, context: string): string | undefined {
  const old = `pod ${podName(outcome.old)} (uid ${outcome.old.uid})`;
  switch (outcome.kind) {
    case 'replaced':
      return `Restart Pod: deleted ${old} in context ${context}; replacement ${outcome.replacement.name} (uid ${outcome.replacement.uid}) ${outcome.running ? `running on node ${outcome.replacement.nodeName ?? 'unknown'}` : `not running yet (${outcome.replacement.phase ?? 'Pending'}${outcome.stopped !== undefined ? `, follow ${outcome.stopped}` : ''})`}.`;
    case 'deleted':
      return `Restart Pod: deleted ${old} in context ${context}; it has no controller and will not come back.`;
    case 'timedOut':
      return `Restart Pod: deleted ${old} in context ${context}; no replacement seen after ${Math.round(outcome.waitedMs / 1000)} s.`;
    case 'cancelled':
      return outcome.deleted ? `Restart Pod: deleted ${old} in context ${context}; stopped following its replacement on request.` : undefined;
  }
}

export function reloadResultSentence(r: ReloadResult, context: string, nowSeconds: number): { level: 'info' | 'warning'; text: string } {
  const before = expiryPhrase(r.expiryBeforeSec, nowSeconds);
  const after = expiryPhrase(r.expiryAfterSec, nowSeconds);
  if (r.problem) {
    return { level: 'warning', text: sentence(`Reloading the credentials of context ${context} did not give a fresh credential: ${r.problem}`) };
  }
  if (!r.changed) {
    const hint =
      r.expiryAfterSec !== undefined && r.expiryAfterSec <= nowSeconds
        ? ' It is expired: log in again (or fix the exec plugin or token file) to get a new one.'
        : '';
    return {
      level: r.expiryAfterSec !== undefined && r.expiryAfterSec <= nowSeconds ? 'warning' : 'info',
      text: `Credentials of context ${context} reloaded; the credential did not change (${after}).${hint}`,
    };
  }
  return { level: 'info', text: `Credentials of context ${context} reloaded: the old one ${before}, the new one ${after}.` };
}

export function reviewSentence(r: TokenReviewResult, context: string): { level: 'info' | 'warning'; text: string } {
  const token = `Token sha256:${r.fingerprint}`;
  if (!r.authenticated) {
    const reason = r.error ? `: ${r.error}` : '';
    return {
      level: 'warning',
      text: sentence(
        `${token} does not authenticate with context ${context}${reason}; request a new token, or restart the pod that uses it so the kubelet mounts a fresh one`,
      ),
    };
  }
  const user = r.user;
  const parts = [`authenticates with context ${context} as ${user?.username ?? 'an unnamed user'}`];
  if (user && user.groups.length > 0) parts.push(`groups ${user.groups.join(', ')}`);
  if (r.podName) parts.push(`bound to pod ${r.podName}`);
  if (r.nodeName) parts.push(`on node ${r.nodeName}`);
  if (r.credentialId) parts.push(`credential id ${r.credentialId}`);
  if (r.audiences.length > 0) parts.push(`audiences ${r.audiences.join(', ')}`);
  return { level: 'info', text: sentence(`${token} ${parts.join('; ')}`) };
}

export function whoAmISentence(me: WhoAmI, context: string): string {
  const groups = me.groups.length > 0 ? ` in groups ${me.groups.join(', ')}` : '';
  const extra = Object.entries(me.extra)
    .map(([k, v]) => `${k.replace(/^authentication\.kubernetes\.io\//, '')}=${v.join(',')}`)
    .join('; ');
  return sentence(`In context ${context} you are ${me.username}${groups}${extra ? ` (${extra})` : ''}, according to SelfSubjectReview ${me.apiVersion}`);
}

export function probeSentence(p: ProbeOutcome, whose: string): { level: 'info' | 'warning' | 'error'; text: string } {
  const token = p.fingerprint ? `token sha256:${p.fingerprint}` : 'the client certificate';
  const counts = `${p.ok} passed, ${p.unauthorized} got 401, ${p.other} other${p.cancelled ? `, ${p.cancelled} cancelled` : ''}; latency p50 ${Math.round(p.p50Ms)} ms, p99 ${Math.round(p.p99Ms)} ms`;
  const head = `Probe of ${whose} (${token}) with ${p.total} parallel requests to ${p.path}: ${counts}`;
  if (p.unauthorized > 0 && p.ok > 0) {
    return {
      level: 'error',
      text: `${head}. 401 under concurrency: the token is valid, yet some parallel requests were refused; look at what answers in parallel (API server replicas, an authenticating proxy such as Rancher's) — the finding is in Token Health.`,
    };
  }
  if (p.unauthorized > 0) {
    return {
      level: 'warning',
      text: `${head}. Every answer was 401: the token is not accepted at all, unless other clients using it at the same moment got the only passes; reload credentials or request a new token, or probe again.`,
    };
  }
  if (p.other > 0) {
    const why = p.failures.length > 0 ? ` (${p.failures[0]})` : '';
    return { level: 'warning', text: `${head}. Some requests failed for other reasons${why}; see the log.` };
  }
  return { level: 'info', text: `${head}. No 401: this token holds up under concurrency.` };
}

export function issuedSentence(t: IssuedToken, nowSeconds: number): string {
  const exp = Date.parse(t.expirationTimestamp) / 1000;
  const bound = t.boundObject ? `, bound to ${t.boundObject.kind} ${t.boundObject.name}` : '';
  const warning = t.warning ? ` The server warned: ${t.warning}.` : '';
  return `Token for ${t.namespace}/${t.serviceAccount} issued (sha256:${t.fingerprint}${bound}); it ${expiryPhrase(Number.isFinite(exp) ? exp : undefined, nowSeconds)}. It is kept in memory only; copy it with "Copy token".${warning}`;
}

export function issuedLogLine(t: IssuedToken, context: string): string {
  const aud = t.audiences.length > 0 ? t.audiences.join(', ') : 'the API server';
  const bound = t.boundObject ? `, bound to ${t.boundObject.kind} ${t.boundObject.name}` : '';
  return `Request Token: TokenRequest for ${t.namespace}/${t.serviceAccount} in context ${context}: token sha256:${t.fingerprint}, audiences ${aud}, expires ${t.expirationTimestamp}${bound}.`;
}

/** What Copy Token says once the token is on the clipboard: the token by fingerprint and whose it is, never the token. */
export function copiedToken(fingerprint: string, label?: string): { message: string; status: string; log: string } {
  const whose = label ? ` for ${label}` : '';
  return {
    message: `Token sha256:${fingerprint}${whose} copied to the clipboard.`,
    status: `$(check) Copied token sha256:${fingerprint}${whose}`,
    log: `Copy Token: token sha256:${fingerprint}${label ? ` of ${label}` : ''} copied to the clipboard.`,
  };
}
