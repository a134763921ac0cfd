// How often each byte occurs in log text: a prior for container logs, refined by sampling the text itself.
// The search plan anchors each literal on its rarest bytes, so a better guess only makes scans faster;
// it never changes what is found.

const ENGLISH_LOWER = 'etaoinshrdlcumwfgypbvkjxqz';
// Relative frequencies (percent) of the letters above in English text.
const ENGLISH_PERCENT = [12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0, 4.3, 4.0, 2.8, 2.8, 2.4, 2.4, 2.2, 2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.15, 0.15, 0.1, 0.07];

let prior: Float64Array | undefined;

/** A guess for log lines: mostly lower-case words, digits in timestamps and ids, some JSON punctuation. */
export function priorFrequencies(): Float64Array {
  if (prior) return prior;
  const f = new Float64Array(256).fill(1e-5);
  for (let b = 0x20; b < 0x7f; b++) f[b] = 5e-4;
  for (let i = 0; i < ENGLISH_LOWER.length; i++) {
    f[ENGLISH_LOWER.charCodeAt(i)] = (ENGLISH_PERCENT[i] / 100) * 0.5;
  }
  for (let b = 0x41; b <= 0x5a; b++) f[b] = 0.002;
  // Timestamps (T, Z), log levels (INFO, ERROR, WARN, DEBUG), HTTP methods and protocol names.
  for (const c of 'TZEIWNORSPGHDAC') f[c.charCodeAt(0)] = 0.004;
  for (let b = 0x30; b <= 0x39; b++) f[b] = 0.025;
  for (const c of '012') f[c.charCodeAt(0)] = 0.035;
  const punctuation: Array<[string, number]> = [
    [' ', 0.12],
    ['"', 0.02],
    [':', 0.02],
    ['.', 0.02],
    ['-', 0.015],
    ['/', 0.012],
    [',', 0.008],
    ['=', 0.006],
    ['_', 0.006],
    ['[', 0.003],
    [']', 0.003],
    ['{', 0.003],
    ['}', 0.003],
    ['(', 0.002],
    [')', 0.002],
    ['\n', 0.008],
    ['\t', 0.001],
    ['\x1b', 1e-4],
  ];
  for (const [c, v] of punctuation) f[c.charCodeAt(0)] = v;
  prior = f;
  return f;
}

// How much the prior weighs against a sample, in bytes of evidence.
const PRIOR_WEIGHT = 1024;
// Adjacent bytes are not independent: a common pair is more common than the product of its bytes.
const PAIR_CORRELATION = 3;

/** Byte and byte-pair frequencies (per byte of text) that the search plan is costed with. */
export interface ByteStats {
  single: Float64Array;
  /** How often byte a is followed by byte b. */
  pair(a: number, b: number): number;
}

export function priorStats(): ByteStats {
  const single = priorFrequencies();
  return { single, pair: (a, b) => Math.min(single[a], single[a] * single[b] * PAIR_CORRELATION) };
}

/** Statistics of up to `maxSample` bytes of buf from `start`, blended with the prior. */
export function sampleStats(buf: Uint8Array, start: number, end: number, maxSample = 64 * 1024): ByteStats {
  const base = priorFrequencies();
  const stop = Math.min(end, start + maxSample);
  const counts = new Uint32Array(256);
  const pairs = new Uint32Array(65536);
  let prev = -1;
  for (let i = start; i < stop; i++) {
    const b = buf[i];
    counts[b]++;
    if (prev >= 0) pairs[(prev << 8) | b]++;
    prev = b;
  }
  const n = stop - start;
  const single = new Float64Array(256);
  for (let b = 0; b < 256; b++) single[b] = (counts[b] + PRIOR_WEIGHT * base[b]) / (n + PRIOR_WEIGHT);
  const pair = (a: number, b: number): number => {
    const prior = Math.min(base[a], base[a] * base[b] * PAIR_CORRELATION);
    return (pairs[(a << 8) | b] + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT);
  };
  return { single, pair };
}
