// What the `hostile` scenario's containers log: 401 lines that carry a secret in every format the
// extension masks, the line that makes a careless masking regex backtrack, 1 MiB lines, and a 200 MB
// log made line by line as it is read (see GeneratedLog in ../podLogs.ts).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GeneratedLog } from '../podLogs';

/** Secrets the logs carry, each in the format its name says; none may reach a log, the history or a view. */
export interface HostileSecrets {
  /** A service-account JWT, in an `Authorization: Bearer` header. */
  jwt: string;
  /** The password of `https://deploy-bot:PASSWORD@registry.hostile.example`. */
  urlPassword: string;
  /** The value of a `password:` key. */
  password: string;
  /** A PEM private key (PKCS#8), its newlines escaped inside a JSON string of one line. */
  privateKeyPem: string;
  /** An OpenShift access token, `sha256~` and 43 characters. */
  openshiftToken: string;
  /** An EKS token, `k8s-aws-v1.` and a presigned STS URL in base64url. */
  eksToken: string;
  /** The value of a `session` cookie. */
  cookie: string;
  /** A `password=` value at the very end of a 1 MiB line, far past what any view shows of a line. */
  pastTheCap: string;
}

/** `401 Unauthorized authorization:`, 64 KiB of spaces, `,`: a regex that tries every split of the spaces is quadratic here. */
export const MASKING_SPACES = 64 * 1024;
export const MASKING_LINE = `401 Unauthorized authorization:${' '.repeat(MASKING_SPACES)},`;
export const MEBIBYTE = 1024 * 1024;

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Fresh secrets for one cluster; `jwt` is a real token the cluster issued. */
export function makeSecrets(jwt: string): HostileSecrets {
  const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const presigned = `https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA${randomBytes(8).toString('hex').toUpperCase()}%2F20261122%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20261122T031852Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=${randomBytes(32).toString('hex')}`;
  return {
    jwt,
    urlPassword: `reg-${token(18)}`,
    password: `pw-${token(18)}`,
    privateKeyPem,
    openshiftToken: `sha256~${token(32).slice(0, 43)}`,
    eksToken: `k8s-aws-v1.${Buffer.from(presigned).toString('base64url')}`,
    cookie: token(24),
    pastTheCap: `cap-${token(18)}`,
  };
}

/** The 401 lines of the masking-line pod that carry the secrets, one format each. */
export function secretLines(s: HostileSecrets): string[] {
  const pemInJson = JSON.stringify({ clientKey: s.privateKeyPem });
  return [
    `E1122 03:18:52.101 proxy.go:212] upstream answered 401 Unauthorized; request headers: Authorization: Bearer ${s.jwt}`,
    `level=error msg="pull failed: 401 Unauthorized" url=https://deploy-bot:${s.urlPassword}@registry.hostile.example/v2/app/manifests/1.4.2`,
    `level=error msg="login rejected: 401 Unauthorized" username: deploy-bot password: ${s.password}`,
    `level=error msg="401 Unauthorized with client config" config=${pemInJson}`,
    `level=error msg="oauth: 401 Unauthorized" access token ${s.openshiftToken} was rejected`,
    `level=error msg="aws-iam-authenticator: 401 Unauthorized" presented ${s.eksToken}`,
    `HTTP/1.1 401 Unauthorized for GET /admin; request Cookie: session=${s.cookie}; theme=dark`,
  ];
}

/** Three lines of 1 MiB: a 401 line with a cookie first and a password at its very end, noise, a 401 response body. */
export function mebibyteLines(s: HostileSecrets): string[] {
  const fill = (head: string, tail = ''): string => `${head}${'x'.repeat(MEBIBYTE - head.length - tail.length)}${tail}`;
  return [
    fill(`401 Unauthorized; Cookie: session=${s.cookie}; body=`, ` password=${s.pastTheCap}`),
    fill('level=debug msg="cache dump" data='),
    fill('level=error msg="401 Unauthorized" response body: '),
  ];
}

/** The masking-line pod's whole log, oldest first. */
export function maskingPodLog(s: HostileSecrets): string[] {
  return [
    'level=info msg="proxy started" listen=:8443 upstream=https://kubernetes.default.svc',
    MASKING_LINE,
    ...secretLines(s),
    ...mebibyteLines(s),
    'level=info msg="proxy still serving" connections=12',
  ];
}

export interface HugeLogSpec {
  /** Bytes of the whole log as the kubelet stores it, newlines included (timestamps are added when asked). */
  bytes: number;
  /** Bytes of every line, its newline included. */
  lineBytes: number;
  /** Milliseconds between two lines. */
  everyMs: number;
  /** Every this many lines, one is a 401 line with a secret. */
  unauthorizedEvery: number;
  /** When the last line was written (ms). */
  endMs: number;
}

/** A 401 line short enough for the huge log, carrying one of the secrets that fit. */
function shortSecretLine(s: HostileSecrets, n: number, i: number): string {
  switch (n % 4) {
    case 0:
      return `level=error msg="pull failed" url=https://deploy-bot:${s.urlPassword}@registry.hostile.example/v2/ status=401 error="401 Unauthorized" req=${i}`;
    case 1:
      return `level=error msg="login rejected: 401 Unauthorized" username: deploy-bot password: ${s.password} req=${i}`;
    case 2:
      return `level=error msg="oauth: 401 Unauthorized" access token ${s.openshiftToken} req=${i}`;
    default:
      return `level=error msg="401 Unauthorized" req=${i} cookie="session=${s.cookie}; Path=/"`;
  }
}

/** A log of `spec.bytes` bytes in lines of exactly `spec.lineBytes`, made when asked for: line i never exists before it is read. */
export function hugeLog(s: HostileSecrets, spec: HugeLogSpec): GeneratedLog {
  const lineCount = Math.floor(spec.bytes / spec.lineBytes);
  const width = spec.lineBytes - 1;
  return {
    lineCount,
    line(i) {
      const n = Math.floor(i / spec.unauthorizedEvery);
      const text =
        i % spec.unauthorizedEvery === spec.unauthorizedEvery - 1
          ? shortSecretLine(s, n, i)
          : `level=info msg="request handled" method=GET path=/api/v1/items/${i % 10_000} status=200 duration_ms=${i % 97} req=${i}`;
      return { atMs: spec.endMs - (lineCount - 1 - i) * spec.everyMs, text: text.padEnd(width, ' ').slice(0, width) };
    },
  };
}
