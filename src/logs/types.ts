// Types that cross the logs/ boundary. logs/ is pure: no vscode, no network.
import type { LineMatcher } from './linearPattern';

/**
 * A user-editable pattern: a JavaScript regular expression tested against each log line. Patterns other
 * than the defaults run on a linear-time engine, which has no back-references or lookarounds.
 */
export interface LogPattern {
  id: string;
  label: string;
  regex: string;
  /** RegExp flags; `g` and `y` are ignored because a line is tested, not iterated. */
  flags?: string;
}

/** One reported line. */
export interface LogMatch {
  /** 1-based line number in the scanned text (a line longer than `maxLineBytes` reports each matching piece). */
  lineNumber: number;
  /** Milliseconds since the epoch, when the line starts with a timestamp we recognise. */
  timeMs?: number;
  /** Ids of every pattern that matched, in pattern order. */
  patternIds: string[];
  /** The line with escape sequences and control characters removed, secrets masked, capped. */
  line: string;
}

export interface ScanOptions {
  /** Characters kept of a reported line before the ellipsis marker (default 2000). */
  maxLineLength?: number;
  /**
   * A line longer than this many bytes is scanned as consecutive pieces of this size, all with the
   * line's number, so one huge line cannot hold unbounded memory (default 1 MiB).
   */
  maxLineBytes?: number;
}

/** A search literal: every match of some pattern contains at least one of its pattern's literals. */
export interface RequiredLiteral {
  /** UTF-8 bytes; ASCII letters are lower case when `caseInsensitive`. */
  bytes: Uint8Array;
  caseInsensitive: boolean;
  /** Indexes into `CompiledPatterns.patterns` of the patterns this literal stands for. */
  patterns: number[];
}

export interface CompiledPattern {
  id: string;
  label: string;
  matcher: LineMatcher;
  /** `native` for the built-in defaults (V8, audited to stay linear); `linear` (RE2) for every other pattern. */
  engine: 'native' | 'linear';
}

export type CompiledPatterns =
  | {
      ok: true;
      patterns: readonly CompiledPattern[];
      /** Literals that together find every line any pattern can match (empty when `everyLine`). */
      literals: readonly RequiredLiteral[];
      /** True when some pattern has no required literal, so every line must be tested. */
      everyLine: boolean;
      /** One sentence per pattern left out because the linear-time engine cannot run it; for the user. */
      skipped: string[];
    }
  | { ok: false; errors: string[] };
