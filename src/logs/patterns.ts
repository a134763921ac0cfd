// The patterns that mark a log line as a 401 symptom, and their compilation into regexes plus the
// literals the scanner searches for first.
import * as l10n from '@vscode/l10n';
import { priorStats } from './byteFrequency';
import { compileLinear, type LineMatcher } from './linearPattern';
import { requiredLiterals } from './requiredLiterals';
import { literalSearchCost } from './searchPlan';
import type { CompiledPattern, CompiledPatterns, LogPattern, RequiredLiteral } from './types';
import { errorMessage } from '../shared/values';

// Every default is case-insensitive and written in the syntax JavaScript and POSIX ERE share (plus \b),
// so the benchmark can hand the same expressions to grep -E.
export const DEFAULT_PATTERNS: LogPattern[] = [
  {
    id: 'http-401',
    label: 'HTTP 401',
    regex: '401 unauthorized|status([ _-]?code)?"?[ =:]+"?401\\b|\\bcode"?[=:] ?401\\b|http[/0-9.]*"? 401\\b|\\(401\\)',
    flags: 'i',
  },
  { id: 'unauthorized', label: 'Unauthorized', regex: 'unauthorized', flags: 'i' },
  { id: 'token-expired', label: 'Token has expired', regex: 'token (has|is) expired', flags: 'i' },
  { id: 'invalid-bearer-token', label: 'Invalid bearer token', regex: 'invalid bearer token', flags: 'i' },
  {
    id: 'token-invalidated',
    label: 'Service account token invalidated',
    regex: 'service account token has been invalidated',
    flags: 'i',
  },
  {
    id: 'kubectl-logged-in',
    label: 'kubectl: must be logged in',
    regex: 'you must be logged in to the server',
    flags: 'i',
  },
  { id: 'x509-expired', label: 'Certificate has expired', regex: 'x509: certificate has expired', flags: 'i' },
];

/** Flags as compilePatterns uses them: `g` and `y` dropped, a line is tested, not iterated. */
function lineFlags(flags: string | undefined): string {
  return (flags ?? '').replace(/[gy]/g, '');
}

// The defaults keep V8's engine (they are linear: each run they read follows a literal and cannot be
// split two ways); a user's copy of one, same source and flags, does too.
const NATIVE = new Set(DEFAULT_PATTERNS.map((p) => `${lineFlags(p.flags)}/${p.regex}`));

function describe(p: LogPattern, index: number): string {
  return typeof p.id === 'string' && p.id !== '' ? l10n.t("pattern '{0}'", p.id) : l10n.t('pattern #{0}', index + 1);
}

function priorCost(text: string, caseInsensitive: boolean): number {
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  return literalSearchCost({ bytes, caseInsensitive, patterns: [] }, priorStats());
}

/** True when every occurrence of `outer` contains an occurrence of `inner`. */
function subsumes(inner: RequiredLiteral, innerText: string, outer: RequiredLiteral, outerText: string): boolean {
  if (inner.caseInsensitive) return outerText.toLowerCase().includes(innerText);
  return !outer.caseInsensitive && outerText.includes(innerText);
}

/** Merges literals: a pattern whose literal contains another literal can be found through that one. */
function mergeLiterals(found: Array<{ text: string; caseInsensitive: boolean; pattern: number }>): RequiredLiteral[] {
  const sorted = [...found].sort((a, b) => a.text.length - b.text.length);
  const kept: Array<{ text: string; literal: RequiredLiteral }> = [];
  for (const f of sorted) {
    const literal: RequiredLiteral = {
      bytes: new Uint8Array(Buffer.from(f.text, 'utf8')),
      caseInsensitive: f.caseInsensitive,
      patterns: [f.pattern],
    };
    const host = kept.find((k) => subsumes(k.literal, k.text, literal, f.text));
    if (host) {
      if (!host.literal.patterns.includes(f.pattern)) host.literal.patterns.push(f.pattern);
    } else kept.push({ text: f.text, literal });
  }
  return kept.map((k) => k.literal);
}

export function compilePatterns(patterns: LogPattern[]): CompiledPatterns {
  const errors: string[] = [];
  // Patterns JavaScript reads but the linear-time engine cannot run: named, then skipped.
  const unrunnable: string[] = [];
  const compiled: CompiledPattern[] = [];
  const found: Array<{ text: string; caseInsensitive: boolean; pattern: number }> = [];
  let everyLine = false;
  const seen = new Set<string>();
  patterns.forEach((p, index) => {
    const name = describe(p, index);
    if (typeof p.id !== 'string' || p.id.trim() === '') {
      errors.push(l10n.t('{0}: the id is empty.', name));
      return;
    }
    if (seen.has(p.id)) {
      errors.push(l10n.t('{0}: another pattern already uses this id.', name));
      return;
    }
    seen.add(p.id);
    if (typeof p.regex !== 'string' || p.regex === '') {
      errors.push(l10n.t('{0}: the regular expression is empty.', name));
      return;
    }
    // A line is tested, not iterated: `g` and `y` would only make test() remember lastIndex.
    const flags = lineFlags(p.flags);
    let regex: RegExp;
    try {
      // JavaScript's verdict first, so a typo gets V8's message whichever engine runs the pattern.
      regex = new RegExp(p.regex, flags);
    } catch (err) {
      errors.push(l10n.t('{0}: {1}', name, errorMessage(err)));
      return;
    }
    const native = NATIVE.has(`${flags}/${p.regex}`);
    let matcher: LineMatcher = regex;
    if (!native) {
      const linear = compileLinear(p.regex, flags);
      if (!linear.ok) {
        unrunnable.push(l10n.t('{0}: {1}.', name, linear.reason));
        return;
      }
      matcher = linear.matcher;
    }
    if (matcher.test('')) {
      errors.push(l10n.t('{0}: it matches an empty line, so it would report every line.', name));
      return;
    }
    const patternIndex = compiled.length;
    const label = typeof p.label === 'string' && p.label !== '' ? p.label : p.id;
    compiled.push({ id: p.id, label, matcher, engine: native ? 'native' : 'linear' });
    const caseInsensitive = regex.ignoreCase;
    const literals = requiredLiterals(p.regex, flags, (text) => priorCost(text, caseInsensitive));
    if (!literals) everyLine = true;
    else for (const text of literals) found.push({ text, caseInsensitive, pattern: patternIndex });
  });
  if (errors.length > 0) return { ok: false, errors };
  // Nothing left to scan with: a scan would report nothing and look like good news.
  if (compiled.length === 0 && unrunnable.length > 0) {
    return { ok: false, errors: [...unrunnable, l10n.t('No pattern is left to scan with; fix one, or empty the setting to use the defaults.')] };
  }
  const skipped = unrunnable.map((s) => l10n.t('{0} It is skipped; the scan goes on with the other patterns.', s));
  return { ok: true, patterns: compiled, literals: everyLine ? [] : mergeLiterals(found), everyLine, skipped };
}
