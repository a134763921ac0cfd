// Amazon EKS authentication as aws-iam-authenticator does it, in the test cluster: a `k8s-aws-v1.`
// token is a presigned STS GetCallerIdentity URL. The authenticator reads it strictly (host, action,
// parameters, the signed x-k8s-aws-id header, X-Amz-Date at most 15 minutes old), then does what STS
// would: recomputes the SigV4 signature with the cluster's own name in x-k8s-aws-id, under the secret
// of the access key, and maps the caller's role through aws-auth.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthnResult, TokenWebhook } from '../auth';
import type { Clock } from '../clock';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** STS accepts a presigned URL this long after X-Amz-Date, whatever X-Amz-Expires says. */
export const EKS_PRESIGN_LIFETIME_SECONDS = 15 * 60;
/** STS refuses a signature dated further ahead than this ("Signature not yet current"). */
const FUTURE_SKEW_SECONDS = 15 * 60;

const STS_HOST = /^sts\.([a-z0-9-]+)\.amazonaws\.com$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ALLOWED = new Set([
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
]);

/** An IAM principal the fake STS knows: its access key's secret and who it is. */
export interface AwsPrincipal {
  secretAccessKey: string;
  /** The role the key's session belongs to, `arn:aws:iam::<account>:role/<name>`. */
  roleArn: string;
  sessionName: string;
}

/** An aws-auth mapRoles entry. */
export interface AwsRoleMapping {
  rolearn: string;
  username: string;
  groups: string[];
}

export interface EksAuthConfig {
  /** The cluster's name, which the token must have signed as x-k8s-aws-id. */
  clusterName: string;
  principals: ReadonlyMap<string, AwsPrincipal>;
  /** The aws-auth mapRoles as they are now. */
  mapRoles(): readonly AwsRoleMapping[];
  clock: Clock;
}

/** RFC 3986 encoding, as SigV4 canonical query strings need it. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The SigV4 signature of a presigned GET on `host` with the query `params` (X-Amz-Signature left out) and
 * the signed headers host and x-k8s-aws-id, as STS computes it to check a presigned URL.
 */
export function presignedSignature(opts: { host: string; params: [string, string][]; clusterName: string; secretAccessKey: string }): string {
  const lookup = new Map(opts.params);
  const amzDate = lookup.get('X-Amz-Date') ?? '';
  const [, day = '', region = '', service = '', terminator = ''] = (lookup.get('X-Amz-Credential') ?? '').split('/');
  const query = opts.params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', query, `host:${opts.host}`, `x-k8s-aws-id:${opts.clusterName}`, '', 'host;x-k8s-aws-id', sha256Hex('')].join('\n');
  const scope = `${day}/${region}/${service}/${terminator}`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${opts.secretAccessKey}`, day), region), service), terminator);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

function amzDateSeconds(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(ms).getUTCDate() === d ? ms / 1000 : undefined;
}

/** aws-iam-authenticator's words for a token it cannot read. */
const badFormat = (why: string): AuthnResult => ({ ok: false, error: `input token was not properly formatted: ${why}` });

export function authenticateEks(config: EksAuthConfig, token: string): AuthnResult {
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return badFormat('error decoding the presigned URL');
  }
  const host = STS_HOST.exec(url.hostname);
  if (url.protocol !== 'https:' || host === null || url.pathname !== '/') return badFormat(`unexpected hostname "${url.hostname}" in pre-signed URL`);
  const params: [string, string][] = [...url.searchParams];
  for (const [k] of params) if (!ALLOWED.has(k)) return badFormat(`non-whitelisted query parameter "${k}"`);
  const q = new Map(params);
  if (q.size !== params.length) return badFormat('a query parameter appears twice');
  if (q.get('Action') !== 'GetCallerIdentity') return badFormat('unexpected action parameter in pre-signed URL');
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return badFormat('unsupported X-Amz-Algorithm');
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) return badFormat('client did not sign the x-k8s-aws-id header in the pre-signed URL');
  const date = amzDateSeconds(q.get('X-Amz-Date') ?? '');
  if (date === undefined) return badFormat('X-Amz-Date parameter is not a date');
  const now = config.clock.nowSeconds();
  if (now - date > EKS_PRESIGN_LIFETIME_SECONDS) {
    return badFormat(`X-Amz-Date parameter is expired (15 minute expiration) ${new Date(date * 1000).toISOString()}`);
  }
  if (date - now > FUTURE_SKEW_SECONDS) return { ok: false, error: 'sts getCallerIdentity failed: SignatureDoesNotMatch: Signature not yet current' };
  const [accessKeyId = '', , region = '', service = '', terminator = ''] = (q.get('X-Amz-Credential') ?? '').split('/');
  if (region !== host[1] || service !== 'sts' || terminator !== 'aws4_request') return badFormat('X-Amz-Credential does not match the STS endpoint');
  const principal = config.principals.get(accessKeyId);
  if (principal === undefined) {
    return { ok: false, error: 'sts getCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid.' };
  }
  const expected = presignedSignature({ host: url.hostname, params, clusterName: config.clusterName, secretAccessKey: principal.secretAccessKey });
  const given = Buffer.from(q.get('X-Amz-Signature') ?? '', 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
    // Also what a token made for another cluster gets: its x-k8s-aws-id is not this cluster's name.
    return {
      ok: false,
      error: 'sts getCallerIdentity failed: SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
    };
  }
  const mapping = config.mapRoles().find((m) => m.rolearn === principal.roleArn);
  if (mapping === undefined) return { ok: false, error: `ARN is not mapped: ${principal.roleArn}` };
  const [, , , , account = '', resource = ''] = principal.roleArn.split(':');
  const roleName = resource.replace(/^role\//, '');
  const sessionArn = `arn:aws:sts::${account}:assumed-role/${roleName}/${principal.sessionName}`;
  return {
    ok: true,
    user: {
      username: mapping.username.replace('{{SessionName}}', principal.sessionName).replace('{{AccountID}}', account),
      uid: `aws-iam-authenticator:${account}:${accessKeyId}`,
      groups: [...mapping.groups, 'system:authenticated'],
      extra: {
        accessKeyId: [accessKeyId],
        arn: [sessionArn],
        canonicalArn: [principal.roleArn],
        sessionName: [principal.sessionName],
      },
    },
  };
}

/** The authenticator as the apiserver reaches it: a token webhook for `k8s-aws-v1.` tokens. */
export function eksWebhook(config: EksAuthConfig): TokenWebhook {
  return { handles: (token) => token.startsWith(EKS_TOKEN_PREFIX), review: (token) => authenticateEks(config, token) };
}
