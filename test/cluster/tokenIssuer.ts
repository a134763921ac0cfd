// Service-account tokens minted and checked the way kube-apiserver does it: the claim set,
// the 24 h cap, the 3607 s "warn only" extension, the 60 s leeway and the exact error strings
// a TokenReview reports (compared against the recorded v1.28/v1.32 fixtures).
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { rfc3339Seconds } from './clock';

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}
export interface IssueRequest {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences?: string[];
  expirationSeconds: number;
  boundObject?: BoundObject;
  /** The bound pod's node (1.32 puts it in the token); ignored unless boundObject is a Pod. */
  node?: { name: string; uid?: string };
  nowSeconds: number;
  /** metadata.name of the TokenRequest body; only shows in validation messages (usually ""). */
  requestName?: string;
}
export interface IssuedToken {
  token: string;
  iat: number;
  exp: number;
  warnAfter?: number;
  jti: string;
  audiences: string[];
  /** What TokenRequest status says: iat + granted seconds, RFC 3339. Not the JWT exp when extended. */
  expirationTimestamp: string;
  /** spec.expirationSeconds of the answer: the requested value after the max-expiration cap. */
  expirationSeconds: number;
  /** Text for a `Warning: 299 - "..."` header, e.g. when the lifetime was shortened. */
  warning?: string;
}
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}
export interface StatusDetails {
  group: string;
  kind: string;
  causes: StatusCause[];
}
export type IssueResult = { ok: true; issued: IssuedToken } | { ok: false; code: number; reason: string; message: string; details?: StatusDetails };
export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}
export type AuthResult =
  | {
      ok: true;
      user: UserInfo;
      /** TokenReview status.audiences: the token's audiences that the caller accepts. */
      audiences: string[];
      /** True once a token with warnafter is used after it (the apiserver audits it as stale). */
      stale: boolean;
      /** For a stale token: seconds since warnafter when it was checked, as the stale-token annotation says. */
      secondsAfterWarning?: number;
      /** Set for legacy Secret tokens, so the server can stamp kubernetes.io/legacy-token-last-used. */
      legacySecret?: { namespace: string; name: string };
    }
  | { ok: false; error: string };
export interface LiveObject {
  uid: string;
  deletionTimestampSeconds?: number;
  /** For a legacy token Secret: its decoded data.token, so a replaced token stops working. */
  secretToken?: string;
  /** For a legacy token Secret: its kubernetes.io/legacy-token-invalid-since label, when set. */
  legacyInvalidSince?: string;
}
/**
 * The apiserver's token counters: serviceaccount_stale_tokens_total, _legacy_tokens_total and
 * _valid_tokens_total (valid counts tokens with warnafter used before it). Like the real ones they
 * count checks, not the answers the success cache gives again.
 */
export interface TokenUseCounts {
  stale: number;
  legacy: number;
  valid: number;
}
export type Lookup = (kind: 'Pod' | 'Secret' | 'ServiceAccount' | 'Node', namespace: string, name: string) => LiveObject | undefined;

export interface TokenIssuerOptions {
  issuer?: string;
  apiAudiences?: string[];
  maxExpirationSeconds?: number;
  extendExpiration?: boolean;
  privateKeyPem?: string;
  /** kube-apiserver caches successful authentications for 10 s; 0 (the default here) turns that off. */
  successCacheSeconds?: number;
}

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
export const MIN_EXPIRATION_SECONDS = 600;
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
export const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 60 * 60;
export const LEEWAY_SECONDS = 60;
const MAX_REQUESTABLE_SECONDS = 2 ** 32;
const INVALID_BEARER = 'invalid bearer token';
const INVALIDATED = 'service account token has been invalidated';
const LEGACY_INVALIDATED = 'Token has been invalidated';
const LEGACY_PREFIX = 'kubernetes.io/serviceaccount/';
const EXTRA_PREFIX = 'authentication.kubernetes.io/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class TokenIssuer {
  readonly kid: string;
  readonly issuer: string;
  readonly apiAudiences: string[];
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly maxExpirationSeconds: number;
  private readonly extendExpiration: boolean;
  private readonly successCacheSeconds: number;
  private readonly successCache = new Map<string, { untilSeconds: number; result: AuthResult }>();
  readonly counts: TokenUseCounts = { stale: 0, legacy: 0, valid: 0 };

  private constructor(privateKey: KeyObject, opts: TokenIssuerOptions) {
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.kid = keyIdOf(this.publicKey);
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = [...(opts.apiAudiences ?? [this.issuer])];
    this.maxExpirationSeconds = opts.maxExpirationSeconds ?? 86400;
    this.extendExpiration = opts.extendExpiration ?? true;
    this.successCacheSeconds = opts.successCacheSeconds ?? 0;
  }

  static create(opts: TokenIssuerOptions = {}): TokenIssuer {
    const key = opts.privateKeyPem !== undefined ? createPrivateKey(opts.privateKeyPem) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    if (key.asymmetricKeyType !== 'rsa') {
      throw new Error(`service-account signing key must be RSA, got ${String(key.asymmetricKeyType)}`);
    }
    return new TokenIssuer(key, opts);
  }

  /** The PEM of the signing key, so a restarted test cluster can keep verifying old tokens. */
  privateKeyPem(): string {
    return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ use: 'sig', kty: 'RSA', kid: this.kid, alg: 'RS256', n: jwk.n, e: jwk.e }] };
  }

  openidConfiguration(jwksUri: string): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }

  issue(req: IssueRequest): IssueResult {
    const requested = req.expirationSeconds;
    if (!Number.isInteger(requested) || requested < MIN_EXPIRATION_SECONDS) {
      return invalidExpiration(req.requestName ?? '', requested, 'may not specify a duration less than 10 minutes');
    }
    if (requested > MAX_REQUESTABLE_SECONDS) {
      return invalidExpiration(req.requestName ?? '', requested, 'may not specify a duration larger than 2^32 seconds');
    }
    const audiences = req.audiences !== undefined && req.audiences.length > 0 ? [...req.audiences] : [...this.apiAudiences];
    let granted = requested;
    let warning: string | undefined;
    if (this.maxExpirationSeconds > 0 && granted > this.maxExpirationSeconds) {
      granted = this.maxExpirationSeconds;
      warning = `requested expiration of ${requested} seconds shortened to ${granted} seconds`;
    }
    const iat = Math.floor(req.nowSeconds);
    const bound = req.boundObject;
    // kubelet's default 3607 s asks get a year, with warnafter marking the real deadline.
    const extended =
      this.extendExpiration && bound?.kind === 'Pod' && granted === WARN_ONLY_EXPIRATION_SECONDS && audiences.every((a) => this.apiAudiences.includes(a));
    const exp = iat + (extended ? EXTENDED_EXPIRATION_SECONDS : granted);
    const warnAfter = extended ? iat + granted : undefined;
    const jti = randomUUID();

    const k8s: JsonObject = {
      namespace: req.namespace,
      serviceaccount: { name: req.serviceAccount.name, uid: req.serviceAccount.uid },
    };
    if (bound?.kind === 'Pod') {
      k8s.pod = { name: bound.name, uid: bound.uid };
      if (req.node !== undefined) {
        k8s.node = req.node.uid !== undefined && req.node.uid !== '' ? { name: req.node.name, uid: req.node.uid } : { name: req.node.name };
      }
    } else if (bound?.kind === 'Secret') {
      k8s.secret = { name: bound.name, uid: bound.uid };
    } else if (bound?.kind === 'Node') {
      k8s.node = { name: bound.name, uid: bound.uid };
    }
    if (warnAfter !== undefined) {
      k8s.warnafter = warnAfter;
    }
    const claims: JsonObject = {
      aud: audiences,
      exp,
      iat,
      iss: this.issuer,
      jti,
      'kubernetes.io': k8s,
      nbf: iat,
      sub: `system:serviceaccount:${req.namespace}:${req.serviceAccount.name}`,
    };
    const issued: IssuedToken = {
      token: this.sign(claims),
      iat,
      exp,
      jti,
      audiences,
      expirationTimestamp: rfc3339Seconds(iat + granted),
      expirationSeconds: granted,
    };
    if (warnAfter !== undefined) issued.warnAfter = warnAfter;
    if (warning !== undefined) issued.warning = warning;
    return { ok: true, issued };
  }

  /** The never-expiring token the old token controller wrote into `kubernetes.io/service-account-token` Secrets. */
  legacyToken(p: { namespace: string; serviceAccount: { name: string; uid: string }; secretName: string }): string {
    return this.sign({
      iss: LEGACY_ISSUER,
      [`${LEGACY_PREFIX}namespace`]: p.namespace,
      [`${LEGACY_PREFIX}secret.name`]: p.secretName,
      [`${LEGACY_PREFIX}service-account.name`]: p.serviceAccount.name,
      [`${LEGACY_PREFIX}service-account.uid`]: p.serviceAccount.uid,
      sub: `system:serviceaccount:${p.namespace}:${p.serviceAccount.name}`,
    });
  }

  authenticate(token: string, p: { nowSeconds: number; audiences?: string[]; lookup: Lookup }): AuthResult {
    const requested = p.audiences !== undefined && p.audiences.length > 0 ? p.audiences : this.apiAudiences;
    const cacheKey = this.successCacheSeconds > 0 ? createHash('sha256').update(token).update('\0').update(requested.join('\0')).digest('hex') : undefined;
    if (cacheKey !== undefined) {
      const hit = this.successCache.get(cacheKey);
      if (hit !== undefined && p.nowSeconds < hit.untilSeconds) return hit.result;
      this.successCache.delete(cacheKey);
    }
    const result = this.authenticateUncached(token, requested, p.nowSeconds, p.lookup);
    if (cacheKey !== undefined && result.ok) {
      this.successCache.set(cacheKey, { untilSeconds: p.nowSeconds + this.successCacheSeconds, result });
    }
    return result;
  }

  private authenticateUncached(token: string, requested: string[], now: number, lookup: Lookup): AuthResult {
    const parsed = parseCompact(token);
    // Tokens that are not ours (wrong shape or issuer) fall through every authenticator.
    if (parsed === undefined) return { ok: false, error: INVALID_BEARER };
    const { header, payload } = parsed;
    const legacy = payload.iss === LEGACY_ISSUER;
    if (!legacy && payload.iss !== this.issuer) return { ok: false, error: INVALID_BEARER };
    const signatureError = this.checkSignature(header, parsed.signingInput, parsed.signature);
    if (signatureError !== undefined) return fail(signatureError);

    const claimError = claimTypeError(payload);
    if (claimError !== undefined) return fail(claimError);
    const tokenAudiences = audienceList(payload.aud);
    const effective = tokenAudiences.length > 0 ? tokenAudiences : this.apiAudiences;
    const audiences = effective.filter((a) => requested.includes(a));
    if (audiences.length === 0) {
      return fail(`token audiences ${goQuoteList(effective)} is invalid for the target audiences ${goQuoteList(requested)}`);
    }
    return legacy ? this.validateLegacy(token, payload, audiences, lookup) : this.validateBound(payload, audiences, now, lookup);
  }

  private checkSignature(header: JsonObject, signingInput: string, signature: Buffer): string | undefined {
    const params = signatureParams(header.alg);
    if (params === undefined) return 'square/go-jose: unknown/unsupported algorithm';
    const key = params.pss ? { key: this.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : this.publicKey;
    return verify(params.digest, Buffer.from(signingInput), key, signature) ? undefined : 'square/go-jose: error in cryptographic primitive';
  }

  private validateBound(payload: JsonObject, audiences: string[], now: number, lookup: Lookup): AuthResult {
    const nbf = numberClaim(payload.nbf);
    const exp = numberClaim(payload.exp);
    const iat = numberClaim(payload.iat);
    // go-jose's default leeway, applied the same way on both sides.
    if (nbf !== undefined && now + LEEWAY_SECONDS < nbf) return fail('service account token is not valid yet');
    if (exp !== undefined && now - LEEWAY_SECONDS > exp) return fail('service account token has expired');
    if (iat !== undefined && now + LEEWAY_SECONDS < iat) return fail('service account token is issued in the future');

    const k8s = objectClaim(payload['kubernetes.io']) ?? {};
    const namespace = stringField(k8s.namespace);
    const sa = refClaim(k8s.serviceaccount) ?? { name: '', uid: '' };
    const pod = refClaim(k8s.pod);
    const secret = refClaim(k8s.secret);
    const node = refClaim(k8s.node);
    const deletedLongAgo = (o: LiveObject): boolean => o.deletionTimestampSeconds !== undefined && o.deletionTimestampSeconds < now - LEEWAY_SECONDS;

    const liveSa = lookup('ServiceAccount', namespace, sa.name);
    if (liveSa === undefined) return fail(`serviceaccounts "${sa.name}" not found`);
    if (liveSa.uid !== sa.uid) return fail(`service account UID (${liveSa.uid}) does not match claim (${sa.uid})`);
    if (deletedLongAgo(liveSa)) return fail(`service account ${namespace}/${sa.name} has been deleted`);
    if (secret !== undefined) {
      const live = lookup('Secret', namespace, secret.name);
      if (live === undefined) return fail(INVALIDATED);
      if (live.uid !== secret.uid) return fail(`secret UID (${live.uid}) does not match service account secret ref claim (${secret.uid})`);
      if (deletedLongAgo(live)) return fail(INVALIDATED);
    }
    if (pod !== undefined) {
      const live = lookup('Pod', namespace, pod.name);
      if (live === undefined) return fail(INVALIDATED);
      if (live.uid !== pod.uid) return fail(`pod UID (${live.uid}) does not match service account pod ref claim (${pod.uid})`);
      if (deletedLongAgo(live)) return fail(INVALIDATED);
    } else if (node !== undefined) {
      // Only Node-bound tokens are checked against the Node; a pod's node claim is informational.
      const live = lookup('Node', '', node.name);
      if (live === undefined) return fail(INVALIDATED);
      if (live.uid !== node.uid) return fail(`node UID (${live.uid}) does not match service account node ref claim (${node.uid})`);
      if (deletedLongAgo(live)) return fail(INVALIDATED);
    }

    const extra: Record<string, string[]> = {};
    const jti = stringField(payload.jti);
    if (jti !== '') extra[`${EXTRA_PREFIX}credential-id`] = [`JTI=${jti}`];
    if (node !== undefined && node.name !== '') extra[`${EXTRA_PREFIX}node-name`] = [node.name];
    if (node !== undefined && node.uid !== '') extra[`${EXTRA_PREFIX}node-uid`] = [node.uid];
    if (pod !== undefined) {
      extra[`${EXTRA_PREFIX}pod-name`] = [pod.name];
      extra[`${EXTRA_PREFIX}pod-uid`] = [pod.uid];
    }
    const warnAfter = numberClaim(k8s.warnafter);
    const stale = warnAfter !== undefined && warnAfter !== 0 && now > warnAfter;
    const result: AuthResult = { ok: true, user: serviceAccountUser(namespace, sa.name, sa.uid, extra), audiences, stale };
    // Counted here, behind the success cache, where the apiserver's validator counts them.
    if (warnAfter !== undefined && warnAfter !== 0) {
      if (stale) {
        this.counts.stale++;
        result.secondsAfterWarning = now - warnAfter;
      } else {
        this.counts.valid++;
      }
    }
    return result;
  }

  private validateLegacy(token: string, payload: JsonObject, audiences: string[], lookup: Lookup): AuthResult {
    const sub = stringField(payload.sub);
    const namespace = stringField(payload[`${LEGACY_PREFIX}namespace`]);
    const secretName = stringField(payload[`${LEGACY_PREFIX}secret.name`]);
    const saName = stringField(payload[`${LEGACY_PREFIX}service-account.name`]);
    const saUid = stringField(payload[`${LEGACY_PREFIX}service-account.uid`]);
    if (sub === '') return fail('sub claim is missing');
    if (namespace === '') return fail('namespace claim is missing');
    if (secretName === '') return fail('secretName claim is missing');
    if (saName === '') return fail('serviceAccountName claim is missing');
    if (saUid === '') return fail('serviceAccountUID claim is missing');
    if (sub !== `system:serviceaccount:${namespace}:${saName}`) return fail('sub claim is invalid');

    const secret = lookup('Secret', namespace, secretName);
    if (secret === undefined || secret.deletionTimestampSeconds !== undefined) return fail(LEGACY_INVALIDATED);
    if (secret.secretToken !== undefined && secret.secretToken !== token) return fail("Token does not match server's copy");
    const sa = lookup('ServiceAccount', namespace, saName);
    if (sa === undefined) return fail(`serviceaccounts "${saName}" not found`);
    if (sa.deletionTimestampSeconds !== undefined) return fail(`ServiceAccount ${namespace}/${saName} has been deleted`);
    if (sa.uid !== saUid) return fail(`ServiceAccount UID (${sa.uid}) does not match claim (${saUid})`);
    if (secret.legacyInvalidSince !== undefined && secret.legacyInvalidSince !== '') {
      return fail(
        `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. ` +
          'Use tokens from the TokenRequest API or manually created secret-based tokens, ' +
          "or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
      );
    }
    this.counts.legacy++;
    return {
      ok: true,
      user: serviceAccountUser(namespace, saName, saUid, {}),
      audiences,
      stale: false,
      legacySecret: { namespace, name: secretName },
    };
  }

  private sign(claims: JsonObject): string {
    const header = base64url(goJson({ alg: 'RS256', kid: this.kid }));
    const payload = base64url(goJson(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }
}

/** kube-apiserver's key id: base64url(sha256(DER SubjectPublicKeyInfo)), unpadded. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

function fail(reason: string): AuthResult {
  return { ok: false, error: `[${INVALID_BEARER}, ${reason}]` };
}

function invalidExpiration(name: string, value: number, detail: string): IssueResult {
  const cause = `Invalid value: ${value}: ${detail}`;
  return {
    ok: false,
    code: 422,
    reason: 'Invalid',
    message: `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: ${cause}`,
    details: {
      group: 'authentication.k8s.io',
      kind: 'TokenRequest',
      causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'spec.expirationSeconds' }],
    },
  };
}

function serviceAccountUser(namespace: string, name: string, uid: string, extra: Record<string, string[]>): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    extra,
  };
}

function parseCompact(token: string): { header: JsonObject; payload: JsonObject; signingInput: string; signature: Buffer } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  // Go decodes with RawURLEncoding: padding or foreign characters make it a non-token.
  if (![h, p, s].every((seg) => /^[A-Za-z0-9_-]*$/.test(seg))) return undefined;
  const payload = parseJsonObject(Buffer.from(p, 'base64url').toString('utf8'));
  const header = parseJsonObject(Buffer.from(h, 'base64url').toString('utf8'));
  if (payload === undefined || header === undefined || typeof header.alg !== 'string') return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value = JSON.parse(text) as Json;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function signatureParams(alg: Json | undefined): { digest: string; pss: boolean } | undefined {
  const table: Record<string, { digest: string; pss: boolean }> = {
    RS256: { digest: 'sha256', pss: false },
    RS384: { digest: 'sha384', pss: false },
    RS512: { digest: 'sha512', pss: false },
    PS256: { digest: 'sha256', pss: true },
    PS384: { digest: 'sha384', pss: true },
    PS512: { digest: 'sha512', pss: true },
  };
  return typeof alg === 'string' ? table[alg] : undefined;
}

/** The JSON decoding errors Go reports when a registered claim has the wrong type. */
function claimTypeError(payload: JsonObject): string | undefined {
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const v = payload[name];
    if (v !== undefined && v !== null && typeof v !== 'number') {
      return `json: cannot unmarshal ${goJsonType(v)} into Go struct field Claims.${name} of type jwt.NumericDate`;
    }
  }
  const aud = payload.aud;
  if (aud !== undefined && aud !== null && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    return 'square/go-jose/jwt: expected string or array value to unmarshal to Audience';
  }
  return undefined;
}

function goJsonType(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

function audienceList(aud: Json | undefined): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function numberClaim(v: Json | undefined): number | undefined {
  return typeof v === 'number' ? Math.trunc(v) : undefined;
}

function objectClaim(v: Json | undefined): JsonObject | undefined {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

function stringField(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

function refClaim(v: Json | undefined): { name: string; uid: string } | undefined {
  const o = objectClaim(v);
  return o === undefined ? undefined : { name: stringField(o.name), uid: stringField(o.uid) };
}

/** Go's `%q` of a []string: `["a" "b"]`. */
function goQuoteList(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** encoding/json output: object keys sorted (maps), HTML-sensitive characters escaped. */
function goJson(value: Json): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
