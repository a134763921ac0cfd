// The cluster's PKI: a CA, the serving certificate for 127.0.0.1, and client certificates
// signed by the CA, so clients verify TLS and present certificates for real.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export interface ClusterPki {
  ca: CertAndKey;
  server: CertAndKey;
  /** CN admin, O system:masters. */
  admin: CertAndKey;
  issueClientCert(opts: ClientCertOptions): CertAndKey;
}

export interface ClientCertOptions {
  commonName: string;
  organizations?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

const DAY_MS = 86_400_000;

function newKeyPair(): { privatePem: string; publicPem: string } {
  // Node's native generator is much faster than forge's pure-JS one.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function serialNumber(): string {
  // Positive 16-byte serial: clear the top bit so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString('hex');
}

interface SignOptions {
  subject: forge.pki.CertificateField[];
  publicPem: string;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  signingKeyPem: string;
  notBefore: Date;
  notAfter: Date;
  extensions: object[];
}

function sign(o: SignOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(o.publicPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = o.notBefore;
  cert.validity.notAfter = o.notAfter;
  cert.setSubject(o.subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : o.subject);
  cert.setExtensions(o.extensions);
  cert.sign(forge.pki.privateKeyFromPem(o.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/**
 * Validity windows cover both the wall clock (which TLS checks) and the cluster clock
 * (which tests move), so a clock set in the past or future never breaks the handshake.
 */
export function createClusterPki(clusterNowMs: number): ClusterPki {
  const earliest = new Date(Math.min(Date.now(), clusterNowMs) - DAY_MS);
  const latest = new Date(Math.max(Date.now(), clusterNowMs) + 3650 * DAY_MS);

  const caKeys = newKeyPair();
  const caSubject = [{ name: 'commonName', value: 'kubernetes' }];
  const caPem = sign({
    subject: caSubject,
    publicPem: caKeys.publicPem,
    signingKeyPem: caKeys.privatePem,
    notBefore: earliest,
    notAfter: latest,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const caCert = forge.pki.certificateFromPem(caPem);
  const issuer = { cert: caCert, key: forge.pki.privateKeyFromPem(caKeys.privatePem) };

  const serverKeys = newKeyPair();
  const serverPem = sign({
    subject: [{ name: 'commonName', value: 'kube-apiserver' }],
    publicPem: serverKeys.publicPem,
    issuer,
    signingKeyPem: caKeys.privatePem,
    notBefore: earliest,
    notAfter: latest,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes' },
          { type: 2, value: 'kubernetes.default' },
          { type: 2, value: 'kubernetes.default.svc' },
          { type: 2, value: 'kubernetes.default.svc.cluster.local' },
        ],
      },
    ],
  });

  const issueClientCert = (opts: ClientCertOptions): CertAndKey => {
    const keys = newKeyPair();
    const subject: forge.pki.CertificateField[] = (opts.organizations ?? []).map((o) => ({ name: 'organizationName', value: o }));
    subject.push({ name: 'commonName', value: opts.commonName });
    const certPem = sign({
      subject,
      publicPem: keys.publicPem,
      issuer,
      signingKeyPem: caKeys.privatePem,
      notBefore: opts.notBefore ?? earliest,
      notAfter: opts.notAfter ?? new Date(clusterNowMs + 365 * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    });
    return { certPem, keyPem: keys.privatePem };
  };

  return {
    ca: { certPem: caPem, keyPem: caKeys.privatePem },
    server: { certPem: serverPem, keyPem: serverKeys.privatePem },
    admin: issueClientCert({ commonName: 'admin', organizations: ['system:masters'] }),
    issueClientCert,
  };
}

/** `X509SHA256=<hex>`: how 1.32 names a client certificate in `credential-id`. */
export function certificateCredentialId(der: Buffer): string {
  return `X509SHA256=${createHash('sha256').update(der).digest('hex')}`;
}
