// The sample file the walkthrough opens: a kubeconfig and a legacy token Secret with made-up tokens,
// minted at the moment it opens so that "expired 3 days ago" stays true. The tokens are unsigned
// look-alikes: their signature part is a fixed marker, no cluster accepts them, and the file names no
// reachable server (`.invalid` is reserved for exactly this). Its comments are for the user: in the display language.
import * as l10n from '@vscode/l10n';

const DAY_S = 24 * 3600;

/** The service-account issuer most clusters use: what a real token from such a cluster would carry. */
const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function segment(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A JWT-shaped token with these claims, whose signature says it is a sample. */
export function sampleToken(claims: Record<string, unknown>): string {
  return `${segment({ alg: 'RS256', kid: 'cluster-credentials-sample' })}.${segment(claims)}.${Buffer.from('not signed: a sample').toString('base64url')}`;
}

export interface SampleCredentials {
  /** The YAML text of the sample file. */
  text: string;
  /** The expired token's `exp`, in seconds since the epoch (three days before `nowMs`). */
  expiredAtS: number;
}

/**
 * Two documents: a kubeconfig whose user holds a bound service-account token that expired three days ago
 * (a year after it was issued: the Patroni incident), and the legacy token Secret of another service account
 * (no expiry at all, its token base64 in `data` as the API server stores it).
 */
export function sampleCredentials(nowMs: number): SampleCredentials {
  const now = Math.floor(nowMs / 1000);
  const expiredAtS = now - 3 * DAY_S;
  const issuedAtS = expiredAtS - 365 * DAY_S;
  const expired = sampleToken({
    aud: [ISSUER],
    exp: expiredAtS,
    iat: issuedAtS,
    nbf: issuedAtS,
    iss: ISSUER,
    jti: 'sample-0001',
    sub: 'system:serviceaccount:db:patroni',
    'kubernetes.io': {
      namespace: 'db',
      serviceaccount: { name: 'patroni', uid: '5d0c6b4e-6a53-4c2e-9d8e-0f1a2b3c4d5e' },
    },
  });
  const legacy = sampleToken({
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': 'payments',
    'kubernetes.io/serviceaccount/secret.name': 'billing-api-token',
    'kubernetes.io/serviceaccount/service-account.name': 'billing-api',
    'kubernetes.io/serviceaccount/service-account.uid': '8a7f9e21-3b4c-4d5e-8f60-718293a4b5c6',
    sub: 'system:serviceaccount:payments:billing-api',
  });
  const text = [
    `# ${l10n.t('A sample from the Cluster Credentials walkthrough: made-up tokens, no signature, no reachable server.')}`,
    `# ${l10n.t('Hover a token to see whom it names and when it expires. The expired one is also in the Problems panel.')}`,
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: sample',
    '    cluster:',
    '      server: https://sample.invalid:6443',
    'users:',
    '  - name: patroni',
    '    user:',
    `      token: ${expired}`,
    'contexts:',
    '  - name: sample',
    '    context:',
    '      cluster: sample',
    '      user: patroni',
    'current-context: sample',
    '---',
    `# ${l10n.t('A legacy service-account token Secret: its token never expires, and it works until the Secret is deleted.')}`,
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: billing-api-token',
    '  namespace: payments',
    '  annotations:',
    '    kubernetes.io/service-account.name: billing-api',
    'type: kubernetes.io/service-account-token',
    'data:',
    `  token: ${Buffer.from(legacy, 'utf8').toString('base64')}`,
    '',
  ].join('\n');
  return { text, expiredAtS };
}
