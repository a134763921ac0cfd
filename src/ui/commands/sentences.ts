// What the commands say: confirmations, results and errors as sentences with the next step, and the
// lines they write to the output channel (those stay English). No vscode import, so it is tested in plain Node. Never a token.
import * as l10n from '@vscode/l10n';
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

/** "the cluster ..." → "The cluster ....": a message the user reads as a sentence; a Chinese one ends with "。". */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  if (/[.!?。！？]$/.test(first)) return first;
  return /\p{Script=Han}/u.test(first) ? `${first}。` : `${first}.`;
}

/** "Cannot restart pod payments/api-1: you cannot delete pods ... (403): ...; ask a cluster admin ...". */
export function failureSentence(what: string, error: ClusterError): string {
  return sentence(l10n.t('Cannot {0}: {1}', what, error.message));
}

export function podName(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}

export function instant(seconds: number): string {
  return formatInstant(seconds).utc;
}

/** "expires 2026-11-22T04:06:37 UTC (in 1 h)", "expired 2026-... (3 days ago)", "no expiry". */
export function expiryPhrase(expiresAtSec: number | undefined, nowSeconds: number): string {
  if (expiresAtSec === undefined) return l10n.t('no expiry');
  const left = expiresAtSec - nowSeconds;
  const d = describeDuration(left, 'long');
  return left > 0 ? l10n.t('expires {0} (in {1})', instant(expiresAtSec), d) : l10n.t('expired {0} ({1} ago)', instant(expiresAtSec), d);
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
      message: l10n.t('Delete pod {0} in context {1}? It will not come back.', podName(pod), context),
      detail: l10n.t(
        'No controller owns pod {0}, so nothing re-creates it after the delete: its workload stops for good. Cancel unless you mean to remove it.',
        pod.name,
      ),
      proceed: l10n.t('Delete Pod'),
      safeDefault: l10n.t('Keep Pod'),
    };
  }
  return {
    message: l10n.t('Restart pod {0} in context {1}?', podName(pod), context),
    detail: l10n.t(
      'The pod is deleted and its {0} {1} creates a replacement, which starts with a fresh service-account token. Requests it is serving are cut off.',
      pod.owner.kind,
      pod.owner.name,
    ),
    proceed: l10n.t('Restart Pod'),
  };
}

export function rolloutConfirmation(w: Workload, context: string): Confirmation {
  return {
    message: l10n.t('Rollout restart {0} {1} in context {2}?', w.kind, `${w.namespace}/${w.name}`, context),
    detail: w.restartedAt
      ? l10n.t(
          'Kubernetes replaces its pods one by one, as "kubectl rollout restart" does, and each new pod starts with a fresh service-account token. It was last restarted at {0}.',
          w.restartedAt,
        )
      : l10n.t('Kubernetes replaces its pods one by one, as "kubectl rollout restart" does, and each new pod starts with a fresh service-account token.'),
    proceed: l10n.t('Rollout Restart'),
  };
}

/** The names of some pods, at most four, then how many more. */
function someNames(pods: readonly PodSummary[]): string {
  const names = pods.slice(0, 4).map((p) => p.name);
  return pods.length > 4 ? l10n.t('{0} and {1} more', names.join(', '), pods.length - 4) : names.join(', ');
}

/** "Pending, not scheduled to a node": where a pod not yet on a node is. */
function notScheduled(): string {
  return l10n.t('Pending, not scheduled to a node');
}

/** What a rollout restart did, as far as its new pods were followed: a token is promised only for pods running on a node. */
export function rolloutResult(w: RolloutRestarted, followed: RolloutFollowed, context: string): { level: 'info' | 'warning'; text: string } {
  const head = l10n.t('{0} {1} is restarting in context {2} (restartedAt {3})', w.kind, `${w.namespace}/${w.name}`, context, w.restartedAt);
  const running = followed.pods.filter(isRunningOnNode);
  const waiting = followed.pods.filter((p) => !running.includes(p));
  const cancelled = followed.stopped === 'cancelled';
  if (followed.allRunning) {
    return {
      level: 'info',
      text:
        running.length === 1
          ? l10n.t('{0}: new pod {1} runs on a node with a fresh token; its other pods are replaced one by one.', head, someNames(running))
          : l10n.t('{0}: new pods {1} run on a node with a fresh token; its other pods are replaced one by one.', head, someNames(running)),
    };
  }
  if (followed.pods.length === 0) {
    return {
      level: 'warning',
      text: cancelled
        ? l10n.t('{0}; no new pod had been created when you stopped following: look at the events of {1} {2}.', head, w.kind, w.name)
        : l10n.t('{0}; no new pod had been created after following it: look at the events of {1} {2}.', head, w.kind, w.name),
    };
  }
  const until = cancelled ? l10n.t('when you stopped following') : l10n.t('after following it');
  const state = waiting.every((p) => p.nodeName === undefined) ? notScheduled() : l10n.t('not running');
  const pending =
    waiting.length === 1 ? l10n.t('{0} is still {1} {2}', someNames(waiting), state, until) : l10n.t('{0} are still {1} {2}', someNames(waiting), state, until);
  if (running.length === 0) {
    return {
      level: 'warning',
      text: l10n.t('{0}: created {1}; a new pod gets its token when it starts on a node: {2}.', head, someNames(followed.pods), pending),
    };
  }
  const started = running.length === 1 ? l10n.t('{0} runs with a fresh token', someNames(running)) : l10n.t('{0} run with a fresh token', someNames(running));
  return {
    level: 'warning',
    text: l10n.t('{0}: created {1}; a new pod gets its token when it starts on a node: {2}; {3}.', head, someNames(followed.pods), pending, started),
  };
}

