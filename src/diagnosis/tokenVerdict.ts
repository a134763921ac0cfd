// Whether the active cluster's API server accepts a service-account token, decided without asking it: from the
// token's claims, the signature check against the cluster's published keys, the audiences the API server accepts
// and the objects the token is bound to as the session sees them. The checks run in kube-apiserver's order
// (issuer, signature, audience, then its validator: times with 60 s of leeway, service account, Secret, pod), so
// a refusal names the cause its TokenReview names. What cannot be known makes the verdict "unknown", never "valid".
import { LEGACY_ISSUER } from '../token/claims';
import { formatInstant } from '../token/relativeTime';
import { staleMeaning } from '../token/staleness';
import type { DecodedToken, ObjectRef } from '../token/types';

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
  | { outcome: 'refused'; reason: RefusalReason; text: string }
  /** Nothing known refuses it, but something it depends on could not be checked. */
  | { outcome: 'unknown'; text: string }
  /** Not this cluster's token: the verdict does not apply. */
  | { outcome: 'foreign'; text: string };

type Refusal = { reason: RefusalReason; text: string };

const utc = (seconds: number): string => formatInstant(seconds).utc;

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
  const refusal =
    signatureRefusal(signature, unknowns) ??
    audienceRefusal(claims.aud, server, unknowns) ??
    (legacy ? legacyRefusal(input, unknowns) : boundRefusal(input, unknowns));
  if (refusal !== undefined) return { outcome: 'refused', ...refusal };
  if (unknowns.length > 0) return { outcome: 'unknown', text: `whether this API server accepts it is not known: ${unknowns.join('; ')}` };
  return accepted(input);
}

/** The verdict when the token is not (known to be) this cluster's; otherwise undefined, adding what could not be told. */
function issuerVerdict(iss: string | undefined, issuer: string | undefined, signature: SignatureInput, unknowns: string[]): TokenVerdict | undefined {
  if (issuer === undefined) {
    // Without the issuer, this cluster's keys are what make the token its own.
    if (signature.status === 'signed') return undefined;
    const keys = signature.status === 'notSigned' ? 'its keys did not sign it' : `its signature could not be checked (${signature.reason})`;
    return { outcome: 'unknown', text: `whose token it is cannot be told: this cluster's issuer is not known, and ${keys}` };
  }
  if (iss === issuer) return undefined;
  // An API server may accept several issuers but publishes only the first; its keys signing the token say it is one.
  if (signature.status === 'signed') {
    unknowns.push(`it names issuer ${iss ?? '(none)'}, not ${issuer}, the one this cluster publishes`);
    return undefined;
  }
  return {
    outcome: 'foreign',
    text: iss === undefined ? `it names no issuer; this cluster's is ${issuer}` : `issued by ${iss}, not by this cluster (${issuer})`,
  };
}

function signatureRefusal(signature: SignatureInput, unknowns: string[]): Refusal | undefined {
  if (signature.status === 'notSigned')
    return { reason: 'signature', text: `not signed by this cluster's keys (${signature.reason}): the API server refuses it` };
  if (signature.status === 'unchecked') unknowns.push(`its signature could not be checked (${signature.reason})`);
  return undefined;
}

function audienceRefusal(aud: readonly string[], server: ApiServerIdentity, unknowns: string[]): Refusal | undefined {
  // A token without audiences is taken as being for the API server's own.
  if (aud.length === 0 || aud.some((a) => server.audiences.includes(a))) return undefined;
  const named = aud.join(', ');
  if (server.audiencesComplete) {
    return { reason: 'audience', text: `for audience ${named}, not accepted by this API server (it accepts ${server.audiences.join(', ')})` };
  }
  const known = server.audiences.length > 0 ? `only ${server.audiences.join(', ')} is known to be one` : 'none is known yet';
  unknowns.push(`it is for audience ${named}, and of this API server's audiences ${known} (a live token of a pod tells them all)`);
  return undefined;
}

function boundRefusal(input: VerdictInput, unknowns: string[]): Refusal | undefined {
  return timeRefusal(input) ?? objectsRefusal(input, unknowns);
}

function timeRefusal({ token, nowSec }: VerdictInput): Refusal | undefined {
  const { nbf, exp, iat } = token.claims;
  if (nbf !== undefined && nowSec + LEEWAY_SECONDS < nbf)
    return { reason: 'notYetValid', text: `not valid before ${utc(nbf)}: the API server refuses it until then` };
  if (exp !== undefined && nowSec - LEEWAY_SECONDS > exp) return { reason: 'expired', text: `expired at ${utc(exp)}: the API server refuses it` };
  if (iat !== undefined && nowSec + LEEWAY_SECONDS < iat) {
    return { reason: 'notYetValid', text: `issued in the future (${utc(iat)}): the API server refuses it; check the clocks of the issuer and of this machine` };
  }
  return undefined;
}

