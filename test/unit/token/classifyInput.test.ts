// What Decode Token and Review Token make of pasted text: a JWT inside a longer line, base64 of a
// JWT, a certificate, a private key that must never be shown, or junk the decoder explains.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyInput, findJwtInText } from '../../../src/token/classifyInput';
import { fixtureJwt } from '../../support/fixtureTokens';
import { makeCertificate } from '../../support/forgeCertificates';

const jwt = fixtureJwt('v1.32', 'api-bound-pod-3607s.jwt');

describe('classifyInput', () => {
  it('takes a bare token, or one after "Bearer "', () => {
    for (const text of [jwt, `  ${jwt}\n`, `Bearer ${jwt}`]) {
      const r = classifyInput(text);
      assert.ok(r.ok);
      assert.equal(r.credential.kind, 'jwt');
      assert.equal(r.credential.value, jwt);
    }
  });

  it('finds the token inside a log line or a header', () => {
    const line = `I1122 10:00:00 request.go:42] GET /api/v1/pods Authorization: Bearer ${jwt}, status 401`;
    const r = classifyInput(line);
    assert.ok(r.ok);
    assert.equal(r.credential.value, jwt);
  });

  it("decodes base64 of a token (a Secret's data.token)", () => {
    const r = classifyInput(Buffer.from(jwt).toString('base64'));
    assert.ok(r.ok);
    assert.equal(r.credential.kind, 'base64Jwt');
    assert.equal(r.credential.value, jwt);
  });

  it('recognises a certificate in PEM and in base64', () => {
    const { certPem } = makeCertificate({ commonName: 'admin', notBefore: new Date(0), notAfter: new Date(86_400_000) });
    for (const text of [certPem, Buffer.from(certPem).toString('base64')]) {
      const r = classifyInput(text);
      assert.ok(r.ok);
      assert.equal(r.credential.kind, 'certificate');
      assert.match(r.credential.value ?? '', /BEGIN CERTIFICATE/);
    }
  });

  it("never carries a private key's value, in PEM or base64", () => {
    const { keyPem } = makeCertificate({ commonName: 'k', notBefore: new Date(0), notAfter: new Date(1) });
    for (const text of [keyPem, Buffer.from(keyPem).toString('base64')]) {
      const r = classifyInput(text);
      assert.ok(r.ok);
      assert.equal(r.credential.kind, 'privateKey');
      assert.equal(r.credential.value, undefined);
    }
  });

  it('says the text is empty, and hands junk to the decoder for its precise reason', () => {
    assert.deepEqual(classifyInput('   '), { ok: false, reason: 'nothing to decode: the text is empty' });
    const r = classifyInput('not a token');
    assert.ok(r.ok);
    assert.equal(r.credential.kind, 'jwt');
    assert.equal(r.credential.value, 'not a token');
  });
});

describe('findJwtInText', () => {
  it('returns the first three-part token and ignores two-part look-alikes', () => {
    assert.equal(findJwtInText('x eyJa.b y eyJc.d.e z'), 'eyJc.d.e');
    assert.equal(findJwtInText('eyJa..c'), undefined);
    assert.equal(findJwtInText(`prefixeyJh.p.s`), 'eyJh.p.s');
  });

  it('gets through 300,000 characters of "eyJ" without dots (a backtracking pattern would not finish)', () => {
    assert.equal(findJwtInText('eyJ'.repeat(100_000)), undefined);
    assert.equal(findJwtInText(`${'eyJ-'.repeat(50_000)}.${'a'.repeat(10)}`), undefined);
  });
});
