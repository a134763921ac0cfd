// The test cluster's notion of "now". Tests move it by hand so expiry, refresh and
// leeway rules can be exercised in milliseconds instead of hours.

export interface ClockOptions {
  /** When true, time also flows with the wall clock (for the demo); advances add on top. */
  realTime?: boolean;
  /** The wall clock realTime follows, in milliseconds (default performance.now); tests hand in their own. */
  realNowMs?: () => number;
}

type AdvanceListener = (nowMs: number) => void;

export class Clock {
  private readonly startMs: number;
  private readonly realStartMs: number;
  private readonly realTime: boolean;
  private readonly realNowMs: () => number;
  private advancedMs = 0;
  private readonly listeners = new Set<AdvanceListener>();

  constructor(startMs: number = Date.now(), opts: ClockOptions = {}) {
    if (!Number.isFinite(startMs)) {
      throw new RangeError(`Clock start must be a finite number of milliseconds, got ${startMs}`);
    }
    this.startMs = startMs;
    this.realTime = opts.realTime === true;
    this.realNowMs = opts.realNowMs ?? (() => performance.now());
    this.realStartMs = this.realNowMs();
  }

  nowMs(): number {
    const real = this.realTime ? Math.floor(this.realNowMs() - this.realStartMs) : 0;
    return this.startMs + real + this.advancedMs;
  }

  /** Whole seconds, as JWT NumericDate claims and kube-apiserver timestamps carry them. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** RFC 3339 with second precision, the way metav1.Time serialises. */
  nowRfc3339(): string {
    return rfc3339Seconds(this.nowSeconds());
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      // Time going backwards would break every "not before" rule the cluster checks.
      throw new RangeError(`Clock can only move forward by a finite amount, got ${seconds}`);
    }
    this.advancedMs += Math.round(seconds * 1000);
    const now = this.nowMs();
    for (const listener of [...this.listeners]) {
      listener(now);
    }
  }

  onAdvance(listener: AdvanceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

let lastSeconds = Number.NaN;
let lastText = '';

/** `2026-11-22T03:18:52Z`: RFC 3339 without fractional seconds. */
export function rfc3339Seconds(epochSeconds: number): string {
  const seconds = Math.floor(epochSeconds);
  // Bulk builds stamp thousands of objects within one second: one string serves them all.
  if (seconds !== lastSeconds) {
    lastText = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSeconds = seconds;
  }
  return lastText;
}
