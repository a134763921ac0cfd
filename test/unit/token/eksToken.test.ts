// EKS tokens read strictly, as aws-iam-authenticator's verifier reads them, without calling STS: issued at
// X-Amz-Date and valid 15 minutes after it (X-Amz-Expires=60 is ignored by STS), the region, the access key
// id's first four characters only; never the signature, the session token or the whole access key id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyInput } from '../../../src/token/classifyInput';
import { decodeEksToken, EKS_TOKEN_LIFETIME_SECONDS, eksTokenLogLine, isEksToken, parseAmzDate } from '../../../src/token/eksToken';
import { fingerprint } from '../../../src/token/fingerprint';
import { locateCredentials } from '../../../src/token/locate';
import { packLocated, unpackLocated } from '../../../src/token/packedLocated';
import { maskSecrets } from '../../../src/logs/maskSecrets';
import { amzDate, buildEksToken, eksTokenOf, FAKE_ACCESS_KEY_ID } from './support/eksTokens';

const SIGNED = Date.UTC(2026, 10, 22, 3, 10, 0) / 1000;
const built = buildEksToken({ signedAt: SIGNED, cluster: 'prod-eu', region: 'eu-west-1' });
const SIG = 'a'.repeat(64);
const GOOD_QUERY =
  'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  `&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20261122T031000Z` +
  `&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=${SIG}`;
const withQuery = (query: string, host = 'sts.eu-west-1.amazonaws.com'): string => eksTokenOf(`https://${host}/?${query}`);

function reason(token: string): string {
  const r = decodeEksToken(token);
  assert.equal(r.ok, false, 'the token must not decode');
  return r.ok ? '' : r.reason;
}

