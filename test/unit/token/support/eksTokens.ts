// EKS tokens built as aws-iam-authenticator builds them (pkg/token/token.go, GetWithSTS): an STS
// GetCallerIdentity request with the header x-k8s-aws-id: <cluster>, presigned by aws-sdk-go with
// X-Amz-Expires=60, its URL base64url-encoded without padding after `k8s-aws-v1.`. The query is in the
// order aws-sdk-go writes it (sorted, X-Amz-Signature last). The signature is a real SigV4 signature made
// with a fake secret key, so it has the shape of one and can be searched for in whatever we print.
import { createHash, createHmac } from 'node:crypto';

export interface EksTokenSpec {
  cluster?: string;
  region?: string;
  /** `sts.<region>.amazonaws.com` unless given (`sts.amazonaws.com` is the global endpoint, us-east-1). */
  host?: string;
  /** When it was signed, seconds since the epoch. */
  signedAt: number;
  accessKeyId?: string;
  /** Temporary credentials carry one (never shown). */
  sessionToken?: string;
}

export interface BuiltEksToken {
  token: string;
  url: string;
  signature: string;
  accessKeyId: string;
}

export const FAKE_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const FAKE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** `YYYYMMDDTHHMMSSZ`. */
export function amzDate(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
// RFC 3986 encoding, as SigV4 wants it.
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function buildEksToken(spec: EksTokenSpec): BuiltEksToken {
  const region = spec.region ?? 'eu-west-1';
  const host = spec.host ?? `sts.${region}.amazonaws.com`;
  const cluster = spec.cluster ?? 'prod-eu';
  const accessKeyId = spec.accessKeyId ?? FAKE_ACCESS_KEY_ID;
  const date = amzDate(spec.signedAt);
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/sts/aws4_request`;
  const params: [string, string][] = [
    ['Action', 'GetCallerIdentity'],
    ['Version', '2011-06-15'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${accessKeyId}/${scope}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', '60'],
    ...(spec.sessionToken !== undefined ? [['X-Amz-Security-Token', spec.sessionToken] as [string, string]] : []),
    ['X-Amz-SignedHeaders', 'host;x-k8s-aws-id'],
  ];
  const query = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const canonical = ['GET', '/', query, `host:${host}\nx-k8s-aws-id:${cluster}\n`, 'host;x-k8s-aws-id', sha256Hex('')].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${FAKE_SECRET}`, day), region), 'sts'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const url = `https://${host}/?${query}&X-Amz-Signature=${signature}`;
  return { token: `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`, url, signature, accessKeyId };
}

/** An EKS token around any URL text, for the malformed cases. */
export function eksTokenOf(url: string): string {
  return `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
}
