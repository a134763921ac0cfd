import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeToken, looksLikeJwt } from '../../../src/token/jwt';
import { fixtureTokens, type FixtureToken } from '../../support/fixtureTokens';

const all: FixtureToken[] = [...fixtureTokens('v1.28'), ...fixtureTokens('v1.32')];
const b64u = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
// Some recorded files end with a newline, as token files often do.
const aToken = (all[0]?.raw ?? '').trim();
const notUtf8 = Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url');
const [realHeader = '', realPayload = '', realSignature = ''] = aToken.split('.');

function reasonOf(raw: string): string {
  const r = decodeToken(raw);
  assert.equal(r.ok, false, 'expected a failure');
  return r.ok ? '' : r.reason;
}

describe('decodeToken on recorded kube-apiserver tokens', () => {
  it('has tokens of both versions to test with', () => {
    assert.ok(all.filter((t) => t.version === 'v1.28').length >= 10);
    assert.ok(all.filter((t) => t.version === 'v1.32').length >= 10);
  });

  for (const t of all) {
    it(`${t.version}/${t.entry.file}: header and registered claims match what the apiserver recorded`, () => {
      const r = decodeToken(t.raw);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      const { header, claims } = r.token;
      assert.equal(header.alg, 'RS256');
      assert.equal(header.kid, 'KMbHM9M4rMNfEav0yDtDuINOV-HEPU3s_-ns9DM_zoo');
      assert.equal(claims.iat, t.entry.iat ?? undefined);
      assert.equal(claims.nbf, t.entry.nbf ?? undefined);
      assert.equal(claims.exp, t.entry.exp ?? undefined);
      assert.equal(claims.jti, t.entry.jti ?? undefined);
      assert.deepEqual(claims.aud, t.entry.aud ?? []);
      assert.equal(claims.kubernetes?.warnAfter, t.entry.warnafter ?? undefined);
      assert.equal(claims.legacy, t.entry.kind === 'legacy-secret-token');
      assert.deepEqual(claims.raw, t.entry.claims);
    });
  }

  it('fingerprints the token as the first 16 hex characters of the sha256 of its trimmed text', () => {
    assert.ok(
      all.some((t) => t.raw !== t.raw.trim()),
      'some fixture files end with a newline',
    );
    for (const t of all) {
      const r = decodeToken(t.raw);
      assert.ok(r.ok);
      assert.equal(r.token.fingerprint, createHash('sha256').update(t.raw.trim()).digest('hex').slice(0, 16));
    }
    const prints = new Set(all.map((t) => (decodeToken(t.raw) as { ok: true; token: { fingerprint: string } }).token.fingerprint));
    assert.equal(prints.size, new Set(all.map((t) => t.raw)).size);
  });

  it('accepts surrounding whitespace and a Bearer prefix, with the same fingerprint', () => {
    const plain = decodeToken(aToken);
    for (const wrapped of [`  ${aToken}\n`, `Bearer ${aToken}`, `bearer   ${aToken}\r\n`, `\tBEARER ${aToken}`]) {
      const r = decodeToken(wrapped);
      assert.ok(r.ok && plain.ok);
      assert.equal(r.token.fingerprint, plain.token.fingerprint);
      assert.equal(r.token.claims.sub, plain.token.claims.sub);
    }
  });

  it('gives jti and the node claim on 1.32 only', () => {
    for (const t of all) {
      const r = decodeToken(t.raw);
      assert.ok(r.ok);
      if (t.version === 'v1.28') {
        assert.equal(r.token.claims.jti, undefined);
        assert.equal(r.token.claims.kubernetes?.node, undefined);
      } else if (t.entry.kind !== 'legacy-secret-token') {
        assert.match(r.token.claims.jti ?? '', /^[0-9a-f-]{36}$/);
      }
    }
    const onNode = all.find((t) => t.version === 'v1.32' && t.entry.file === 'api-bound-pod-on-node-a-3607s.jwt');
    assert.ok(onNode);
    const r = decodeToken(onNode.raw);
    assert.ok(r.ok);
    assert.deepEqual(r.token.claims.kubernetes?.node, { name: 'node-a', uid: '85228efb-c88b-41d7-9c8b-9994d83416ad' });
  });
});

