// Random log texts and pattern sets for the property tests of the scanner.
import fc from 'fast-check';
import { DEFAULT_PATTERNS } from '../../../src/logs/index';
import type { LogPattern } from '../../../src/logs/index';

// Pieces chosen to hit every path: literals in odd cases, near misses, escape sequences (also inside
// a literal), CR and CRLF, multi-byte and astral characters, control bytes, tokens.
const FRAGMENTS = [
  'Unauthorized',
  'unAuthoRIZED',
  'Unauth\x1b[1morized',
  'status 401',
  '"code":401',
  'HTTP/1.1 401',
  '401',
  '4010',
  'token has expired',
  'TOKEN IS EXPIRED',
  'x509: certificate has expired',
  'you must be logged in to the server',
  'authorized',
  'denied',
  'DENIED',
  '123 456',
  ' ',
  ' ',
  'abc',
  '\n',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\x00',
  '\x1b[31m',
  '\x1b[0m',
  'é',
  '😀',
  'Bearer ',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  '2026-11-22T03:40:01.5Z ',
];

export const logText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(''));

const EXTRA_PATTERNS: LogPattern[] = [
  { id: 'denied', label: 'Denied (case matters)', regex: 'denied' },
  { id: 'numbers', label: 'No literal: tested on every line', regex: '\\d{3}\\s\\d{3}' },
  { id: 'shouting', label: 'Capitals', regex: 'AUTH[A-Z]+|DENIED' },
  { id: 'emoji', label: 'Astral', regex: '😀', flags: 'u' },
  // Sees whether a line's CR was dropped, and only at the line's end.
  { id: 'line-end', label: 'Anchored at the end', regex: 'denied$', flags: 'i' },
];

export const patternSet = fc.subarray([...DEFAULT_PATTERNS, ...EXTRA_PATTERNS], { minLength: 1 }).map((ps) => ps.map((p) => ({ ...p })));

export const maxLineBytes = fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined });
