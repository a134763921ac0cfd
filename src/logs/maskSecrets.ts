// Masks credentials inside a log line and keeps the rest readable. A JWT becomes a short sha256
// prefix of itself, so the same token can still be recognised across lines without being shown.
import { createHash } from 'node:crypto';

// A JWT (or its first parts, when a log truncated it): base64url of `{"` then up to four more segments.
const JWT = /eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+){0,4}/g;
const WHOLE_JWT = /^eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+){0,4}$/;
// The same in standard base64, as Secret `data.token` holds it (base64 of `eyJ` is `ZXlK`).
const BASE64_JWT = /ZXlK[A-Za-z0-9+/]{16,}={0,2}/g;

// Key names whose value is a secret. Matched from the end of the key (`access_token` ends in `token`)
// so that no regex here backtracks over long runs of text.
const SECRET_KEY = String.raw`(?:token|password|passwd|secret|api[_-]?key)`;
// `Authorization: Bearer x`, `authorization=Basic x`, `"Authorization":["Bearer x"]`.
const AUTHORIZATION =
  /(authorization["']?\s*[:=]\s*\[?\s*["']?)((?:bearer|basic|token|digest|negotiate)\s+)?([^\s"',;\]]+)/gi;
// `bearer x` anywhere, when x looks like a credential rather than a word (`invalid bearer token`).
const BEARER = /\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
// `token=x`, `access_token=x`, `password = x` (query strings, logfmt).
const KEY_EQUALS = new RegExp(String.raw`(${SECRET_KEY}\s*=\s*)([^\s&"',;]+)`, 'gi');
// `"token":"x"`, `"accessToken": "x"`, and the same escaped inside another JSON string.
const JSON_FIELD = new RegExp(String.raw`(\\?"[A-Za-z0-9_-]*?${SECRET_KEY}\\?"\s*:\s*\\?")([^"\\]+)`, 'gi');

function sha256Prefix(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function maskJwt(token: string): string {
  return `eyJ…[token sha256:${sha256Prefix(token)}]`;
}

function maskValue(value: string): string {
  return WHOLE_JWT.test(value) ? maskJwt(value) : '[masked]';
}

function maskBase64Jwt(encoded: string): string {
  // Hash the decoded token, so the mark agrees with the one the same token gets in plain form.
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return `ZXlK…[token sha256:${sha256Prefix(decoded)}]`;
}

export function maskSecrets(line: string): string {
  return line
    .replace(AUTHORIZATION, (_m, prefix: string, scheme: string | undefined, value: string) => {
      return `${prefix}${scheme ?? ''}${maskValue(value)}`;
    })
    .replace(BEARER, (m, prefix: string, value: string) => {
      // Plain lower-case words (`bearer authentication`) are prose, not tokens.
      return /^[a-z]+$/.test(value) ? m : `${prefix}${maskValue(value)}`;
    })
    .replace(KEY_EQUALS, (_m, prefix: string, value: string) => `${prefix}${maskValue(value)}`)
    .replace(JSON_FIELD, (_m, prefix: string, value: string) => `${prefix}${maskValue(value)}`)
    .replace(JWT, maskJwt)
    .replace(BASE64_JWT, maskBase64Jwt);
}
