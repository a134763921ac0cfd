// Whether the active cluster's API server accepts a service-account token, decided without asking it: from the
// token's claims, the signature check against the cluster's published keys, the audiences the API server accepts
// and the objects the token is bound to as the session sees them. The checks run in kube-apiserver's order
// (issuer, signature, audience, then its validator: times with 60 s of leeway, service account, Secret, pod), so
// a refusal names the cause its TokenReview names. What cannot be known makes the verdict "unknown", never "valid".
import * as l10n from '@vscode/l10n';
import { LEGACY_ISSUER } from '../token/claims';
import { formatInstant } from '../token/relativeTime';
import { staleMeaning } from '../token/staleness';
import type { DecodedToken, ObjectRef } from '../token/types';
import { semicolonList } from './wording';

/** go-jose's leeway, which kube-apiserver applies to nbf, exp and iat. */
export const LEEWAY_SECONDS = 60;

/** The signature check against the cluster's keys (cluster/live/jwks.ts's SignatureCheck fits). */
export type SignatureInput = { status: 'signed' } | { status: 'notSigned'; reason: string } | { status: 'unchecked'; reason: string };

/** What the session knows of the API server: learned once per session. */
export interface ApiServerIdentity {
  /** `issuer` of its /.well-known/openid-configuration; undefined when not known. */
  issuer?: string;
  /** Audiences it is known to accept (its issuer is one by default). */
  audiences: readonly string[];
  /** True when `audiences` is its whole list: learned from a token it minted for its default audience. */
  audiencesComplete: boolean;
}

export interface PresentObject {
  state: 'present';
  uid: string;
  /** metadata.deletionTimestamp, seconds since the epoch. */
  deletionSec?: number;
}

/** A `kubernetes.io/service-account-token` Secret, with what a legacy token's check reads of it. */
export interface PresentTokenSecret extends PresentObject {
  /** Fingerprint of its data.token. */
  tokenFingerprint?: string;
  /** Its `kubernetes.io/legacy-token-invalid-since` label. */
  invalidSince?: string;
}

export type Presence<P extends PresentObject = PresentObject> = P | { state: 'absent' } | { state: 'unknown'; why: string };

/** The objects a token is bound to, by namespace and name, as far as the session can tell. */
export interface BoundObjects {
  serviceAccount(namespace: string, name: string): Presence;
  pod(namespace: string, name: string): Presence;
  /** Any Secret (a TokenRequest may bind a token to any Secret). */
  secret(namespace: string, name: string): Presence;
  /** A service-account token Secret, which a legacy token lives in. */
  tokenSecret(namespace: string, name: string): Presence<PresentTokenSecret>;
}

export interface VerdictInput {
  token: DecodedToken;
  signature: SignatureInput;
  server: ApiServerIdentity;
  objects: BoundObjects;
  nowSec: number;
}

/** Why the API server refuses a token; each is one family of TokenReview errors. */
export type RefusalReason = 'expired' | 'notYetValid' | 'signature' | 'audience' | 'invalidated' | 'serviceAccount' | 'legacyInvalid' | 'malformed';

export type TokenVerdict =
  /** `acceptance`: `text` without what stale means, for a view that says that elsewhere. */
  | { outcome: 'accepted'; text: string; stale: boolean; acceptance: string }
  /** `why`: the cause alone, without "invalidated: " before it or "the API server refuses it" after it. */
  | { outcome: 'refused'; reason: RefusalReason; text: string; why?: string }
  /** Nothing known refuses it, but something it depends on could not be checked. */
  | { outcome: 'unknown'; text: string }
  /** Not this cluster's token: the verdict does not apply. */
  | { outcome: 'foreign'; text: string };

type Refusal = { reason: RefusalReason; text: string; why: string };

const utc = (seconds: number): string => formatInstant(seconds).utc;

/** A refusal whose words end in "the API server refuses it". */
function refuses(reason: RefusalReason, why: string): Refusal {
  return { reason, why, text: l10n.t('{0}: the API server refuses it', why) };
}

/** A refusal because an object the token is bound to is gone (or changed). */
function invalidated(why: string): Refusal {
  return { reason: 'invalidated', why, text: l10n.t('invalidated: {0}', why) };
}

/** A refusal whose words are its cause. */
function refusal(reason: RefusalReason, text: string): Refusal {
  return { reason, why: text, text };
}

export function tokenVerdict(input: VerdictInput): TokenVerdict {
  const { token, signature, server } = input;
  const claims = token.claims;
  // kube-apiserver takes the legacy path by issuer alone.
  const legacy = claims.iss === LEGACY_ISSUER;
  const unknowns: string[] = [];

  if (!legacy) {
    const notOurs = issuerVerdict(claims.iss, server.issuer, signature, unknowns);
    if (notOurs !== undefined) return notOurs;
  }
  const refused =
    signatureRefusal(signature, unknowns) ??
    audienceRefusal(claims.aud, server, unknowns) ??
    (legacy ? legacyRefusal(input, unknowns) : boundRefusal(input, unknowns));
  if (refused !== undefined) return { outcome: 'refused', ...refused };
  if (unknowns.length > 0) return { outcome: 'unknown', text: l10n.t('whether this API server accepts it is not known: {0}', semicolonList(unknowns)) };
  return accepted(input);
}

