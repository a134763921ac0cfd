// The documents Request Token and Review Token open in a text editor: plain text in padded columns, not
// markdown source; the raw token never in them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { IssuedToken } from '../../../../src/cluster/actions/requestToken';
import { issuedTokenDocument, reviewDocument } from '../../../../src/ui/commands/tokenDocument';

const NOW = 1_800_000_000;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = [
  b64url({ alg: 'RS256', kid: 'k' }),
  b64url({
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: 'system:serviceaccount:payments:api',
    aud: ['vault'],
    iat: NOW,
    exp: NOW + 3600,
    jti: 'j-1',
    'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'sa-uid' }, pod: { name: 'api-1', uid: 'pod-uid' } },
  }),
  'c2lnbmF0dXJl',
].join('.');
const FP = createHash('sha256').update(TOKEN).digest('hex').slice(0, 16);
const issued: IssuedToken = {
  token: TOKEN,
  fingerprint: FP,
  namespace: 'payments',
  serviceAccount: 'api',
  expirationTimestamp: new Date((NOW + 3600) * 1000).toISOString(),
  expirationSeconds: 3600,
  audiences: ['vault'],
  boundObject: { kind: 'Pod', name: 'api-1' },
};

/** The `  Label  value` rows of a block, as [label, value, column where the value starts]. */
function rowsOf(block: string): [string, string, number][] {
  return block
    .split('\n')
    .map((l) => /^ {2}(\S(?:.*?\S)?) {2,}(\S.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] ?? '', m[2] ?? '', (m[0] ?? '').length - (m[2] ?? '').length]);
}

describe('the Request Token document', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('is plain text: a title, then what was granted in padded columns, with no markdown', () => {
    const doc = issuedTokenDocument(issued, 'prod', NOW);
    assert.match(doc, /^Token for service account payments\/api\n={38}\n\nIssued by a TokenRequest in context prod\./);
    assert.doesNotMatch(doc, /\||```|\*\*|^#|`/m, 'no table pipes, fences, bold, headings or inline code');
    const granted = rowsOf(doc.slice(0, doc.indexOf('Decoded token')));
    assert.deepEqual(
      granted.map(([k, v]) => [k, v]),
      [
        ['Fingerprint', `sha256:${FP}`],
        ['Audiences', 'vault'],
        ['Lifetime granted', '3600 s'],
        ['Expiry', 'expires 2027-01-15T09:00:00 UTC (in 1 h)'],
        ['Bound to', 'Pod api-1 (the token stops working when it is deleted)'],
        ['Refreshed by', 'nobody: request a new token before this one expires'],
      ],
    );
    assert.equal(new Set(granted.map(([, , column]) => column)).size, 1, 'the values start in one column');
  });

  it('then the decoded token as the hover shows it, its JSON, and no raw token', () => {
    const doc = issuedTokenDocument(issued, 'prod', NOW);
    const decoded = doc.slice(doc.indexOf('Decoded token\n-------------\n'));
    assert.match(decoded, /^Service-account token: valid — expires in 1 h$/m);
    const rows = rowsOf(decoded.slice(0, decoded.indexOf('\nHeader\n')));
    assert.deepEqual(rows.find(([k]) => k === 'Bound to')?.[1], 'Pod api-1 (uid pod-uid)');
    assert.deepEqual(rows.find(([k]) => k === 'Expires')?.[1], '2027-01-15T09:00:00 UTC · in 1 h');
    assert.equal(new Set(rows.map(([, , column]) => column)).size, 1, 'the values start in one column');
    // A requested token is refreshed by nobody: no kubelet refresh point.
    assert.ok(!rows.some(([k]) => k.startsWith('Kubelet')));
    assert.match(decoded, /^Claims\n------\n\{\n {2}"iss"/m);
    assert.ok(doc.endsWith('\nThe raw token is not part of this document.\n'));
    assert.ok(!doc.includes(TOKEN));
    assert.ok(!doc.includes('c2lnbmF0dXJl'));
  });

  it('keeps values from the server on their rows', () => {
    const doc = issuedTokenDocument({ ...issued, warning: 'a\nb | c' }, 'prod\nx', NOW);
    assert.match(doc, /^ {2}Server warning {4}a b \| c$/m);
    assert.match(doc, /in context prod x\./);
  });
});

describe('the Review Token document', () => {
  it('is plain text in padded columns', () => {
    const doc = reviewDocument(
      {
        fingerprint: 'abcd',
        authenticated: true,
        audiences: ['https://kubernetes.default.svc'],
        user: {
          username: 'system:serviceaccount:payments:api',
          uid: 'sa-uid',
          groups: ['system:serviceaccounts', 'system:serviceaccounts:payments'],
          extra: { 'authentication.kubernetes.io/pod-name': ['api-1'] },
        },
      },
      'prod',
    );
    assert.match(doc, /^TokenReview of token sha256:abcd\n={32}\n\nAsked of context prod\.\n\n/);
    assert.doesNotMatch(doc, /\||\*\*|`/);
    const rows = rowsOf(doc);
    assert.deepEqual(
      rows.map(([k, v]) => [k, v]),
      [
        ['Authenticated', 'yes'],
        ['User', 'system:serviceaccount:payments:api'],
        ['UID', 'sa-uid'],
        ['Groups', 'system:serviceaccounts, system:serviceaccounts:payments'],
        ['Extra authentication.kubernetes.io/pod-name', 'api-1'],
        ['Audiences', 'https://kubernetes.default.svc'],
      ],
    );
    assert.equal(new Set(rows.map(([, , column]) => column)).size, 1);
  });
});