export function restartResult(outcome: RestartOutcome, context: string): { level: 'info' | 'warning'; text: string } {
  const old = outcome.old;
  const owner = old.owner ? `${old.owner.kind} ${old.owner.name}` : l10n.t('its controller');
  switch (outcome.kind) {
    case 'replaced': {
      const created = l10n.t('Pod {0} was restarted in context {1}: {2} created {3}', podName(old), context, owner, outcome.replacement.name);
      const node = outcome.replacement.nodeName;
      // Only a pod running on a node has a token: the kubelet writes it when the pod starts there.
      if (outcome.running) return { level: 'info', text: l10n.t('{0}, which has a fresh token (running on node {1}).', created, node ?? l10n.t('unknown')) };
      const where = node === undefined ? notScheduled() : l10n.t('{0} on node {1}', outcome.replacement.phase ?? 'Pending', node);
      const stopped =
        outcome.stopped === 'cancelled'
          ? l10n.t('it was still {0} when you stopped following', where)
          : outcome.stopped === 'lost'
            ? l10n.t('it was {0} when it could no longer be read', where)
            : l10n.t('it is still {0}; look at its events to see why', where);
      return { level: 'warning', text: l10n.t('{0}; it will get its token when it starts on a node: {1}.', created, stopped) };
    }
    case 'deleted':
      return { level: 'info', text: l10n.t('Pod {0} was deleted from context {1}; nothing will re-create it.', podName(old), context) };
    case 'cancelled':
      return outcome.deleted
        ? {
            level: 'warning',
            text: l10n.t(
              'Stopped following: pod {0} was already deleted and {1} should create its replacement; refresh the explorer to see it.',
              podName(old),
              owner,
            ),
          }
        : { level: 'info', text: l10n.t('Restart cancelled: pod {0} was not touched.', podName(old)) };
    case 'timedOut':
      return {
        level: 'warning',
        text: l10n.t(
          'Pod {0} was deleted, but no replacement appeared within {1}; look at the events of {2} to see why.',
          podName(old),
          describeDuration(outcome.waitedMs / 1000, 'long'),
          owner,
        ),
      };
  }
}

/** The output channel's line (English, as every log line). */
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
  if (r.problem) {
    return { level: 'warning', text: sentence(l10n.t('Reloading the credentials of context {0} did not give a fresh credential: {1}', context, r.problem)) };
  }
  const after = expiryPhrase(r.expiryAfterSec, nowSeconds);
  if (!r.changed) {
    const expired = r.expiryAfterSec !== undefined && r.expiryAfterSec <= nowSeconds;
    return {
      level: expired ? 'warning' : 'info',
      text: expired
        ? l10n.t(
            'Credentials of context {0} reloaded; the credential did not change ({1}). It is expired: log in again (or fix the exec plugin or token file) to get a new one.',
            context,
            after,
          )
        : l10n.t('Credentials of context {0} reloaded; the credential did not change ({1}).', context, after),
    };
  }
  const before = expiryPhrase(r.expiryBeforeSec, nowSeconds);
  return { level: 'info', text: l10n.t('Credentials of context {0} reloaded: the old one {1}, the new one {2}.', context, before, after) };
}

export function reviewSentence(r: TokenReviewResult, context: string): { level: 'info' | 'warning'; text: string } {
  if (!r.authenticated) {
    return {
      level: 'warning',
      text: sentence(
        r.error
          ? l10n.t(
              'Token sha256:{0} does not authenticate with context {1}: {2}; request a new token, or restart the pod that uses it so the kubelet mounts a fresh one',
              r.fingerprint,
              context,
              r.error,
            )
          : l10n.t(
              'Token sha256:{0} does not authenticate with context {1}; request a new token, or restart the pod that uses it so the kubelet mounts a fresh one',
              r.fingerprint,
              context,
            ),
      ),
    };
  }
  const user = r.user;
  const parts = [l10n.t('authenticates with context {0} as {1}', context, user?.username ?? l10n.t('an unnamed user'))];
  if (user && user.groups.length > 0) parts.push(l10n.t('groups {0}', user.groups.join(', ')));
  if (r.podName) parts.push(l10n.t('bound to pod {0}', r.podName));
  if (r.nodeName) parts.push(l10n.t('on node {0}', r.nodeName));
  if (r.credentialId) parts.push(l10n.t('credential id {0}', r.credentialId));
  if (r.audiences.length > 0) parts.push(l10n.t('audiences {0}', r.audiences.join(', ')));
  // Joined pairwise so the separator is the language's own ("; ", "；").
  const said = parts.reduce((all, part) => l10n.t('{0}; {1}', all, part));
  return { level: 'info', text: sentence(l10n.t('Token sha256:{0} {1}', r.fingerprint, said)) };
}