/** The verdict when the token is not (known to be) this cluster's; otherwise undefined, adding what could not be told. */
function issuerVerdict(iss: string | undefined, issuer: string | undefined, signature: SignatureInput, unknowns: string[]): TokenVerdict | undefined {
  if (issuer === undefined) {
    // Without the issuer, this cluster's keys are what make the token its own.
    if (signature.status === 'signed') return undefined;
    const keys = signature.status === 'notSigned' ? l10n.t('its keys did not sign it') : l10n.t('its signature could not be checked ({0})', signature.reason);
    return { outcome: 'unknown', text: l10n.t("whose token it is cannot be told: this cluster's issuer is not known, and {0}", keys) };
  }
  if (iss === issuer) return undefined;
  // An API server may accept several issuers but publishes only the first; its keys signing the token say it is one.
  if (signature.status === 'signed') {
    unknowns.push(l10n.t('it names issuer {0}, not {1}, the one this cluster publishes', iss ?? l10n.t('(none)'), issuer));
    return undefined;
  }
  return {
    outcome: 'foreign',
    text: iss === undefined ? l10n.t("it names no issuer; this cluster's is {0}", issuer) : l10n.t('issued by {0}, not by this cluster ({1})', iss, issuer),
  };
}

function signatureRefusal(signature: SignatureInput, unknowns: string[]): Refusal | undefined {
  if (signature.status === 'notSigned') return refuses('signature', l10n.t("not signed by this cluster's keys ({0})", signature.reason));
  if (signature.status === 'unchecked') unknowns.push(l10n.t('its signature could not be checked ({0})', signature.reason));
  return undefined;
}

function audienceRefusal(aud: readonly string[], server: ApiServerIdentity, unknowns: string[]): Refusal | undefined {
  // A token without audiences is taken as being for the API server's own.
  if (aud.length === 0 || aud.some((a) => server.audiences.includes(a))) return undefined;
  const named = aud.join(', ');
  if (server.audiencesComplete) {
    return refusal('audience', l10n.t('for audience {0}, not accepted by this API server (it accepts {1})', named, server.audiences.join(', ')));
  }
  const known = server.audiences.length > 0 ? l10n.t('only {0} is known to be one', server.audiences.join(', ')) : l10n.t('none is known yet');
  unknowns.push(l10n.t("it is for audience {0}, and of this API server's audiences {1} (a live token of a pod tells them all)", named, known));
  return undefined;
}

function boundRefusal(input: VerdictInput, unknowns: string[]): Refusal | undefined {
  return timeRefusal(input) ?? objectsRefusal(input, unknowns);
}

function timeRefusal({ token, nowSec }: VerdictInput): Refusal | undefined {
  const { nbf, exp, iat } = token.claims;
  if (nbf !== undefined && nowSec + LEEWAY_SECONDS < nbf)
    return refusal('notYetValid', l10n.t('not valid before {0}: the API server refuses it until then', utc(nbf)));
  if (exp !== undefined && nowSec - LEEWAY_SECONDS > exp) return refuses('expired', l10n.t('expired at {0}', utc(exp)));
  if (iat !== undefined && nowSec + LEEWAY_SECONDS < iat) {
    return refusal(
      'notYetValid',
      l10n.t('issued in the future ({0}): the API server refuses it; check the clocks of the issuer and of this machine', utc(iat)),
    );
  }
  return undefined;
}