describe('decodeToken reasons for malformed tokens', () => {
  const cases: [string, string, string | RegExp][] = [
    ['empty', '', 'empty token'],
    ['only whitespace', ' \n\t ', 'empty token'],
    ['only Bearer', 'Bearer ', 'empty token'],
    ['garbage', 'garbage', '3 segments expected, found 1'],
    ['two segments', `${realHeader}.${realPayload}`, '3 segments expected, found 2'],
    ['four segments', `${aToken}.x`, '3 segments expected, found 4'],
    ['a JWE', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', /^3 segments expected, found 5 \(an encrypted JWE/],
    ['a line break inside', `${realHeader}.${realPayload}\n.${realSignature}`, 'token contains whitespace or a line break'],
    ['header with a bad character', `ey!J.${realPayload}.${realSignature}`, 'header is not valid base64url'],
    ['header of impossible length', `eyJhb.${realPayload}.${realSignature}`, 'header is not valid base64url'],
    ['empty header', `.${realPayload}.${realSignature}`, 'header segment is empty'],
    ['header not JSON', `${b64u('not json')}.${realPayload}.${realSignature}`, 'header is not JSON'],
    ['header a JSON array', `${b64u('[1]')}.${realPayload}.${realSignature}`, 'header is not a JSON object'],
    ['header with invalid UTF-8', `${notUtf8}.${realPayload}.${realSignature}`, 'header is not valid UTF-8'],
    ['header without alg', `${b64u('{"typ":"JWT"}')}.${realPayload}.${realSignature}`, 'header has no "alg"'],
    ['payload base64 (not url)', `${realHeader}.ab+/.${realSignature}`, 'payload is not valid base64url'],
    ['payload not JSON', `${realHeader}.${b64u('{nope')}.${realSignature}`, 'payload is not JSON'],
    ['payload a string', `${realHeader}.${b64u('"sub"')}.${realSignature}`, 'payload is not a JSON object'],
    ['payload null', `${realHeader}.${b64u('null')}.${realSignature}`, 'payload is not a JSON object'],
    ['empty payload', `${realHeader}..${realSignature}`, 'payload segment is empty'],
    ['unsecured JWT', `${b64u('{"alg":"none"}')}.${realPayload}.`, /^signature segment is empty/],
    ['signature with a bad character', `${realHeader}.${realPayload}.abc*`, 'signature is not valid base64url'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const reason = reasonOf(input);
      if (typeof expected === 'string') assert.equal(reason, expected);
      else assert.match(reason, expected);
    });
  }

  it('never puts the token into the reason', () => {
    const broken = `${realHeader}.${b64u('{nope')}.${realSignature}`;
    assert.ok(!reasonOf(broken).includes(realSignature));
  });

  it('does not throw on values that are not strings', () => {
    for (const v of [undefined, null, 42, {}, []]) {
      const r = decodeToken(v as string);
      assert.equal(r.ok, false);
    }
  });
});

describe('looksLikeJwt', () => {
  it('accepts every recorded token, wrapped or not', () => {
    for (const t of all) {
      assert.ok(looksLikeJwt(t.raw));
      assert.ok(looksLikeJwt(`Bearer ${t.raw}\n`));
    }
  });
  it('rejects things that are not shaped like a compact JWS', () => {
    for (const s of ['', 'garbage', 'eyJ.a', 'abc.def.ghi', `${realHeader}.${realPayload}`, `${aToken}.more`, `${realHeader} .${realPayload}.x`]) {
      assert.equal(looksLikeJwt(s), false, s.slice(0, 20));
    }
  });
});