export function whoAmISentence(me: WhoAmI, context: string): string {
  const extra = Object.entries(me.extra)
    .map(([k, v]) => `${k.replace(/^authentication\.kubernetes\.io\//, '')}=${v.join(',')}`)
    .join('; ');
  const who =
    me.groups.length > 0
      ? l10n.t('In context {0} you are {1} in groups {2}', context, me.username, me.groups.join(', '))
      : l10n.t('In context {0} you are {1}', context, me.username);
  return sentence(l10n.t('{0}, according to SelfSubjectReview {1}', extra ? l10n.t('{0} ({1})', who, extra) : who, me.apiVersion));
}

export function probeSentence(p: ProbeOutcome, whose: string): { level: 'info' | 'warning' | 'error'; text: string } {
  const token = p.fingerprint ? l10n.t('token sha256:{0}', p.fingerprint) : l10n.t('the client certificate');
  const p50 = Math.round(p.p50Ms);
  const p99 = Math.round(p.p99Ms);
  const counts = p.cancelled
    ? l10n.t('{0} passed, {1} got 401, {2} other, {3} cancelled; latency p50 {4} ms, p99 {5} ms', p.ok, p.unauthorized, p.other, p.cancelled, p50, p99)
    : l10n.t('{0} passed, {1} got 401, {2} other; latency p50 {3} ms, p99 {4} ms', p.ok, p.unauthorized, p.other, p50, p99);
  const head = l10n.t('Probe of {0} ({1}) with {2} parallel requests to {3}: {4}', whose, token, p.total, p.path, counts);
  if (p.unauthorized > 0 && p.ok > 0) {
    return {
      level: 'error',
      text: l10n.t(
        "{0}. 401 under concurrency: the token is valid, yet some parallel requests were refused; look at what answers in parallel (API server replicas, an authenticating proxy such as Rancher's) — the finding is in Token Health.",
        head,
      ),
    };
  }
  if (p.unauthorized > 0) {
    return {
      level: 'warning',
      text: l10n.t(
        '{0}. Every answer was 401: the token is not accepted at all, unless other clients using it at the same moment got the only passes; reload credentials or request a new token, or probe again.',
        head,
      ),
    };
  }
  if (p.other > 0) {
    const failure = p.failures[0];
    return {
      level: 'warning',
      text:
        failure !== undefined
          ? l10n.t('{0}. Some requests failed for other reasons ({1}); see the log.', head, failure)
          : l10n.t('{0}. Some requests failed for other reasons; see the log.', head),
    };
  }
  return { level: 'info', text: l10n.t('{0}. No 401: this token holds up under concurrency.', head) };
}

export function issuedSentence(t: IssuedToken, nowSeconds: number): string {
  const exp = Date.parse(t.expirationTimestamp) / 1000;
  const who = `${t.namespace}/${t.serviceAccount}`;
  const expiry = expiryPhrase(Number.isFinite(exp) ? exp : undefined, nowSeconds);
  const said = t.boundObject
    ? l10n.t(
        'Token for {0} issued (sha256:{1}, bound to {2} {3}); it {4}. It is kept in memory only; copy it with "Copy token".',
        who,
        t.fingerprint,
        t.boundObject.kind,
        t.boundObject.name,
        expiry,
      )
    : l10n.t('Token for {0} issued (sha256:{1}); it {2}. It is kept in memory only; copy it with "Copy token".', who, t.fingerprint, expiry);
  return t.warning ? l10n.t('{0} The server warned: {1}.', said, t.warning) : said;
}

export function issuedLogLine(t: IssuedToken, context: string): string {
  const aud = t.audiences.length > 0 ? t.audiences.join(', ') : 'the API server';
  const bound = t.boundObject ? `, bound to ${t.boundObject.kind} ${t.boundObject.name}` : '';
  return `Request Token: TokenRequest for ${t.namespace}/${t.serviceAccount} in context ${context}: token sha256:${t.fingerprint}, audiences ${aud}, expires ${t.expirationTimestamp}${bound}.`;
}

/** What Copy Token says once the token is on the clipboard: the token by fingerprint and whose it is, never the token. */
export function copiedToken(fingerprint: string, label?: string): { message: string; status: string; log: string } {
  return {
    message: label
      ? l10n.t('Token sha256:{0} for {1} copied to the clipboard.', fingerprint, label)
      : l10n.t('Token sha256:{0} copied to the clipboard.', fingerprint),
    status: label ? l10n.t('$(check) Copied token sha256:{0} for {1}', fingerprint, label) : l10n.t('$(check) Copied token sha256:{0}', fingerprint),
    log: `Copy Token: token sha256:${fingerprint}${label ? ` of ${label}` : ''} copied to the clipboard.`,
  };
}
