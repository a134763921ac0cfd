import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import forge from 'node-forge';
import { decodeCertificate, decodeCertificateBundle } from '../../../src/token/certificate';
import { certificateExpiry } from '../../../src/token/expiry';
import type { CertificateInfo, CertificateResult } from '../../../src/token/types';
import { readFixture } from '../../support/fixtureTokens';
import { makeCa, makeCertificate, type MadeCertificate } from '../../support/forgeCertificates';

const DAY = 86_400_000;

function ok(r: CertificateResult): CertificateInfo {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.certificate;
}

function reason(r: CertificateResult): string {
  assert.equal(r.ok, false);
  return r.ok ? '' : r.reason;
}

function derOf(pem: string): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(), 'binary');
}

// Node prints fingerprints as colon-separated upper-case hex; computed here from the DER bytes independently.
function sha256Colons(der: Buffer): string {
  return (createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':');
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

describe('decodeCertificate on the recorded cluster CA', () => {
  const configMap = JSON.parse(readFixture('v1.28', 'configmap-get-kube-root-ca.json')) as {
    response: { body: { data: { 'ca.crt': string } } };
  };
  const pem = configMap.response.body.data['ca.crt'];
  const forged = forge.pki.certificateFromPem(pem);

  it('reads the PEM of the kube-root-ca.crt ConfigMap, agreeing with node-forge', () => {
    const c = ok(decodeCertificate(pem));
    assert.equal(c.commonName, 'local-kube-ca');
    assert.equal(c.subject, 'CN=local-kube-ca');
    assert.equal(c.issuer, 'CN=local-kube-ca');
    assert.deepEqual(c.organizations, []);
    assert.equal(c.isCA, true);
    assert.equal(c.notBeforeSec, seconds(forged.validity.notBefore));
    assert.equal(c.notAfterSec, seconds(forged.validity.notAfter));
    assert.equal(c.serialNumber.toLowerCase(), forged.serialNumber.toLowerCase());
    assert.equal(c.fingerprint256, sha256Colons(derOf(pem)));
  });

  for (const version of ['v1.28', 'v1.32'] as const) {
    it(`${version}: reads base64 of the PEM from the service-account Secret's data["ca.crt"], the same CA`, () => {
      const secret = JSON.parse(readFixture(version, 'secret-get-legacy-sa-token-filled.json')) as {
        response: { body: { data: { 'ca.crt': string } } };
      };
      const fromSecret = ok(decodeCertificate(secret.response.body.data['ca.crt']));
      assert.equal(fromSecret.commonName, 'local-kube-ca');
      if (version === 'v1.28') assert.equal(fromSecret.fingerprint256, sha256Colons(derOf(pem)));
    });
  }

  it('reads base64 DER', () => {
    const der = derOf(pem);
    const c = ok(decodeCertificate(der.toString('base64')));
    assert.equal(c.fingerprint256, sha256Colons(der));
  });

  it('reads base64 wrapped over several lines, as kubeconfigs are sometimes edited', () => {
    const b64 = Buffer.from(pem).toString('base64');
    const wrapped = (b64.match(/.{1,76}/g) ?? []).join('\n');
    assert.equal(ok(decodeCertificate(wrapped)).commonName, 'local-kube-ca');
  });
});

describe('decodeCertificate on forge-made certificates', () => {
  let ca: MadeCertificate;
  let valid: MadeCertificate;
  let expired: MadeCertificate;
  const start = new Date(Date.UTC(2026, 0, 1));

  before(() => {
    ca = makeCa('cluster-ca', start, 3650);
    const until = (days: number): Date => new Date(start.getTime() + days * DAY);
    valid = makeCertificate({ commonName: 'alice', organizations: ['system:masters', 'dev, ops'], notBefore: start, notAfter: until(365), issuer: ca });
    expired = makeCertificate({ commonName: 'old-admin', organizations: ['system:masters'], notBefore: start, notAfter: until(30), issuer: ca });
  });

  it('gives the CN, the O= entries (Kubernetes groups, commas unescaped) and the issuer', () => {
    const c = ok(decodeCertificate(valid.certPem));
    assert.equal(c.commonName, 'alice');
    assert.deepEqual(c.organizations, ['system:masters', 'dev, ops']);
    assert.equal(c.issuer, 'CN=cluster-ca');
    assert.equal(c.isCA, false);
    assert.equal(c.notBeforeSec, seconds(start));
    assert.equal(c.notAfterSec, seconds(start) + 365 * 86400);
  });

  it('an expired client certificate is expired, a current one valid', () => {
    const now = seconds(start) + 60 * 86400;
    assert.equal(certificateExpiry(ok(decodeCertificate(expired.certPem)), now).state, 'expired');
    assert.equal(certificateExpiry(ok(decodeCertificate(valid.certPem)), now).state, 'valid');
  });

  it('reads base64 of PEM, as in client-certificate-data', () => {
    const b64 = Buffer.from(valid.certPem).toString('base64');
    assert.equal(ok(decodeCertificate(b64)).commonName, 'alice');
  });

  it('decodes each block of a bundle, and the first certificate of it alone', () => {
    const bundle = `${ca.certPem}${valid.certPem}`;
    const all = decodeCertificateBundle(bundle).map(ok);
    assert.deepEqual(
      all.map((c) => c.commonName),
      ['cluster-ca', 'alice'],
    );
    assert.equal(ok(decodeCertificate(bundle)).commonName, 'cluster-ca');
    const fromBase64 = decodeCertificateBundle(Buffer.from(bundle).toString('base64')).map(ok);
    assert.equal(fromBase64.length, 2);
  });

  it('reports a private key inside a bundle without decoding it, and still finds the certificate', () => {
    const combined = `${valid.keyPem}${valid.certPem}`;
    const results = decodeCertificateBundle(combined);
    assert.equal(results.length, 2);
    assert.match(reason(results[0] ?? { ok: false, reason: '' }), /private key/);
    assert.equal(ok(results[1] ?? { ok: false, reason: 'missing' }).commonName, 'alice');
    assert.equal(ok(decodeCertificate(combined)).commonName, 'alice');
  });

  it('refuses a private key, raw or base64 (client-key-data)', () => {
    assert.match(reason(decodeCertificate(valid.keyPem)), /^this is a private key/);
    assert.equal(reason(decodeCertificate(Buffer.from(valid.keyPem).toString('base64'))), 'this is a private key, not a certificate');
  });

  it('names a certificate signing request', () => {
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.certificateFromPem(valid.certPem).publicKey;
    csr.setSubject([{ shortName: 'CN', value: 'bob' }]);
    csr.sign(forge.pki.privateKeyFromPem(valid.keyPem), forge.md.sha256.create());
    const pem = forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n');
    assert.equal(reason(decodeCertificate(pem)), 'this is a certificate signing request, not a certificate');
  });

  it('explains corrupt and truncated certificates', () => {
    const der = derOf(valid.certPem);
    const corrupt = Buffer.from(der);
    corrupt[1] = 0x00;
    assert.match(reason(decodeCertificate(corrupt.toString('base64'))), /^not a valid X\.509 certificate/);
    const truncatedPem = valid.certPem.slice(0, valid.certPem.indexOf('-----END'));
    assert.equal(reason(decodeCertificate(truncatedPem)), 'PEM block CERTIFICATE has no matching END line');
    const badBody = valid.certPem.replace(/\nMII/, '\nM*I');
    assert.equal(reason(decodeCertificate(badBody)), 'PEM body is not valid base64');
  });
});

describe('decodeCertificate reasons for what is not a certificate', () => {
  const cases: [string, string, string][] = [
    ['empty', '', 'empty certificate'],
    ['whitespace', ' \n ', 'empty certificate'],
    ['a path', '/etc/kubernetes/pki/ca.crt', 'neither PEM nor base64'],
    ['truncated base64', 'TUlJQ', 'base64 has a wrong length (truncated?)'],
    ['base64 of text', Buffer.from('hello world!').toString('base64'), 'base64 decodes to neither PEM nor DER'],
    ['another PEM type', '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n', 'PEM block is a PUBLIC KEY, not a certificate'],
    ['a BEGIN line without a label', '-----BEGIN -----\n', 'no complete PEM block found'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(reason(decodeCertificate(input)), expected));
  }

  it('never throws, whatever it is given', () => {
    for (const v of [undefined, null, 1, '-----BEGIN CERTIFICATE-----', 'MA==', '\u0000\u0001']) {
      const r = decodeCertificate(v as unknown as string);
      assert.equal(r.ok, false);
      assert.ok(decodeCertificateBundle(v as unknown as string).length >= 1);
    }
  });
});
