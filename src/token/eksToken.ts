// An Amazon EKS bearer token: `k8s-aws-v1.` and the base64url of a presigned STS GetCallerIdentity URL,
// as `aws eks get-token` and `aws-iam-authenticator token` make it. Read strictly, the way
// aws-iam-authenticator's verifier reads it, without calling STS. Pure: no vscode, no network.
// The signature and the session token are checked for shape and then dropped; the access key id is kept as
// its first four characters only.
import * as l10n from '@vscode/l10n';
import { fingerprint } from './fingerprint';
import { normalizeToken } from './normalizeToken';
import { formatInstant } from './relativeTime';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** STS accepts a presigned URL for 15 minutes after X-Amz-Date, whatever X-Amz-Expires says (aws-iam-authenticator, pkg/token). */
export const EKS_TOKEN_LIFETIME_SECONDS = 15 * 60;
/** aws-iam-authenticator refuses longer tokens. */
export const EKS_TOKEN_MAX_LENGTH = 4096;
/** The header that names the cluster: signed, so it travels beside the URL and never in it. */
export const EKS_CLUSTER_HEADER = 'x-k8s-aws-id';

export interface EksToken {
  /** The STS endpoint the URL was signed for, e.g. `sts.eu-west-1.amazonaws.com`. */
  host: string;
  /** The region of the signature's credential scope. */
  region: string;
  /** X-Amz-Date, seconds since the epoch. */
  issuedAt: number;
  /** issuedAt + 15 minutes. */
  expiresAt: number;
  /** The first 4 characters of the access key id and "…": `AKIA…` (a long-term key) or `ASIA…` (temporary). */
  accessKeyHint: string;
  /** The access key is temporary (an assumed role, SSO): its prefix is ASIA. */
  temporaryCredentials: boolean;
  /** An X-Amz-Security-Token is in the URL (never kept). */
  hasSessionToken: boolean;
  /** X-Amz-SignedHeaders, lower case. */
  signedHeaders: string[];
  /** X-Amz-Expires as written (60 from the AWS tools): STS ignores it. */
  amzExpiresSeconds?: number;
  /** sha256 of the token, hex, first 16 characters, as for any other token. */
  fingerprint: string;
}

export type EksDecodeResult = { ok: true; token: EksToken } | { ok: false; reason: string };

