// What credential, if any, one YAML scalar holds, with offsets into the source text.
import { CST } from 'yaml';
import { isRecord } from '../shared/values';
import { EKS_TOKEN_PREFIX } from './eksToken';
import { looksLikeJwt } from './jwt';
import { isCertificateLabel, pemBlocks } from './pem';
import type { LocatedCredential, LocatedKind } from './types';

export type ScalarToken = CST.FlowScalar | CST.BlockScalar;

export interface ScalarContext {
  /** Computed only when something is found. */
  path: () => string;
  key: string | undefined;
  /** The scalar sits in `data`/`stringData` of a Secret of type kubernetes.io/service-account-token. */
  inSaSecretData: boolean;
  documentIndex: number;
}

const PRIVATE_KEY_KEYS = new Set(['client-key-data', 'tls.key', 'ssh-privatekey']);
const CERTIFICATE_KEYS = new Set(['client-certificate-data', 'certificate-authority-data', 'ca.crt', 'tls.crt']);
const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PRIVATE_KEY = 'PRIVATE KEY';
// base64 of `eyJ` (a JWT) and of `-----BEGIN` (PEM).
const B64_JWT = 'ZXlK';
const B64_PEM = 'LS0tLS1CRUdJTi';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const WHITESPACE = /\s+/g;
const SA_TOKEN_KEY = 'token';
// Shorter runs after the prefix are words about EKS tokens, not tokens (a real one is over 500 characters).
const EKS_MIN_RUN = 16;

/** Strings without which examineScalar, findJwts and findEksTokens find nothing in a text. */
export const CREDENTIAL_MARKERS: readonly string[] = ['eyJ', B64_JWT, 'LS0t', PEM_BEGIN, EKS_TOKEN_PREFIX, ...PRIVATE_KEY_KEYS, ...CERTIFICATE_KEYS];

function isBase64urlCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The scalar's string value; falls back to the raw source if yaml cannot resolve it. */
export function scalarValue(token: ScalarToken): string {
  const s = token.source;
  // Fast paths for the single-line forms that make up almost every key and value.
  if (token.type === 'scalar' && !s.includes('\n')) return s;
  if (token.type === 'double-quoted-scalar' && s.length >= 2 && s.endsWith('"') && !s.includes('\\') && !s.includes('\n')) {
    return s.slice(1, -1);
  }
  if (token.type === 'single-quoted-scalar' && s.length >= 2 && s.endsWith("'") && !s.includes("''") && !s.includes('\n')) {
    return s.slice(1, -1);
  }
  try {
    return CST.resolveAsScalar(token, false, () => undefined)?.value ?? s;
  } catch {
    return s;
  }
}

/** Where the value text lies inside `token.source`: inside the quotes, past a block header, without surrounding blanks. */
function valueSpan(token: ScalarToken): { from: number; to: number; base: number } {
  const s = token.source;
  let base = token.offset;
  let from = 0;
  let to = s.length;
  if (token.type === 'block-scalar') {
    const last = token.props[token.props.length - 1];
    if (last !== undefined && 'source' in last && typeof last.source === 'string') base = last.offset + last.source.length;
  } else if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
    from = 1;
    const quote = token.type === 'double-quoted-scalar' ? '"' : "'";
    if (s.length >= 2 && s.endsWith(quote)) to = s.length - 1;
  }
  while (from < to && isSpaceCode(s.charCodeAt(from))) from++;
  while (to > from && isSpaceCode(s.charCodeAt(to - 1))) to--;
  return { from, to, base };
}

function headerIsJsonObject(segment: string): boolean {
  if (segment.length > 4096) return false;
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isRecord(v);
  } catch {
    return false;
  }
}

function emit(
  out: LocatedCredential[],
  ctx: ScalarContext,
  kind: LocatedKind,
  start: number,
  end: number,
  value: string | undefined,
  saSecret?: boolean,
): void {
  if (end <= start) return;
  const path = ctx.path();
  const { key, documentIndex } = ctx;
  // A private key's text never leaves this function.
  const kept = kind === 'privateKey' ? undefined : value;
  // The usual credential made whole in one literal: its members then sit in the object itself, without
  // a second object for the ones added later (tens of thousands of credentials stay in memory).
  if (key !== undefined && kept !== undefined && saSecret === undefined) {
    out.push({ kind, start, end, path, documentIndex, key, value: kept });
    return;
  }
  const found: LocatedCredential = { kind, start, end, path, documentIndex };
  if (key !== undefined) found.key = key;
  if (kept !== undefined) found.value = kept;
  if (saSecret !== undefined) found.inServiceAccountTokenSecret = saSecret;
  out.push(found);
}

