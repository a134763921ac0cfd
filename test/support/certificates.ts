// Real X.509 certificates for tests and the demo: a CA and leaf certificates with chosen validity.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  certPem: string;
  keyPem: string;
}

export interface CertRequest {
  commonName: string;
  organizations?: string[];
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  /** Signs with this CA; self-signed when absent. */
  ca?: Issued;
  ipAddresses?: string[];
  dnsNames?: string[];
  serverAuth?: boolean;
}

export function issueCertificate(req: CertRequest): Issued {
  // node:crypto makes the key quickly; node-forge builds and signs the certificate.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pubPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = req.notBefore;
  cert.validity.notAfter = req.notAfter;
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: req.commonName }];
  for (const o of req.organizations ?? []) subject.push({ name: 'organizationName', value: o });
  cert.setSubject(subject);
  const signer = req.ca ? forge.pki.certificateFromPem(req.ca.certPem) : cert;
  cert.setIssuer(signer.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: req.isCA ?? false, critical: true },
    req.isCA
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  ];
  if (!req.isCA) extensions.push({ name: 'extKeyUsage', serverAuth: req.serverAuth ?? false, clientAuth: !req.serverAuth });
  const altNames = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(req.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  const signingKey = forge.pki.privateKeyFromPem(req.ca ? req.ca.keyPem : keyPem);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
