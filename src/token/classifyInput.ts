// Decides what a piece of pasted or selected text holds: a JWT (perhaps inside a longer line, or base64'd), an EKS token,
// a certificate, or a private key (which we refuse to show). Used by Decode Token and Review Token.
import * as l10n from '@vscode/l10n';
import { EKS_TOKEN_PREFIX } from './eksToken';
import type { LocatedCredential } from './types';

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

export type ClassifiedInput = { ok: true; credential: LocatedCredential } | { ok: false; reason: string };

function located(kind: LocatedCredential['kind'], value: string | undefined, text: string): LocatedCredential {
  return { kind, start: 0, end: text.length, path: 'input', ...(value === undefined ? {} : { value }) };
}

export function classifyInput(input: string): ClassifiedInput {
  const text = input.trim().replace(/^bearer\s+/i, '');
  if (text.length === 0) return { ok: false, reason: l10n.t('nothing to decode: the text is empty') };
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return { ok: true, credential: located('privateKey', undefined, text) };
  if (text.includes('-----BEGIN CERTIFICATE-----')) return { ok: true, credential: located('certificate', text, text) };
  const eks = findEksTokenInText(text);
  if (eks !== undefined) return { ok: true, credential: located('eksToken', eks, text) };
  const jwt = findJwtInText(text);
  if (jwt !== undefined) return { ok: true, credential: located('jwt', jwt, text) };
  if (BASE64.test(text) && text.length >= 16) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8').trim();
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(decoded)) return { ok: true, credential: located('privateKey', undefined, text) };
    if (decoded.includes('-----BEGIN CERTIFICATE-----')) return { ok: true, credential: located('certificate', decoded, text) };
    const inner = findJwtInText(decoded);
    if (inner !== undefined) return { ok: true, credential: located('base64Jwt', inner, text) };
    // Base64 DER of a certificate starts with a SEQUENCE tag.
    if (text.startsWith('MII')) return { ok: true, credential: located('certificate', text, text) };
  }
  // Not recognisably anything: let the JWT decoder give its precise reason.
  return { ok: true, credential: located('jwt', text, text) };
}

/** The first `k8s-aws-v1.<base64url>` that starts a word of the text, with all of its base64url. */
export function findEksTokenInText(text: string): string | undefined {
  for (let i = text.indexOf(EKS_TOKEN_PREFIX); i >= 0; i = text.indexOf(EKS_TOKEN_PREFIX, i + 1)) {
    if (i > 0 && /[A-Za-z0-9_.-]/.test(text.charAt(i - 1))) continue;
    const run = /^[A-Za-z0-9_-]*/.exec(text.slice(i + EKS_TOKEN_PREFIX.length))?.[0] ?? '';
    return text.slice(i, i + EKS_TOKEN_PREFIX.length + run.length);
  }
  return undefined;
}

/**
 * The first `eyJ<part>.<part>.<part>` inside longer text (a log line, "Authorization: Bearer ..."),
 * found in one pass: a backtracking regex here is quadratic on pasted text full of "eyJ" without dots.
 */
export function findJwtInText(text: string): string | undefined {
  for (const word of text.split(/[^A-Za-z0-9_.-]+/)) {
    const parts = word.split('.');
    for (let i = 0; i + 2 < parts.length; i++) {
      const start = parts[i].indexOf('eyJ');
      if (start < 0 || parts[i + 1].length === 0) continue;
      return `${parts[i].slice(start)}.${parts[i + 1]}.${parts[i + 2]}`;
    }
  }
  return undefined;
}
