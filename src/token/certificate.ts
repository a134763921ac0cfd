import * as l10n from '@vscode/l10n';
import { X509Certificate } from 'node:crypto';
import { hasPemBegin, isCertificateLabel, isPrivateKeyLabel, pemBlocks, type PemBlock } from './pem';
import type { CertificateInfo, CertificateResult } from './types';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s+/g;
// base64 of "-----BEGIN" starts with this, whatever follows.
const BASE64_PEM_PREFIX = 'LS0tLS1CRUdJTi';

type Failure = { ok: false; reason: string };

function fail(reason: string): Failure {
  return { ok: false, reason };
}

function isBase64(compact: string): boolean {
  return compact.length > 0 && compact.length % 4 === 0 && BASE64.test(compact);
}

// Node prints one RDN per line with `\` escapes (`O=dev\, ops`).
function nameEntries(name: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const line of name.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    entries.push([line.slice(0, eq), line.slice(eq + 1).replace(/\\(.)/g, '$1')]);
  }
  return entries;
}

function describe(x: X509Certificate): CertificateResult {
  const notBefore = Math.floor(x.validFromDate.getTime() / 1000);
  const notAfter = Math.floor(x.validToDate.getTime() / 1000);
  // OpenSSL accepts some certificates whose validity dates cannot be read.
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) return fail(l10n.t('the certificate has an unreadable validity date'));
  const subject = nameEntries(x.subject);
  const commonName = subject.find(([k]) => k === 'CN')?.[1];
  const info: CertificateInfo = {
    subject: x.subject.split('\n').join(', '),
    issuer: x.issuer.split('\n').join(', '),
    organizations: subject.filter(([k]) => k === 'O').map(([, v]) => v),
    notBeforeSec: notBefore,
    notAfterSec: notAfter,
    serialNumber: x.serialNumber,
    isCA: x.ca,
    fingerprint256: x.fingerprint256,
  };
  if (commonName !== undefined) info.commonName = commonName;
  return { ok: true, certificate: info };
}

function parseDer(der: Buffer): CertificateResult {
  try {
    return describe(new X509Certificate(der));
  } catch (err) {
    // OpenSSL's reason names the ASN.1 problem; it never echoes the bytes.
    const reason = typeof err === 'object' && err !== null && 'reason' in err && typeof err.reason === 'string' ? err.reason : undefined;
    return fail(reason === undefined ? l10n.t('not a valid X.509 certificate') : l10n.t('not a valid X.509 certificate ({0})', reason));
  }
}

function fromBlock(block: PemBlock): CertificateResult {
  if (isPrivateKeyLabel(block.label)) return fail(l10n.t('this is a private key ({0}), not a certificate', block.label));
  if (block.label.includes('CERTIFICATE REQUEST')) return fail(l10n.t('this is a certificate signing request, not a certificate'));
  if (!isCertificateLabel(block.label)) return fail(l10n.t('PEM block is a {0}, not a certificate', block.label));
  if (!block.closed) return fail(l10n.t('PEM block {0} has no matching END line', block.label));
  const compact = block.body.replace(WHITESPACE, '');
  if (!isBase64(compact)) return fail(l10n.t('PEM body is not valid base64'));
  return parseDer(Buffer.from(compact, 'base64'));
}

function fromPemText(text: string): CertificateResult[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return [fail(l10n.t('no complete PEM block found'))];
  return blocks.map(fromBlock);
}

/** What an input stands for once base64 is peeled off. */
type Unwrapped = { kind: 'pem'; text: string } | { kind: 'der'; der: Buffer } | { kind: 'privateKey' } | { kind: 'failure'; reason: string };

function bad(reason: string): Unwrapped {
  return { kind: 'failure', reason };
}

function unwrap(input: string): Unwrapped {
  if (typeof input !== 'string') return bad(l10n.t('empty certificate'));
  const trimmed = input.trim();
  if (trimmed === '') return bad(l10n.t('empty certificate'));
  if (hasPemBegin(trimmed)) return { kind: 'pem', text: trimmed };
  const compact = trimmed.replace(WHITESPACE, '');
  if (!BASE64.test(compact)) return bad(l10n.t('neither PEM nor base64'));
  if (compact.length % 4 !== 0) return bad(l10n.t('base64 has a wrong length (truncated?)'));
  if (compact.startsWith(BASE64_PEM_PREFIX)) {
    // Look at the label before decoding the rest, so a private key is never decoded whole.
    const head = Buffer.from(compact.slice(0, 96), 'base64').toString('latin1');
    const firstLine = head.split('\n', 1)[0] ?? '';
    if (firstLine.includes('PRIVATE KEY')) return { kind: 'privateKey' };
    return { kind: 'pem', text: Buffer.from(compact, 'base64').toString('utf8') };
  }
  const der = Buffer.from(compact, 'base64');
  // A DER certificate is a SEQUENCE: tag 0x30.
  if (der[0] !== 0x30) return bad(l10n.t('base64 decodes to neither PEM nor DER'));
  return { kind: 'der', der };
}

/**
 * Decodes one certificate from PEM, base64 of PEM (kubeconfig `*-data`) or base64 DER.
 * With several PEM blocks, the first certificate wins. Never throws; never parses a private key.
 */
export function decodeCertificate(input: string): CertificateResult {
  try {
    const u = unwrap(input);
    switch (u.kind) {
      case 'der':
        return parseDer(u.der);
      case 'privateKey':
        return fail(l10n.t('this is a private key, not a certificate'));
      case 'pem': {
        const results = fromPemText(u.text);
        return results.find((r) => r.ok) ?? results[0] ?? fail(l10n.t('no complete PEM block found'));
      }
      case 'failure':
        return fail(u.reason);
    }
  } catch {
    return fail(l10n.t('the certificate could not be read'));
  }
}

/** Every PEM block of a bundle (CA bundles, `ca.crt`), one result each, in order. Never throws. */
export function decodeCertificateBundle(input: string): CertificateResult[] {
  try {
    const u = unwrap(input);
    switch (u.kind) {
      case 'der':
        return [parseDer(u.der)];
      case 'privateKey':
        return [fail(l10n.t('this is a private key, not a certificate'))];
      case 'pem':
        return fromPemText(u.text);
      case 'failure':
        return [fail(u.reason)];
    }
  } catch {
    return [fail(l10n.t('the certificate could not be read'))];
  }
}
