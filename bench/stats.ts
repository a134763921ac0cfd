import { spawnSync } from 'node:child_process';
// Shared figures for benchmarks: medians and percentiles of repeated measurements.
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/** Milliseconds taken by fn, with a high-resolution clock. */
export function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMsAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** xorshift32: the same generated input on every run of a benchmark. */
export class Random {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += '0123456789abcdef'[this.int(16)] ?? '0';
    return out;
  }
}

/** `grep -c ARGS FILE` in the C locale, the baseline a scanner is compared with: seconds and the count. */
export function grepCount(file: string, args: readonly string[]): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync('grep', ['-c', ...args, file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0 && result.status !== 1) throw new Error(`grep failed: ${result.stderr}`);
  return { seconds, count: Number(result.stdout.trim()) };
}