// Only ever true or absent, for raw and base64 tokens alike.
function inTokenSecret(ctx: ScalarContext): true | undefined {
  return ctx.inSaSecretData && ctx.key === SA_TOKEN_KEY ? true : undefined;
}

function isJwtRunCode(c: number): boolean {
  return isBase64urlCode(c) || c === 46;
}

/**
 * Raw JWTs inside any text (a scalar's source, a comment), at `baseOffset` in the document.
 * A candidate is a whole run of base64url characters and dots starting with `eyJ`, with exactly
 * three segments (a trailing sentence dot allowed). Linear in the text: a regex with `eyJ[...]+\.`
 * backtracks quadratically on long runs without dots.
 * `escapes`: the text is a double-quoted source, where `\neyJ...` starts a token after an escape.
 */
export function findJwts(source: string, baseOffset: number, ctx: ScalarContext, out: LocatedCredential[], escapes: boolean): void {
  let from = 0;
  for (let i = source.indexOf('eyJ', from); i >= 0; i = source.indexOf('eyJ', from)) {
    from = i + 1;
    const before = i > 0 ? source.charCodeAt(i - 1) : -1;
    const afterEscape = escapes && i >= 2 && source.charCodeAt(i - 2) === 92;
    if (isJwtRunCode(before) && !afterEscape) continue;
    let end = i;
    while (end < source.length && isJwtRunCode(source.charCodeAt(end))) end++;
    from = end;
    const run = source.slice(i, end);
    const parts = run.split('.');
    // `eyJ.a.b.` at the end of a sentence: the last dot is not a fourth segment.
    if (parts.length === 4 && parts[3] === '') parts.pop();
    const [header = '', payload = '', signature = ''] = parts;
    if (parts.length !== 3 || payload === '' || !headerIsJsonObject(header)) continue;
    // The run itself (without the sentence dot), not the parts joined again: one slice of the source
    // instead of a chain of concatenations, kept in memory with the credential.
    const jwt = run.slice(0, header.length + payload.length + signature.length + 2);
    emit(out, ctx, 'jwt', baseOffset + i, baseOffset + i + jwt.length, jwt, inTokenSecret(ctx));
  }
}

/**
 * EKS tokens (`k8s-aws-v1.` and a run of base64url) inside any text, at `baseOffset` in the document. The whole
 * run is the value, even when it does not decode: the assessment says why. Linear in the text.
 * `escapes`: the text is a double-quoted source, where `\nk8s-aws-v1.` starts a token after an escape.
 */
export function findEksTokens(source: string, baseOffset: number, ctx: ScalarContext, out: LocatedCredential[], escapes: boolean): void {
  let from = 0;
  for (let i = source.indexOf(EKS_TOKEN_PREFIX, from); i >= 0; i = source.indexOf(EKS_TOKEN_PREFIX, from)) {
    const before = i > 0 ? source.charCodeAt(i - 1) : -1;
    const afterEscape = escapes && i >= 2 && source.charCodeAt(i - 2) === 92;
    let end = i + EKS_TOKEN_PREFIX.length;
    while (end < source.length && isBase64urlCode(source.charCodeAt(end))) end++;
    from = end;
    if (isJwtRunCode(before) && !afterEscape) continue;
    if (end - i - EKS_TOKEN_PREFIX.length < EKS_MIN_RUN) continue;
    emit(out, ctx, 'eksToken', baseOffset + i, baseOffset + end, source.slice(i, end));
  }
}

/** The PEM span inside the source: from the first BEGIN to the end of the last END line. */
function pemSpan(source: string, from: number, to: number): { from: number; to: number } {
  const begin = source.indexOf(PEM_BEGIN, from);
  const lastEnd = source.lastIndexOf(PEM_END, to);
  const close = lastEnd > begin ? source.indexOf('-----', lastEnd + PEM_END.length) : -1;
  const end = close >= 0 && close + 5 <= to ? close + 5 : to;
  return { from: begin >= from && begin < end ? begin : from, to: end };
}