describe('decodeEksToken', () => {
  it('reads a token built as aws-iam-authenticator builds it', () => {
    const r = decodeEksToken(built.token);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.token.region, 'eu-west-1');
    assert.equal(r.token.host, 'sts.eu-west-1.amazonaws.com');
    assert.equal(r.token.issuedAt, SIGNED);
    assert.equal(r.token.accessKeyHint, 'AKIA…');
    assert.equal(r.token.temporaryCredentials, false);
    assert.equal(r.token.hasSessionToken, false);
    assert.deepEqual(r.token.signedHeaders, ['host', 'x-k8s-aws-id']);
    assert.equal(r.token.fingerprint, fingerprint(built.token));
  });

  it('expires 15 minutes after X-Amz-Date, not 60 seconds after (X-Amz-Expires is ignored by STS)', () => {
    const r = decodeEksToken(built.token);
    assert.ok(r.ok);
    assert.equal(r.token.amzExpiresSeconds, 60);
    assert.equal(r.token.expiresAt, SIGNED + 900);
    assert.equal(EKS_TOKEN_LIFETIME_SECONDS, 900);
  });

  it('keeps nothing secret: no signature, no whole access key id, no session token, no URL', () => {
    const temp = buildEksToken({ signedAt: SIGNED, accessKeyId: 'ASIAY34FZKBOKMUTVV7A', sessionToken: 'FwoGZXIvYXdzEBYaDSESSIONTOKENSECRET' });
    const r = decodeEksToken(temp.token);
    assert.ok(r.ok);
    assert.equal(r.token.accessKeyHint, 'ASIA…');
    assert.equal(r.token.temporaryCredentials, true);
    assert.equal(r.token.hasSessionToken, true);
    const kept = JSON.stringify(r.token);
    for (const secret of [temp.signature, temp.accessKeyId, 'SESSIONTOKENSECRET', 'X-Amz-Signature', temp.token.slice(11, 60)]) {
      assert.ok(!kept.includes(secret), `the decoded token holds ${secret}`);
    }
  });

  it('does not invent the cluster: it is the signed x-k8s-aws-id header, which is not in the URL', () => {
    const a = buildEksToken({ signedAt: SIGNED, cluster: 'prod-eu' });
    const b = buildEksToken({ signedAt: SIGNED, cluster: 'staging-us' });
    assert.ok(!a.url.includes('prod-eu'), 'the URL does not name the cluster');
    const [ra, rb] = [decodeEksToken(a.token), decodeEksToken(b.token)];
    assert.ok(ra.ok && rb.ok);
    assert.notEqual(a.signature, b.signature, 'the cluster changes only the signature');
    assert.ok(!JSON.stringify(ra.token).includes('prod-eu'));
  });

  it('reads the global endpoint, the China partition, FIPS, and a token after Bearer with whitespace', () => {
    const global = decodeEksToken(buildEksToken({ signedAt: SIGNED, host: 'sts.amazonaws.com', region: 'us-east-1' }).token);
    assert.ok(global.ok);
    assert.equal(global.token.region, 'us-east-1');
    const china = decodeEksToken(buildEksToken({ signedAt: SIGNED, host: 'sts.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' }).token);
    assert.ok(china.ok);
    assert.equal(china.token.region, 'cn-north-1');
    const fips = decodeEksToken(buildEksToken({ signedAt: SIGNED, host: 'sts-fips.us-gov-west-1.amazonaws.com', region: 'us-gov-west-1' }).token);
    assert.ok(fips.ok);
    const bearer = decodeEksToken(`  Bearer ${built.token}\n`);
    assert.ok(bearer.ok);
    assert.equal(bearer.token.fingerprint, fingerprint(built.token));
    assert.equal(isEksToken(`Bearer ${built.token}`), true);
    assert.equal(isEksToken('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), false);
  });

  it('a token cut short: base64url of an impossible length, or a URL that lost its signature', () => {
    // 4n+1 characters cannot come out of any base64 encoding.
    let cut = built.token.slice(0, 11 + 401);
    assert.equal((cut.length - 11) % 4, 1);
    assert.match(reason(cut), /^the base64url is cut short/);
    cut = built.token.slice(0, 11 + 400);
    assert.match(reason(cut), /X-Amz-Signature|cut short/);
    // Cut inside the signature: still a URL, but the signature is no longer 64 hex digits.
    cut = eksTokenOf(built.url.slice(0, -10));
    assert.equal(reason(cut), 'X-Amz-Signature is not 64 hexadecimal digits (the token may be cut short)');
    assert.equal(reason(eksTokenOf(built.url.replace(/&X-Amz-Signature=.*$/, ''))), 'the URL has no X-Amz-Signature (the token may be cut short)');
  });

  it('a URL that is not STS', () => {
    assert.equal(
      reason(withQuery(GOOD_QUERY, 'sts.eu-west-1.amazonaws.com.evil.example')),
      'the URL is not an AWS STS endpoint (its host is "sts.eu-west-1.amazonaws.com.evil.example")',
    );
    assert.match(reason(withQuery(GOOD_QUERY, 'example.com')), /not an AWS STS endpoint/);
    assert.equal(reason(eksTokenOf(`http://sts.eu-west-1.amazonaws.com/?${GOOD_QUERY}`)), 'the URL is not https (its scheme is "http")');
    assert.equal(reason(eksTokenOf(`https://sts.eu-west-1.amazonaws.com/x?${GOOD_QUERY}`)), 'the URL\'s path is "/x", not /');
    assert.match(reason(eksTokenOf(`https://user:pw@sts.eu-west-1.amazonaws.com/?${GOOD_QUERY}`)), /user, a password or a port/);
    assert.equal(reason(eksTokenOf('not a url at all')), 'the base64url does not decode to a URL (it holds spaces or characters a URL cannot)');
    assert.equal(reason(eksTokenOf('sts.amazonaws.com')), 'the base64url does not decode to a URL');
  });

  it('a URL without X-Amz-Date, or with one that is not a time', () => {
    assert.equal(reason(withQuery(GOOD_QUERY.replace('&X-Amz-Date=20261122T031000Z', ''))), 'the URL has no X-Amz-Date, so when it was signed is unknown');
    assert.equal(
      reason(withQuery(GOOD_QUERY.replace('20261122T031000Z', '2026-11-22T03:10:00Z'))),
      'X-Amz-Date "2026-11-22T03:10:00Z" is not a time in the form YYYYMMDDTHHMMSSZ',
    );
    assert.match(reason(withQuery(GOOD_QUERY.replace(/20261122/g, '20260230'))), /is not a time/);
    assert.equal(parseAmzDate('20260230T000000Z'), undefined);
    assert.equal(parseAmzDate(amzDate(SIGNED)), SIGNED);
  });

  it('every other part aws-iam-authenticator checks', () => {
    assert.equal(reason(withQuery(GOOD_QUERY.replace('GetCallerIdentity', 'AssumeRole'))), 'the URL\'s Action is "AssumeRole", not GetCallerIdentity');
    assert.equal(reason(withQuery(GOOD_QUERY.replace('Action=GetCallerIdentity&', ''))), 'the URL has no Action');
    assert.equal(reason(withQuery(`${GOOD_QUERY}&Foo=bar`)), 'the URL has a query parameter an STS token never carries ("Foo")');
    assert.equal(reason(withQuery(`${GOOD_QUERY}&x-amz-date=20261122T031000Z`)), 'the URL has the query parameter x-amz-date twice');
    assert.equal(reason(withQuery(GOOD_QUERY.replace('host%3Bx-k8s-aws-id', 'host'))), 'the x-k8s-aws-id header is not signed, so the token names no cluster');
    assert.equal(
      reason(withQuery(GOOD_QUERY.replace('X-Amz-Expires=60', 'X-Amz-Expires=901'))),
      'X-Amz-Expires "901" is not a number of seconds from 0 to 900',
    );
    assert.equal(reason(withQuery(GOOD_QUERY.replace('%2F20261122%2F', '%2F20261121%2F'))), 'the date of X-Amz-Credential is not the date of X-Amz-Date');
    assert.equal(reason(withQuery(GOOD_QUERY.replace('%2Fsts%2F', '%2Fs3%2F'))), 'X-Amz-Credential is not <access key id>/<date>/<region>/sts/aws4_request');
    assert.equal(reason(withQuery(GOOD_QUERY.replace(FAKE_ACCESS_KEY_ID, 'short'))), 'X-Amz-Credential does not start with an access key id');
    assert.equal(
      reason(withQuery(GOOD_QUERY, 'sts.us-east-2.amazonaws.com')),
      'the URL is signed for region eu-west-1 but sent to sts.us-east-2.amazonaws.com',
    );
    assert.equal(
      reason(withQuery(GOOD_QUERY.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'))),
      'X-Amz-Algorithm is "AWS4-ECDSA-P256-SHA256", not AWS4-HMAC-SHA256',
    );
    assert.ok(decodeEksToken(withQuery(GOOD_QUERY)).ok, 'the query the cases above change is itself valid');
  });

  it('the token itself: its prefix, its alphabet, its length', () => {
    assert.equal(reason('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), 'it does not start with k8s-aws-v1.');
    assert.equal(reason('k8s-aws-v1.'), 'nothing follows k8s-aws-v1.');
    assert.equal(reason('k8s-aws-v1.aHR0cHM6Ly9zdHM+'), 'the part after k8s-aws-v1. is not base64url (it holds other characters)');
    assert.equal(reason(`k8s-aws-v1.${'A'.repeat(4096)}`), 'it is longer than the 4096 characters aws-iam-authenticator accepts');
    assert.equal(reason('k8s-aws-v1.__8'), 'the base64url does not decode to text');
  });

  it('logs a decoded token by fingerprint, region and key prefix only', () => {
    const r = decodeEksToken(built.token);
    assert.ok(r.ok);
    const line = eksTokenLogLine(r.token);
    assert.equal(
      line,
      `Decoded an EKS token (fingerprint sha256:${fingerprint(built.token)}, region eu-west-1, access key AKIA…, signed 2026-11-22T03:10:00 UTC).`,
    );
    assert.ok(!line.includes(built.signature) && !line.includes(built.accessKeyId));
  });

  it('masking hides the whole token in a log line', () => {
    const masked = maskSecrets(`using token=${built.token} for the request; Authorization: Bearer ${built.token}`);
    assert.ok(!masked.includes(built.token.slice(11, 40)), masked);
    assert.equal(masked, 'using token=[masked] for the request; Authorization: Bearer [masked]');
    assert.equal(maskSecrets(`exec answered ${built.token}.`), 'exec answered k8s-aws-v1.[masked].');
  });
});

describe('EKS tokens in documents and in pasted text', () => {
  it('the locator finds an EKS token as a value, in quotes and in a comment, with its exact range', () => {
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: eks',
      '  user:',
      `    token: ${built.token}`,
      `- name: quoted`,
      `  user: {token: "${built.token}"}`,
      `# pasted: ${built.token}.`,
      'note: see k8s-aws-v1.abc for the format',
      '',
    ].join('\n');
    const found = locateCredentials(text);
    assert.deepEqual(
      found.map((c) => [c.kind, c.path, c.key]),
      [
        ['eksToken', 'users[0].user.token', 'token'],
        ['eksToken', 'users[1].user.token', 'token'],
        ['eksToken', '', undefined],
      ],
    );
    for (const c of found) {
      assert.equal(text.slice(c.start, c.end), built.token);
      assert.equal(c.value, built.token);
    }
    assert.deepEqual(unpackLocated(packLocated(found)), found, 'the worker thread hands them back as they were');
  });

  it('Decode Token recognises one pasted alone or in a header line', () => {
    for (const input of [built.token, `Authorization: Bearer ${built.token}`, `  ${built.token}\n`]) {
      const c = classifyInput(input);
      assert.ok(c.ok);
      assert.equal(c.credential.kind, 'eksToken');
      assert.equal(c.credential.value, built.token);
    }
  });
});