/** The query parameters aws-iam-authenticator accepts (lower case); any other one makes the token invalid. */
const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// sts.amazonaws.com (the global endpoint, us-east-1), sts.<region>.amazonaws.com, their China partition
// (.amazonaws.com.cn) and the FIPS endpoints.
const STS_HOST = /^sts(?:-fips)?(?:\.([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Shown in a reason: a value from the token, cut short and without control characters. */
function shown(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 60)}…` : clean);
}

/** True when the text (trimmed, without `Bearer `) starts as an EKS token does. */
export function isEksToken(raw: string): boolean {
  return typeof raw === 'string' && normalizeToken(raw).startsWith(EKS_TOKEN_PREFIX);
}

/** `YYYYMMDDTHHMMSSZ` as seconds since the epoch; undefined for anything else, a 30th of February included. */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return same ? ms / 1000 : undefined;
}

function decodeUrlText(payload: string): { ok: true; text: string } | { ok: false; reason: string } {
  if (payload === '') return fail(l10n.t('nothing follows {0}', EKS_TOKEN_PREFIX));
  if (!BASE64URL.test(payload)) return fail(l10n.t('the part after {0} is not base64url (it holds other characters)', EKS_TOKEN_PREFIX));
  // A length of 4n+1 cannot come out of any base64 encoding: the text was cut.
  if (payload.length % 4 === 1) return fail(l10n.t('the base64url is cut short (its length cannot come out of any encoding)'));
  let text: string;
  try {
    text = utf8.decode(Buffer.from(payload, 'base64url'));
  } catch {
    return fail(l10n.t('the base64url does not decode to text'));
  }
  if (!/^[\x21-\x7e]+$/.test(text)) return fail(l10n.t('the base64url does not decode to a URL (it holds spaces or characters a URL cannot)'));
  return { ok: true, text };
}

type Parameters = { ok: true; values: Map<string, string> } | { ok: false; reason: string };

function readParameters(url: URL): Parameters {
  const values = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    const lower = key.toLowerCase();
    if (!ALLOWED_PARAMETERS.has(lower)) return fail(l10n.t('the URL has a query parameter an STS token never carries ({0})', shown(key)));
    if (values.has(lower)) return fail(l10n.t('the URL has the query parameter {0} twice', key));
    values.set(lower, value);
  }
  return { ok: true, values };
}

/**
 * Decodes an EKS token without calling STS. Trims whitespace and a leading `Bearer `. Never throws:
 * a malformed token gives `{ ok: false, reason }` with the first problem found (the caller says "not a valid
 * EKS token: " before it). The cluster name is not in the token: it is the signed `x-k8s-aws-id` header,
 * which the server adds itself when it forwards the URL to STS.
 */
export function decodeEksToken(raw: string): EksDecodeResult {
  const token = normalizeToken(typeof raw === 'string' ? raw : '');
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return fail(l10n.t('it does not start with {0}', EKS_TOKEN_PREFIX));
  if (token.length > EKS_TOKEN_MAX_LENGTH) return fail(l10n.t('it is longer than the {0} characters aws-iam-authenticator accepts', EKS_TOKEN_MAX_LENGTH));
  const text = decodeUrlText(token.slice(EKS_TOKEN_PREFIX.length));
  if (!text.ok) return text;
  let url: URL;
  try {
    url = new URL(text.text);
  } catch {
    return fail(l10n.t('the base64url does not decode to a URL'));
  }
  if (url.protocol !== 'https:') return fail(l10n.t('the URL is not https (its scheme is {0})', shown(url.protocol.replace(/:$/, ''))));
  if (url.username !== '' || url.password !== '' || url.port !== '')
    return fail(l10n.t('the URL names a user, a password or a port, which an STS URL never does'));
  const host = STS_HOST.exec(url.hostname);
  if (!host) return fail(l10n.t('the URL is not an AWS STS endpoint (its host is {0})', shown(url.hostname)));
  if (url.pathname !== '/') return fail(l10n.t("the URL's path is {0}, not /", shown(url.pathname)));
  if (url.hash !== '') return fail(l10n.t('the URL has a fragment, which an STS URL never has'));
  const params = readParameters(url);
  if (!params.ok) return params;
  const q = params.values;
  const action = q.get('action');
  if (action !== 'GetCallerIdentity')
    return fail(action === undefined ? l10n.t('the URL has no Action') : l10n.t("the URL's Action is {0}, not GetCallerIdentity", shown(action)));
  const date = q.get('x-amz-date');
  if (date === undefined || date === '') return fail(l10n.t('the URL has no X-Amz-Date, so when it was signed is unknown'));
  const issuedAt = parseAmzDate(date);
  if (issuedAt === undefined) return fail(l10n.t('X-Amz-Date {0} is not a time in the form YYYYMMDDTHHMMSSZ', shown(date)));
  const algorithm = q.get('x-amz-algorithm');
  if (algorithm !== undefined && algorithm !== 'AWS4-HMAC-SHA256') return fail(l10n.t('X-Amz-Algorithm is {0}, not AWS4-HMAC-SHA256', shown(algorithm)));
  const credential = q.get('x-amz-credential');
  if (credential === undefined) return fail(l10n.t('the URL has no X-Amz-Credential'));
  // <access key id>/<date>/<region>/sts/aws4_request
  const scope = credential.split('/');
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = scope;
  if (scope.length !== 5 || service !== 'sts' || terminator !== 'aws4_request')
    return fail(l10n.t('X-Amz-Credential is not <access key id>/<date>/<region>/sts/aws4_request'));
  if (!ACCESS_KEY_ID.test(accessKeyId)) return fail(l10n.t('X-Amz-Credential does not start with an access key id'));
  if (scopeDate !== date.slice(0, 8)) return fail(l10n.t('the date of X-Amz-Credential is not the date of X-Amz-Date'));
  if (!REGION.test(region)) return fail(l10n.t('the region of X-Amz-Credential, {0}, is not an AWS region', shown(region)));
  const hostRegion = host[1];
  if (hostRegion !== undefined && hostRegion !== region) return fail(l10n.t('the URL is signed for region {0} but sent to {1}', region, url.hostname));
  const signedHeaders = (q.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signedHeaders.includes(EKS_CLUSTER_HEADER)) return fail(l10n.t('the {0} header is not signed, so the token names no cluster', EKS_CLUSTER_HEADER));
  const expires = q.get('x-amz-expires');
  const amzExpires = expires === undefined ? undefined : Number(expires);
  if (amzExpires !== undefined && (!/^\d{1,4}$/.test(expires ?? '') || amzExpires > 900))
    return fail(l10n.t('X-Amz-Expires {0} is not a number of seconds from 0 to 900', shown(expires ?? '')));
  const signature = q.get('x-amz-signature');
  if (signature === undefined) return fail(l10n.t('the URL has no X-Amz-Signature (the token may be cut short)'));
  if (!SIGNATURE.test(signature)) return fail(l10n.t('X-Amz-Signature is not 64 hexadecimal digits (the token may be cut short)'));
  const out: EksToken = {
    host: url.hostname,
    region,
    issuedAt,
    expiresAt: issuedAt + EKS_TOKEN_LIFETIME_SECONDS,
    accessKeyHint: `${accessKeyId.slice(0, 4)}…`,
    temporaryCredentials: accessKeyId.startsWith('ASIA'),
    hasSessionToken: q.has('x-amz-security-token'),
    signedHeaders,
    fingerprint: fingerprint(token),
  };
  if (amzExpires !== undefined) out.amzExpiresSeconds = amzExpires;
  return { ok: true, token: out };
}

/** One line for a log about a decoded EKS token: what identifies it, never its URL, signature or whole access key id. */
export function eksTokenLogLine(token: EksToken): string {
  const issued = formatInstant(token.issuedAt).utc;
  return `Decoded an EKS token (fingerprint sha256:${token.fingerprint}, region ${token.region}, access key ${token.accessKeyHint}, signed ${issued}).`;
}