function examinePem(token: ScalarToken, span: { from: number; to: number; base: number }, ctx: ScalarContext, out: LocatedCredential[]): void {
  const value = scalarValue(token);
  const blocks = pemBlocks(value);
  if (blocks.length === 0) return;
  const where = pemSpan(token.source, span.from, span.to);
  const start = span.base + where.from;
  const end = span.base + where.to;
  // Any mention of a private key, even with a mangled BEGIN line, makes the whole value one.
  if (value.includes(PRIVATE_KEY)) {
    emit(out, ctx, 'privateKey', start, end, undefined);
    return;
  }
  const certs = blocks.filter((b) => isCertificateLabel(b.label));
  if (certs.length > 0) emit(out, ctx, 'certificate', start, end, certs.map((b) => value.slice(b.start, b.end)).join('\n'));
}

function examineBase64(
  token: ScalarToken,
  span: { from: number; to: number; base: number },
  ctx: ScalarContext,
  out: LocatedCredential[],
  certificateKey: boolean,
): void {
  const raw = token.type === 'double-quoted-scalar' && token.source.includes('\\') ? scalarValue(token) : token.source.slice(span.from, span.to);
  const compact = raw.replace(WHITESPACE, '');
  const start = span.base + span.from;
  const end = span.base + span.to;
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    if (certificateKey && compact !== '') emit(out, ctx, 'certificate', start, end, compact);
    return;
  }
  if (compact.startsWith(B64_JWT)) {
    const jwt = Buffer.from(compact, 'base64').toString('utf8').trim();
    if (looksLikeJwt(jwt)) emit(out, ctx, 'base64Jwt', start, end, jwt, inTokenSecret(ctx));
    else if (certificateKey) emit(out, ctx, 'certificate', start, end, compact);
    return;
  }
  if (compact.startsWith(B64_PEM)) {
    // Read the first label before decoding the rest: a private key is not decoded whole.
    const head = Buffer.from(compact.slice(0, 96), 'base64').toString('latin1').split('\n', 1)[0] ?? '';
    if (head.includes(PRIVATE_KEY)) {
      emit(out, ctx, 'privateKey', start, end, undefined);
      return;
    }
    const pem = Buffer.from(compact, 'base64').toString('utf8');
    const blocks = pemBlocks(pem);
    if (pem.includes(PRIVATE_KEY)) emit(out, ctx, 'privateKey', start, end, undefined);
    else if (certificateKey || blocks.some((b) => isCertificateLabel(b.label))) emit(out, ctx, 'certificate', start, end, pem);
    return;
  }
  if (!certificateKey) return;
  // A key stored under a certificate's name, base64 of a PEM with text before the BEGIN line.
  if (Buffer.from(compact, 'base64').toString('latin1').includes(PRIVATE_KEY)) emit(out, ctx, 'privateKey', start, end, undefined);
  else emit(out, ctx, 'certificate', start, end, compact);
}

/** False for nearly every scalar: nothing examineScalar looks for can be in it. */
export function worthExamining(source: string, key: string | undefined): boolean {
  if (key !== undefined && (PRIVATE_KEY_KEYS.has(key) || CERTIFICATE_KEYS.has(key))) return true;
  return source.includes('eyJ') || source.includes(PEM_BEGIN) || source.includes(B64_JWT) || source.includes('LS0t') || source.includes(EKS_TOKEN_PREFIX);
}

/** Finds every credential one scalar holds and appends it to `out`. */
export function examineScalar(token: ScalarToken, ctx: ScalarContext, out: LocatedCredential[]): void {
  const source = token.source;
  const key = ctx.key;
  if (!worthExamining(source, key)) return;
  const privateKeyKey = key !== undefined && PRIVATE_KEY_KEYS.has(key);
  const certificateKey = key !== undefined && CERTIFICATE_KEYS.has(key);
  const hasJwt = source.includes('eyJ');
  const hasPem = source.includes(PEM_BEGIN);
  const span = valueSpan(token);
  if (span.to <= span.from) return;
  if (privateKeyKey) {
    emit(out, ctx, 'privateKey', span.base + span.from, span.base + span.to, undefined);
    return;
  }
  if (hasPem) examinePem(token, span, ctx, out);
  else {
    const head = source.slice(span.from, span.from + B64_PEM.length);
    if (certificateKey || head.startsWith(B64_JWT) || head === B64_PEM) examineBase64(token, span, ctx, out, certificateKey);
  }
  if (hasJwt) findJwts(source, span.base, ctx, out, token.type === 'double-quoted-scalar');
  if (source.includes(EKS_TOKEN_PREFIX)) findEksTokens(source, span.base, ctx, out, token.type === 'double-quoted-scalar');
}
