// Lines a cluster writes to stall the extension host.
// hostile.mask_1mib_ms: a 1 MiB line `401 Unauthorized authorization:` + spaces + `,` (quadratic for the old
// masker: about an hour) reported the way the scanner reports it (capped to 2,000 characters, then control
// characters removed and secrets masked); median of 15 runs, the slower of the line as is and with a `€` in
// its head (a two-byte string, where counting what was cut is real work). Goal < 20.
// hostile.mask_uncapped_1mib_ms: the slowest of several 1 MiB hostile shapes given whole to maskSecrets, to
// show every rule is linear even without the cap; median of 5 runs each.
// hostile.user_pattern_block_ms: the longest event-loop block (monitorEventLoopDelay, 1 ms resolution) while
// a StreamScanner with the defaults plus the user pattern `(a+)+$` reads 9 MiB of hostile lines in 64 KiB
// chunks, yielding between chunks as a followed log does; median over 3 scans. Goal < 50.
// hostile.user_pattern_block_cpu_ms: the most main-thread CPU time one chunk took in those scans, which a
// machine shared with other work inflates less than the wall-clock block above.
// hostile.user_pattern_scan_mb_per_s: the throughput of those scans.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { compilePatterns, DEFAULT_PATTERNS, maskCapped, maskSecrets, StreamScanner } from '../src/logs/index';
import { stripControl } from '../src/logs/sanitize';
import { median, timeMs } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const MAX_LINE_LENGTH = 2000;

function oneMib(head: string, fill: string, tail: string): string {
  return `${head}${fill.repeat(Math.ceil((MIB - head.length - tail.length) / fill.length)).slice(0, MIB - head.length - tail.length)}${tail}`;
}

const AUTHORIZATION_SPACES = oneMib('401 Unauthorized authorization:', ' ', ',');
// The same with one character outside Latin-1, which makes V8 store the whole line in two bytes a character.
const AUTHORIZATION_SPACES_WIDE = oneMib('401 Unauthorized € authorization:', ' ', ',');

// Shapes that made one rule or another of a backtracking masker try every split of a run.
const HOSTILE_SHAPES = [
  AUTHORIZATION_SPACES,
  oneMib('authorization: [', ' ', ','),
  oneMib('Cookie:', ' ', '"'),
  oneMib('password:', '\t', ','),
  oneMib('"', 'a', ''),
  oneMib('', '://a', ''),
  oneMib('', 'a-', 'token'),
  oneMib('', '-----BEGIN ', ''),
  oneMib('', 'eyJ', ''),
];

/** 9 MiB of lines built against `(a+)+$` and the masker, ending in newlines, as one buffer. */
function hostileLog(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) {
    lines.push('a'.repeat(MIB - 1)); // a whole piece of a's: the pattern's worst case, tested whole
    lines.push(AUTHORIZATION_SPACES.slice(0, MIB - 1));
  }
  const text = `${lines.join('\n')}\n`;
  // Short lines of 26 a's and a `!`: 1.6 s each for V8's backtracking engine.
  const short = `${'a'.repeat(26)}!\n`.repeat(Math.floor(MIB / 28));
  return Buffer.from(text + short);
}

interface ScanFigures {
  blockMs: number;
  blockCpuMs: number;
  totalMs: number;
  matches: number;
}

async function scanOnce(log: Buffer, compiled: ReturnType<typeof compilePatterns>): Promise<ScanFigures> {
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  let matches = 0;
  const scanner = new StreamScanner(compiled, undefined, () => {
    matches++;
  });
  let blockCpuMs = 0;
  const start = process.hrtime.bigint();
  monitor.enable();
  for (let at = 0; at <= log.length; at += CHUNK) {
    const before = process.threadCpuUsage();
    if (at < log.length) scanner.push(log.subarray(at, at + CHUNK));
    else scanner.end();
    const used = process.threadCpuUsage(before);
    blockCpuMs = Math.max(blockCpuMs, (used.user + used.system) / 1000);
    await nextTurn();
  }
  monitor.disable();
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { blockMs: monitor.max / 1e6, blockCpuMs, totalMs, matches };
}

export async function run(report: Report): Promise<void> {
  // The masking the scanner does for a reported line.
  const maskLine = (line: string): string => maskCapped(line, MAX_LINE_LENGTH, (window) => maskSecrets(stripControl(window)));
  let slowestLine = 0;
  for (const line of [AUTHORIZATION_SPACES, AUTHORIZATION_SPACES_WIDE]) {
    for (let i = 0; i < 3; i++) maskLine(line); // warm the JIT
    const masked = maskLine(line);
    if (!masked.endsWith(`… [${MIB - MAX_LINE_LENGTH} more characters]`)) throw new Error(`unexpected masked line ending: ${masked.slice(-60)}`);
    slowestLine = Math.max(slowestLine, median(Array.from({ length: 15 }, () => timeMs(() => maskLine(line)))));
  }
  report('hostile.mask_1mib_ms', slowestLine, 'ms');

  let slowest = 0;
  for (const shape of HOSTILE_SHAPES) {
    maskSecrets(shape);
    slowest = Math.max(slowest, median(Array.from({ length: 5 }, () => timeMs(() => maskSecrets(shape)))));
  }
  report('hostile.mask_uncapped_1mib_ms', slowest, 'ms');

  const compiled = compilePatterns([...DEFAULT_PATTERNS, { id: 'evil', label: 'Nested repetition', regex: '(a+)+$' }]);
  if (!compiled.ok) throw new Error(compiled.errors.join('; '));
  const log = hostileLog();
  const warm = await scanOnce(log, compiled);
  // The 4 lines of a's and the 4 of 401s are reported; the short lines end in `!` and only cost time.
  const expected = 8;
  if (warm.matches !== expected) throw new Error(`expected ${expected} reported lines, got ${warm.matches}`);
  const runs = [await scanOnce(log, compiled), await scanOnce(log, compiled), await scanOnce(log, compiled)];
  report('hostile.user_pattern_block_ms', median(runs.map((r) => r.blockMs)), 'ms');
  report('hostile.user_pattern_block_cpu_ms', median(runs.map((r) => r.blockCpuMs)), 'ms');
  report('hostile.user_pattern_scan_mb_per_s', median(runs.map((r) => log.length / 1e6 / (r.totalMs / 1000))), 'MB/s');
}
