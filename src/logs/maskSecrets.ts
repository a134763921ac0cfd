// Masks credentials inside a log line and keeps the rest readable. A JWT becomes a short sha256
// prefix of itself, so the same token can still be recognised across lines without being shown.
//
// Every rule runs in time linear in the text: each starts at a literal, and each run of characters it
// reads is either bounded or can be read one way only (adjacent runs never share a character, so no
// run is split two ways). The rules are still only as good as the text is short: lines are capped
// before they are masked (maskCapped), so a 1 MiB line costs what its first few KiB cost.
import { createHash } from 'node:crypto';
import { countCharacters, cutIndex, cutMarker } from './sanitize';

// A JWT (or its first parts, when a log truncated it): base64url of `{"` then up to four more segments.
const JWT = /eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+){0,4}/g;
const WHOLE_JWT = /^eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+){0,4}$/;
// The same in standard base64, as Secret `data.token` holds it (base64 of `eyJ` is `ZXlK`).
const BASE64_JWT = /ZXlK[A-Za-z0-9+/]{16,}={0,2}/g;

// A PEM private key, whole or cut short by a cap (then masked to the end); the body may hold `\n` escapes.
const PEM_PRIVATE_KEY = /(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;
// A PEM block in base64 (kubeconfig `client-key-data`): base64 of `-----BEGIN `; masked when it holds a private key.
const BASE64_PEM = /LS0tLS1CRUdJTiB[A-Za-z0-9+/]{8,}={0,2}/g;

// Key names whose value is a secret. Matched from the end of the key (`access_token` ends in `token`,
// `client-key-data` in `key-data`) so that no regex here backtracks over long runs of text.
const SECRET_KEY = String.raw`(?:token|password|passwd|passphrase|secret|api[_-]?key|key[_-]?data|private[_-]?key)`;
// The same before a colon, without `token` and `secret`: prose says "invalid token: ..." and "secret: not found".
const COLON_KEY = String.raw`(?:password|passwd|passphrase|api[_-]?key|key[_-]?data|private[_-]?key|client[_-]?secret)`;

// `Authorization: Bearer x`, `authorization=Basic x`, `"Authorization":["Bearer x"]`. The space before a
// `["` and the space inside it are separate runs only when the `[` is there; a `[` without a quote after
// it is the value (`[masked]`), so masking twice gives what masking once gave.
const AUTHORIZATION = /(authorization["']?\s*[:=]\s*(?:\[\s*["']|["'])?)((?:bearer|basic|token|digest|negotiate)\s+)?([^\s"',;]+)/gi;
// `Cookie: a=b; c=d`, `Set-Cookie: id=x; Path=/`, `"Cookie":["a=b"]`: the whole value, attributes and all.
const COOKIE = /(\bcookie["']?\s*[:=]\s*(?:\[\s*["']|["'])?)([^\s"'][^"'\r\n]*)/gi;
// `bearer x` anywhere, when x looks like a credential rather than a word (`invalid bearer token`).
const BEARER = /\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
// `--token x`, `--password=x`: command lines of kubectl, oc and exec plugins.
const FLAG = /(--(?:token|password|passwd|client-secret|api-key)(?:=|[ \t]+))([^\s"']+)/gi;
// `https://user:password@host`: the password; a user name alone stays (it is often `git` or an account name).
const URL_USERINFO = /(:\/\/[^\s/?#@:"'<>]{0,256}:)[^\s/?#@"'<>]{1,256}(?=@)/g;
// OpenShift access tokens (`sha256~...`) and EKS tokens (`k8s-aws-v1.` and a presigned URL in base64url).
const OPENSHIFT_TOKEN = /\b(sha256~)[A-Za-z0-9_-]{20,}/g;
const EKS_TOKEN = /\b(k8s-aws-v1\.)[A-Za-z0-9_-]{20,}/g;
// `token=x`, `access_token=x`, `password = x` (query strings, logfmt).
const KEY_EQUALS = new RegExp(String.raw`(${SECRET_KEY}\s*=\s*)([^\s&"',;]+)`, 'gi');
// `password: x`, `'client-key-data': x` (YAML, plain text); JSON has its own rules, applied first.
const KEY_COLON = new RegExp(String.raw`(${COLON_KEY}["']?[ \t]*:[ \t]*["']?)([^\s"',;]+)`, 'gi');
// `"token":"x"`, `"accessToken": "x"`: the value with its escapes (`\"` does not end it).
const JSON_FIELD = new RegExp(String.raw`("[A-Za-z0-9_-]{0,64}?${SECRET_KEY}"\s*:\s*")((?:[^"\\]|\\.)+)`, 'gi');
// The same escaped inside another JSON string, where `\"` ends the value.
const ESCAPED_JSON_FIELD = new RegExp(String.raw`(\\"[A-Za-z0-9_-]{0,64}?${SECRET_KEY}\\"\s*:\s*\\")([^"\\]+)`, 'gi');

const MASKED = '[masked]';

function sha256Prefix(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function maskJwt(token: string): string {
  return `eyJ…[token sha256:${sha256Prefix(token)}]`;
}

function maskValue(value: string): string {
  return WHOLE_JWT.test(value) ? maskJwt(value) : MASKED;
}

function maskBase64Jwt(encoded: string): string {
  // Hash the decoded token, so the mark agrees with the one the same token gets in plain form.
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return `ZXlK…[token sha256:${sha256Prefix(decoded)}]`;
}

function maskBase64Pem(encoded: string): string {
  // The PEM label sits in the first 60 bytes; certificates are public and stay readable.
  const head = Buffer.from(encoded.slice(0, 80), 'base64').toString('latin1');
  return head.includes('PRIVATE KEY') ? `LS0tLS1CRUdJTi…${MASKED}` : encoded;
}

function keepPrefix(_m: string, prefix: string): string {
  return `${prefix}${MASKED}`;
}

function maskPrefixed(_m: string, prefix: string, value: string): string {
  return `${prefix}${maskValue(value)}`;
}

export function maskSecrets(line: string): string {
  return (
    line
      .replace(PEM_PRIVATE_KEY, (_m, begin: string, end: string) => `${begin}${MASKED}${end}`)
      .replace(BASE64_PEM, maskBase64Pem)
      .replace(AUTHORIZATION, (_m, prefix: string, scheme: string | undefined, value: string) => {
        return `${prefix}${scheme ?? ''}${maskValue(value)}`;
      })
      .replace(COOKIE, keepPrefix)
      .replace(BEARER, (m, prefix: string, value: string) => {
        // Plain lower-case words (`bearer authentication`) are prose, not tokens.
        return /^[a-z]+$/.test(value) ? m : `${prefix}${maskValue(value)}`;
      })
      .replace(FLAG, maskPrefixed)
      .replace(URL_USERINFO, keepPrefix)
      .replace(OPENSHIFT_TOKEN, keepPrefix)
      .replace(EKS_TOKEN, keepPrefix)
      // JSON first: it reads a value's escapes, which the plain-text rules would stop at.
      .replace(JSON_FIELD, maskPrefixed)
      .replace(ESCAPED_JSON_FIELD, maskPrefixed)
      .replace(KEY_EQUALS, maskPrefixed)
      .replace(KEY_COLON, maskPrefixed)
      .replace(JWT, maskJwt)
      .replace(BASE64_JWT, maskBase64Jwt)
  );
}

// Text past the cap that is masked too, so a secret that starts before the cap (a URL's password
// after its user name, up to 512 characters on) is recognised whole; it is then cut with the rest.
const LOOKAHEAD = 1024;

/**
 * Masks at most `max` characters of text (plus a short look past them) and caps the result to `max`
 * with a marker counting what was cut, so masking costs the same on a 1 MiB line as on a short one.
 * `mask` is what is done to the kept text (the scanner also removes control characters there).
 */
export function maskCapped(text: string, max: number, mask: (text: string) => string = maskSecrets): string {
  const limit = Math.max(0, Math.floor(max));
  const window = text.slice(0, cutIndex(text, limit + LOOKAHEAD));
  const masked = mask(window);
  if (window.length === text.length && masked.length <= limit) return masked;
  const end = cutIndex(masked, limit);
  const cut = countCharacters(masked, end) + countCharacters(text, window.length);
  return `${masked.slice(0, end)}${cutMarker(cut)}`;
}
