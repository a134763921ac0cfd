// What the hover says of a credential: each thing once, times in UTC and in local time only where local
// time is not UTC, long lifetimes in years. The hover and the plain-text document say the same things.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { assessCredential } from '../../../../src/diagnosis/credentialAssessment';
import type { LocatedCredential } from '../../../../src/token/types';
import { assessmentMarkdown } from '../../../../src/ui/markdown/credentialMarkdown';
import { credentialText } from '../../../../src/ui/markdown/credentialText';

const NOW = 1_800_000_000;
const DAY = 86_400;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64url({ alg: 'RS256', kid: 'k1' })}.${b64url(claims)}.c2lnbmF0dXJl`;
const located = (value: string): LocatedCredential => ({ kind: 'jwt', start: 0, end: value.length, path: 'users[0].user.token', value });

const legacy = jwt({
  iss: 'kubernetes/serviceaccount',
  sub: 'system:serviceaccount:payments:api',
  'kubernetes.io/serviceaccount/namespace': 'payments',
  'kubernetes.io/serviceaccount/secret.name': 'api-token',
  'kubernetes.io/serviceaccount/service-account.name': 'api',
  'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
});
const bound = jwt({
  iss: 'https://kubernetes.default.svc.cluster.local',
  sub: 'system:serviceaccount:payments:api',
  aud: ['vault'],
  iat: NOW - 3600,
  exp: NOW + 3 * 3600,
  'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'sa-uid' }, pod: { name: 'api-1', uid: 'pod-uid' } },
});

function hover(value: string): string {
  return assessmentMarkdown(assessCredential(located(value), NOW), NOW);
}

// node:test runs a file's tests one after another in one process: TZ set here is restored before the next.
function inTimeZone(tz: string): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    process.env.TZ = tz;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

describe('the hover headline', () => {
  it('says "no expiry" once for a legacy service-account token', () => {
    const md = hover(legacy);
    const headline = md.split('\n')[0] ?? '';
    assert.equal(headline, '$(infinity) **Legacy service-account token: no expiry**');
    assert.equal(headline.match(/no expiry/g)?.length, 1);
  });

  it('says an expired token expired once, with how long ago', () => {
    const expired = jwt({ sub: 'x', iat: NOW - 4 * DAY, exp: NOW - 3 * DAY });
    const headline = hover(expired).split('\n')[0] ?? '';
    assert.equal(headline, '$(error) **JSON Web Token: expired 3 days ago**');
    assert.equal(headline.match(/expired/g)?.length, 1);
  });

  it('still says when a token expires', () => {
    assert.equal(hover(bound).split('\n')[0], '$(pass) **Service-account token: valid** — expires in 3 h');
  });

  it('says a CA-like lifetime in years', () => {
    const long = jwt({ sub: 'x', iat: NOW - DAY, exp: NOW + 3649 * DAY });
    const md = hover(long);
    assert.match(md, /^\$\(pass\) \*\*JSON Web Token: valid\*\* — expires in 9 years 11 months$/m);
    assert.match(md, /^\| Lifetime \| 10 years \|$/m);
  });
});

describe('times in the hover, where local time is UTC', () => {
  inTimeZone('UTC');
  it('are printed once, in UTC', () => {
    const md = hover(bound);
    assert.match(md, /^\| Expires \| 2027-01-15T11:00:00 UTC · in 3 h \|$/m);
    assert.doesNotMatch(md, / local · /);
    assert.doesNotMatch(md, /\+00:00/);
  });
});

describe('times in the hover, where local time is not UTC', () => {
  inTimeZone('Asia/Kolkata');
  it('are printed in UTC and in local time', () => {
    assert.match(hover(bound), /^\| Expires \| 2027-01-15T11:00:00 UTC · 2027-01-15T16:30:00\+05:30 local · in 3 h \|$/m);
  });
});

describe('the plain-text rendering', () => {
  inTimeZone('UTC');
  it('says what the hover says, in padded columns, with no markdown', () => {
    const text = credentialText(assessCredential(located(bound), NOW), NOW);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Service-account token: valid — expires in 3 h');
    const rows = lines.slice(0, lines.indexOf('Header')).filter((l) => /^ {2}\S/.test(l));
    assert.ok(rows.length >= 8, text);
    // Every value starts in the same column.
    const column = new Set(rows.map((l) => /^ {2}\S.*? {2,}(?=\S)/.exec(l)?.[0].length));
    assert.equal(column.size, 1, text);
    assert.match(text, /^ {2}Service account {2,}payments\/api \(uid sa-uid\)$/m);
    assert.match(text, /^ {2}Bound to {2,}Pod api-1 \(uid pod-uid\)$/m);
    assert.match(text, /^ {2}Expires {2,}2027-01-15T11:00:00 UTC · in 3 h$/m);
    assert.match(text, /^ {2}Kubelet refresh due {2}2027-/m);
    assert.doesNotMatch(text, /[|`*]|\$\(/, 'no table pipes, code fences, bold or icons');
    assert.match(text, /^Claims\n------\n\{\n {2}"iss": "https:\/\/kubernetes\.default\.svc\.cluster\.local",$/m);
  });

  it('keeps a hostile claim on its row', () => {
    const hostile = jwt({ sub: 'a\nb\r\n| c |', exp: NOW + 60 });
    const text = credentialText(assessCredential(located(hostile), NOW), NOW);
    assert.match(text, /^ {2}Subject {2,}a b \| c \|$/m);
  });

  it('says a legacy token has no expiry once', () => {
    const text = credentialText(assessCredential(located(legacy), NOW), NOW);
    assert.equal(text.split('\n')[0], 'Legacy service-account token: no expiry');
    assert.match(text, /^Warning: Legacy Secret-based token with no expiry/m);
  });
});

describe('who a cloud token names, before its claims', () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  it('an Entra ID token (AKS, kubelogin): its user, tenant and object id', () => {
    const md = hover(
      jwt({
        iss: `https://sts.windows.net/${TENANT}/`,
        aud: '6dae42f8-4368-4678-94ff-3960e28e3630',
        tid: TENANT,
        oid: 'oid-1',
        upn: 'alice@contoso.com',
        iat: NOW - 60,
        exp: NOW + 3600,
      }),
    );
    assert.equal(md.split('\n')[0], '$(pass) **Microsoft Entra ID token: valid** — expires in 1 h');
    assert.match(md, /^\| Signed in as \| `alice@contoso\.com` \|$/m);
    assert.match(md, new RegExp(`^\\| Tenant \\| \`${TENANT}\` \\|$`, 'm'));
    assert.match(md, /^\| Object id \| `oid-1` \|$/m);
  });

  it('an OIDC ID token (oidc-login, auth-provider): its e-mail and groups; a service-account token gets no such rows', () => {
    const md = hover(
      jwt({
        iss: 'https://dex.example.com',
        aud: 'kubernetes',
        sub: 'CgVhbGljZQ',
        email: 'alice@example.com',
        groups: ['platform', 'oncall'],
        iat: NOW - 60,
        exp: NOW + 1800,
      }),
    );
    assert.equal(md.split('\n')[0], '$(pass) **OIDC ID token: valid** — expires in 30 min');
    assert.match(md, /^\| Signed in as \| `alice@example\.com` \|$/m);
    assert.match(md, /^\| Groups \| `platform`, `oncall` \|$/m);
    assert.doesNotMatch(hover(bound), /Signed in as/);
  });
});