function objectsRefusal({ token, objects, nowSec }: VerdictInput, unknowns: string[]): Refusal | undefined {
  const k = token.claims.kubernetes;
  const namespace = k?.namespace ?? '';
  const sa = k?.serviceAccount;
  if (sa === undefined) return { reason: 'malformed', text: 'it names no service account: the API server refuses it' };
  const deletedLongAgo = (p: PresentObject): boolean => p.deletionSec !== undefined && p.deletionSec < nowSec - LEEWAY_SECONDS;

  const account = objects.serviceAccount(namespace, sa.name);
  const saName = `${namespace}/${sa.name}`;
  if (account.state === 'absent') return { reason: 'serviceAccount', text: `its service account was deleted: ${saName} no longer exists` };
  if (account.state === 'unknown') unknowns.push(`whether service account ${saName} still exists (${account.why})`);
  else if (account.uid !== (sa.uid ?? '')) {
    return {
      reason: 'serviceAccount',
      text: `its service account was deleted: ${saName} was made again (uid ${account.uid}), the token is for uid ${sa.uid ?? '(none)'}`,
    };
  } else if (deletedLongAgo(account)) return { reason: 'serviceAccount', text: `its service account was deleted: ${saName} is being deleted` };

  const bound: [kind: 'Secret' | 'pod', ref: ObjectRef | undefined, look: (ns: string, name: string) => Presence][] = [
    ['Secret', k?.secret, (ns, name) => objects.secret(ns, name)],
    ['pod', k?.pod, (ns, name) => objects.pod(ns, name)],
  ];
  for (const [kind, ref, look] of bound) {
    if (ref === undefined) continue;
    const what = `${kind} ${ref.name} (uid ${ref.uid ?? 'none'})`;
    const seen = look(namespace, ref.name);
    if (seen.state === 'absent') return { reason: 'invalidated', text: `invalidated: its ${what} is gone` };
    if (seen.state === 'unknown') unknowns.push(`whether its ${kind} ${namespace}/${ref.name} still exists (${seen.why})`);
    else if (seen.uid !== (ref.uid ?? ''))
      return { reason: 'invalidated', text: `invalidated: its ${what} is gone; the ${kind} of that name now is uid ${seen.uid}` };
    else if (deletedLongAgo(seen)) return { reason: 'invalidated', text: `invalidated: its ${what} is being deleted since ${utc(seen.deletionSec ?? nowSec)}` };
  }
  // A token bound to a Node only (no pod) dies with the Node, which the session does not list.
  if (k?.pod === undefined && k?.node !== undefined) unknowns.push(`whether its node ${k.node.name} still exists (nodes are not listed)`);
  return undefined;
}

function legacyRefusal({ token, objects }: VerdictInput, unknowns: string[]): Refusal | undefined {
  const k = token.claims.kubernetes;
  const namespace = k?.namespace;
  const secretName = k?.secret?.name;
  const sa = k?.serviceAccount;
  if (namespace === undefined || secretName === undefined || sa?.uid === undefined) {
    return { reason: 'malformed', text: 'a legacy token without its namespace, Secret or service-account claims: the API server refuses it' };
  }
  if (token.claims.sub !== `system:serviceaccount:${namespace}:${sa.name}`)
    return { reason: 'malformed', text: 'its sub claim does not name its service account: the API server refuses it' };
  const where = `${namespace}/${secretName}`;
  const secret = objects.tokenSecret(namespace, secretName);
  if (secret.state === 'absent' || (secret.state === 'present' && secret.deletionSec !== undefined)) {
    return { reason: 'invalidated', text: `invalidated: its Secret ${where} is gone` };
  }
  if (secret.state === 'unknown') unknowns.push(`whether its Secret ${where} still exists (${secret.why})`);
  else if (secret.tokenFingerprint !== undefined && secret.tokenFingerprint !== token.fingerprint) {
    return { reason: 'invalidated', text: `invalidated: its Secret ${where} holds another token now` };
  }
  const saName = `${namespace}/${sa.name}`;
  const account = objects.serviceAccount(namespace, sa.name);
  if (account.state === 'absent') return { reason: 'serviceAccount', text: `its service account was deleted: ${saName} no longer exists` };
  if (account.state === 'unknown') unknowns.push(`whether service account ${saName} still exists (${account.why})`);
  else if (account.deletionSec !== undefined) return { reason: 'serviceAccount', text: `its service account was deleted: ${saName} is being deleted` };
  else if (account.uid !== sa.uid) {
    return { reason: 'serviceAccount', text: `its service account was deleted: ${saName} was made again (uid ${account.uid}), the token is for uid ${sa.uid}` };
  }
  if (secret.state === 'present' && secret.invalidSince !== undefined && secret.invalidSince !== '') {
    return {
      reason: 'legacyInvalid',
      text: `marked invalid since ${secret.invalidSince} (label kubernetes.io/legacy-token-invalid-since on Secret ${where}): the API server refuses it`,
    };
  }
  return undefined;
}

function accepted({ token, nowSec }: VerdictInput): TokenVerdict {
  const { exp, nbf } = token.claims;
  const warnAfter = token.claims.kubernetes?.warnAfter;
  // As kube-apiserver counts it: a token used after its warnafter is stale.
  const stale = warnAfter !== undefined && warnAfter !== 0 && nowSec > warnAfter;
  let text = 'accepted by this API server';
  if (exp !== undefined && nowSec >= exp) {
    text += ` for ${Math.max(0, exp + LEEWAY_SECONDS - nowSec)} s more: it expired at ${utc(exp)}, inside the API server's ${LEEWAY_SECONDS} s leeway for clock skew`;
  } else if (nbf !== undefined && nowSec < nbf) {
    text += `: it is not valid before ${utc(nbf)}, but that is inside the API server's ${LEEWAY_SECONDS} s leeway for clock skew`;
  }
  return { outcome: 'accepted', text: stale ? `${text}, but stale: ${staleMeaning(warnAfter)}` : text, stale, acceptance: text };
}
