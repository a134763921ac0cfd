import * as l10n from '@vscode/l10n';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { readClaims } from './claims';
import { fingerprint } from './fingerprint';
import { normalizeToken } from './normalizeToken';
import type { DecodeResult } from './types';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// eyJ is base64url of `{"`: every compact JWT header starts with it.
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Segment = 'header' | 'payload';
type SegmentResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

// A length of 4n+1 cannot come out of any base64 encoding.
function isBase64url(s: string): boolean {
  return BASE64URL.test(s) && s.length % 4 !== 1;
}

type SegmentProblem = 'empty' | 'base64url' | 'utf8' | 'json' | 'object';

/** What is wrong with a segment, in a whole sentence for each segment. */
function segmentReason(name: Segment, problem: SegmentProblem): string {
  const header = name === 'header';
  switch (problem) {
    case 'empty':
      return header ? l10n.t('header segment is empty') : l10n.t('payload segment is empty');
    case 'base64url':
      return header ? l10n.t('header is not valid base64url') : l10n.t('payload is not valid base64url');
    case 'utf8':
      return header ? l10n.t('header is not valid UTF-8') : l10n.t('payload is not valid UTF-8');
    case 'json':
      return header ? l10n.t('header is not JSON') : l10n.t('payload is not JSON');
    case 'object':
      return header ? l10n.t('header is not a JSON object') : l10n.t('payload is not a JSON object');
  }
}

function decodeSegment(segment: string, name: Segment): SegmentResult {
  if (segment === '') return fail(segmentReason(name, 'empty'));
  if (!isBase64url(segment)) return fail(segmentReason(name, 'base64url'));
  let text: string;
  try {
    text = utf8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    return fail(segmentReason(name, 'utf8'));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(segmentReason(name, 'json'));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(segmentReason(name, 'object'));
  return { ok: true, value: value as Record<string, unknown> };
}

function segmentCountReason(found: number): string {
  if (found === 5) return l10n.t('3 segments expected, found 5 (an encrypted JWE, which cannot be read without its key)');
  return l10n.t('3 segments expected, found {0}', found);
}

/**
 * Decodes a compact JWS without verifying it. Trims whitespace and a leading `Bearer `.
 * Never throws: a malformed token gives `{ ok: false, reason }` with the first problem found.
 */
export function decodeToken(raw: string): DecodeResult {
  try {
    const token = normalizeToken(raw);
    if (token === '') return fail(l10n.t('empty token'));
    if (/\s/.test(token)) return fail(l10n.t('token contains whitespace or a line break'));
    const segments = token.split('.');
    if (segments.length !== 3) return fail(segmentCountReason(segments.length));
    const [h, p, s] = segments as [string, string, string];
    const header = decodeSegment(h, 'header');
    if (!header.ok) return header;
    if (typeof header.value.alg !== 'string') return fail(l10n.t('header has no "alg"'));
    const payload = decodeSegment(p, 'payload');
    if (!payload.ok) return payload;
    if (s === '') return fail(l10n.t('signature segment is empty (an unsecured JWT)'));
    if (!isBase64url(s)) return fail(l10n.t('signature is not valid base64url'));
    // jose has the last word on what a JWT is; the checks above only make the reason precise.
    const joseHeader = decodeProtectedHeader(token) as Record<string, unknown>;
    const claims = readClaims(decodeJwt(token));
    return { ok: true, token: { header: joseHeader, claims, fingerprint: fingerprint(token) } };
  } catch (err) {
    // jose's messages describe structure, never the token's content.
    return fail(l10n.t('token could not be decoded: {0}', err instanceof Error ? err.message : l10n.t('unknown error')));
  }
}

/** Cheap shape check: three base64url segments, the header starting with `eyJ`. Accepts `Bearer ` and whitespace around. */
export function looksLikeJwt(s: string): boolean {
  if (typeof s !== 'string' || s.length < 10) return false;
  return JWT_SHAPE.test(normalizeToken(s));
}