function objectsRefusal({ token, objects, nowSec }: VerdictInput, unknowns: string[]): Refusal | undefined {
  const k = token.claims.kubernetes;
  const namespace = k?.namespace ?? '';
  const sa = k?.serviceAccount;
  if (sa === undefined) return refuses('malformed', l10n.t('it names no service account'));
  const deletedLongAgo = (p: PresentObject): boolean => p.deletionSec !== undefined && p.deletionSec < nowSec - LEEWAY_SECONDS;

  const account = objects.serviceAccount(namespace, sa.name);
  const saName = `${namespace}/${sa.name}`;
  if (account.state === 'absent') return refusal('serviceAccount', l10n.t('its service account was deleted: {0} no longer exists', saName));
  if (account.state === 'unknown') unknowns.push(l10n.t('whether service account {0} still exists ({1})', saName, account.why));
  else if (account.uid !== (sa.uid ?? '')) {
    return refusal('serviceAccount', remadeAccount(saName, account.uid, sa.uid ?? l10n.t('(none)')));
  } else if (deletedLongAgo(account)) return refusal('serviceAccount', l10n.t('its service account was deleted: {0} is being deleted', saName));

  const bound: [kind: 'Secret' | 'pod', ref: ObjectRef | undefined, look: (ns: string, name: string) => Presence][] = [
    ['Secret', k?.secret, (ns, name) => objects.secret(ns, name)],
    ['pod', k?.pod, (ns, name) => objects.pod(ns, name)],
  ];
  for (const [kind, ref, look] of bound) {
    if (ref === undefined) continue;
    const uid = ref.uid ?? l10n.t('none');
    const what = kind === 'Secret' ? l10n.t('Secret {0} (uid {1})', ref.name, uid) : l10n.t('pod {0} (uid {1})', ref.name, uid);
    const seen = look(namespace, ref.name);
    if (seen.state === 'absent') return invalidated(l10n.t('its {0} is gone', what));
    if (seen.state === 'unknown') {
      const where = `${namespace}/${ref.name}`;
      unknowns.push(
        kind === 'Secret'
          ? l10n.t('whether its Secret {0} still exists ({1})', where, seen.why)
          : l10n.t('whether its pod {0} still exists ({1})', where, seen.why),
      );
    } else if (seen.uid !== (ref.uid ?? ''))
      return invalidated(
        kind === 'Secret'
          ? l10n.t('its {0} is gone; the Secret of that name now is uid {1}', what, seen.uid)
          : l10n.t('its {0} is gone; the pod of that name now is uid {1}', what, seen.uid),
      );
    else if (deletedLongAgo(seen)) return invalidated(l10n.t('its {0} is being deleted since {1}', what, utc(seen.deletionSec ?? nowSec)));
  }
  // A token bound to a Node only (no pod) dies with the Node, which the session does not list.
  if (k?.pod === undefined && k?.node !== undefined) unknowns.push(l10n.t('whether its node {0} still exists (nodes are not listed)', k.node.name));
  return undefined;
}

function legacyRefusal({ token, objects }: VerdictInput, unknowns: string[]): Refusal | undefined {
  const k = token.claims.kubernetes;
  const namespace = k?.namespace;
  const secretName = k?.secret?.name;
  const sa = k?.serviceAccount;
  if (namespace === undefined || secretName === undefined || sa?.uid === undefined) {
    return refuses('malformed', l10n.t('a legacy token without its namespace, Secret or service-account claims'));
  }
  if (token.claims.sub !== `system:serviceaccount:${namespace}:${sa.name}`)
    return refuses('malformed', l10n.t('its sub claim does not name its service account'));
  const where = `${namespace}/${secretName}`;
  const secret = objects.tokenSecret(namespace, secretName);
  if (secret.state === 'absent' || (secret.state === 'present' && secret.deletionSec !== undefined)) {
    return invalidated(l10n.t('its Secret {0} is gone', where));
  }
  if (secret.state === 'unknown') unknowns.push(l10n.t('whether its Secret {0} still exists ({1})', where, secret.why));
  else if (secret.tokenFingerprint !== undefined && secret.tokenFingerprint !== token.fingerprint) {
    return invalidated(l10n.t('its Secret {0} holds another token now', where));
  }
  const saName = `${namespace}/${sa.name}`;
  const account = objects.serviceAccount(namespace, sa.name);
  if (account.state === 'absent') return refusal('serviceAccount', l10n.t('its service account was deleted: {0} no longer exists', saName));
  if (account.state === 'unknown') unknowns.push(l10n.t('whether service account {0} still exists ({1})', saName, account.why));
  else if (account.deletionSec !== undefined) return refusal('serviceAccount', l10n.t('its service account was deleted: {0} is being deleted', saName));
  else if (account.uid !== sa.uid) return refusal('serviceAccount', remadeAccount(saName, account.uid, sa.uid));
  if (secret.state === 'present' && secret.invalidSince !== undefined && secret.invalidSince !== '') {
    return refuses(
      'legacyInvalid',
      l10n.t('marked invalid since {0} (label kubernetes.io/legacy-token-invalid-since on Secret {1})', secret.invalidSince, where),
    );
  }
  return undefined;
}

function remadeAccount(saName: string, uid: string, tokenUid: string): string {
  return l10n.t('its service account was deleted: {0} was made again (uid {1}), the token is for uid {2}', saName, uid, tokenUid);
}

function accepted({ token, nowSec }: VerdictInput): TokenVerdict {
  const { exp, nbf } = token.claims;
  const warnAfter = token.claims.kubernetes?.warnAfter;
  // As kube-apiserver counts it: a token used after its warnafter is stale.
  const stale = warnAfter !== undefined && warnAfter !== 0 && nowSec > warnAfter;
  let text = l10n.t('accepted by this API server');
  if (exp !== undefined && nowSec >= exp) {
    text = l10n.t(
      "accepted by this API server for {0} s more: it expired at {1}, inside the API server's {2} s leeway for clock skew",
      Math.max(0, exp + LEEWAY_SECONDS - nowSec),
      utc(exp),
      LEEWAY_SECONDS,
    );
  } else if (nbf !== undefined && nowSec < nbf) {
    text = l10n.t(
      "accepted by this API server: it is not valid before {0}, but that is inside the API server's {1} s leeway for clock skew",
      utc(nbf),
      LEEWAY_SECONDS,
    );
  }
  return { outcome: 'accepted', text: stale ? l10n.t('{0}, but stale: {1}', text, staleMeaning(warnAfter)) : text, stale, acceptance: text };
}
