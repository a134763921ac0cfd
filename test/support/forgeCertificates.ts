// Real-looking X.509 certificates for tests and benches, signed with node-forge.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface MadeCertificate {
  certPem: string;
  /** PKCS#1 PEM of the subject's key (the same throwaway key for every certificate of this process). */
  keyPem: string;
}

export interface CertificateSpec {
  commonName: string;
  /** O= entries; Kubernetes reads them as groups. */
  organizations?: string[];
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  /** Signed by this CA; self-signed when absent. */
  issuer?: MadeCertificate;
  /** Hex serial number; a counter when absent. */
  serialHex?: string;
}

interface KeyPair {
  privatePem: string;
  publicPem: string;
}

let sharedKey: KeyPair | undefined;
let serialCounter = 0x1000;

// RSA key generation in forge's pure JS takes seconds; node's native one takes milliseconds.
function key(): KeyPair {
  if (sharedKey === undefined) {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    sharedKey = { privatePem: pair.privateKey, publicPem: pair.publicKey };
  }
  return sharedKey;
}

// DER integers are minimal and positive: no leading zero byte unless the high bit is set.
function derSerial(hex: string): string {
  let h = hex.replace(/^0+/, '') || '01';
  if (h.length % 2 === 1) h = '0' + h;
  return parseInt(h.slice(0, 2), 16) >= 0x80 ? '00' + h : h;
}

export function makeCertificate(spec: CertificateSpec): MadeCertificate {
  const pair = key();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicPem);
  cert.serialNumber = derSerial(spec.serialHex ?? (serialCounter++).toString(16));
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject: forge.pki.CertificateField[] = [];
  for (const org of spec.organizations ?? []) subject.push({ shortName: 'O', value: org });
  subject.push({ shortName: 'CN', value: spec.commonName });
  cert.setSubject(subject);
  const issuerCert = spec.issuer === undefined ? undefined : forge.pki.certificateFromPem(spec.issuer.certPem);
  cert.setIssuer(issuerCert === undefined ? subject : issuerCert.subject.attributes);
  const extensions: object[] = [{ name: 'basicConstraints', cA: spec.isCA === true, critical: true }];
  extensions.push(
    spec.isCA === true
      ? { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  );
  if (spec.isCA !== true) extensions.push({ name: 'extKeyUsage', clientAuth: true });
  cert.setExtensions(extensions);
  // Every certificate of this process shares one key, so the issuer's key is the same key.
  cert.sign(forge.pki.privateKeyFromPem(pair.privatePem), forge.md.sha256.create());
  // forge writes CRLF; kubeadm and openssl write LF.
  return { certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), keyPem: pair.privatePem };
}

/** A CA valid from `notBefore` for `days` days. */
export function makeCa(commonName: string, notBefore: Date, days: number): MadeCertificate {
  return makeCertificate({ commonName, notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000), isCA: true });
}
