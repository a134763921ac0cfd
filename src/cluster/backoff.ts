// How long a list or watch waits before trying again, as client-go's reflector waits: exponential from 0.8 s
// to 30 s, each wait stretched by a random part of itself (jitter 1.0: between d and 2d), so that many windows
// that lost the same API server do not come back at the same instant; back to 0.8 s after two minutes without
// a failure. A 429 or 503 that says `Retry-After` is waited out at least that long.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** The wait is d + random · jitter · d. */
  jitter: number;
  /** A failure this long after the last one starts again from `initialMs`. */
  resetAfterMs: number;
}

/** client-go's reflector (NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)). */
export const REFLECTOR_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, factor: 2, jitter: 1, resetAfterMs: 120_000 };

/** The longest `Retry-After` honoured: a server asking for more is asked again after this. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export class Backoff {
  private current = 0;
  private lastFailureMs: number | undefined;

  constructor(
    private readonly options: BackoffOptions = REFLECTOR_BACKOFF,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** The wait before the next try, after a failure now; `retryAfterMs` is what the server asked for, if it did. */
  next(retryAfterMs?: number): number {
    const { initialMs, maxMs, factor, jitter, resetAfterMs } = this.options;
    const at = this.now();
    if (this.lastFailureMs === undefined || at - this.lastFailureMs >= resetAfterMs) this.current = initialMs;
    else this.current = Math.min(maxMs, this.current * factor);
    this.lastFailureMs = at;
    const wait = this.current + this.random() * jitter * this.current;
    return Math.round(Math.max(wait, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
  }
}

/**
 * `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * not understood (a past date is no wait).
 */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month in letters ("Thu, 03 Dec 2026 12:00:30 GMT"); JavaScript would read "-5" as a year.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
