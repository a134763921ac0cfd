// User patterns run on RE2 (re2js), whose time is linear in the line whatever the pattern: the cluster
// writes the lines, and a pattern such as `(a+)+$` would hold a backtracking engine for minutes on one.
import * as l10n from '@vscode/l10n';
import { RE2JS } from 're2js';
import { errorMessage } from '../shared/values';

/** What the scanner needs of a compiled pattern: does it match somewhere in this line. */
export interface LineMatcher {
  test(text: string): boolean;
}

/** `reason` is a clause for the user, without the pattern's name or a final period. */
export type LinearCompileResult = { ok: true; matcher: LineMatcher } | { ok: false; reason: string };

/** The first construct RE2 cannot run (it needs backtracking), found outside character classes. */
function backtrackingConstruct(source: string): 'backreference' | 'lookaround' | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && ((next >= '1' && next <= '9') || (next === 'k' && source[i + 2] === '<'))) return 'backreference';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` closes an empty class in JavaScript; skipping `^` keeps that true.
      if (source[i + 1] === '^') i++;
    } else if (c === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') return 'lookaround';
    }
  }
  return undefined;
}

function re2Flags(flags: string): number {
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return bits;
}

/**
 * Compiles a JavaScript regex (already accepted by `new RegExp`) for RE2, or says in a sentence why RE2
 * cannot run it. Matches agree with JavaScript's except at the edges of Unicode: RE2's `\s` is ASCII
 * white space, and its `.` and case folding work on code points.
 */
export function compileLinear(source: string, flags: string): LinearCompileResult {
  const construct = backtrackingConstruct(source);
  if (construct === 'backreference') {
    return {
      ok: false,
      reason: l10n.t('it uses a back-reference (\\1 or \\k<name>), which the linear-time engine for log patterns cannot match; rewrite it without one'),
    };
  }
  if (construct === 'lookaround') {
    return {
      ok: false,
      reason: l10n.t(
        'it uses a lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which the linear-time engine for log patterns cannot match; rewrite it without one',
      ),
    };
  }
  if (flags.includes('v')) {
    return { ok: false, reason: l10n.t("the linear-time engine for log patterns does not read the v flag's set notation; use the u flag instead") };
  }
  try {
    return { ok: true, matcher: RE2JS.compile(RE2JS.translateRegExp(source), re2Flags(flags)) };
  } catch (err) {
    const detail = errorMessage(err);
    return { ok: false, reason: l10n.t('the linear-time engine for log patterns cannot read it ({0})', detail) };
  }
}
