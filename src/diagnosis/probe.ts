// The result of a concurrency probe: the same token sent in many parallel requests. The
// commands layer runs the probe and feeds this to the diagnosis; no raw token, only its fingerprint.
import type { Subject } from '../history/types';

export interface ProbeResult {
  /** When the probe ran (milliseconds since the epoch). */
  atMs: number;
  tokenFingerprint: string;
  /** Whose token it was. */
  subject: Subject;
  /** Requests sent, and how they were answered. */
  total: number;
  ok: number;
  unauthorized: number;
  /** Any other failure (403, 5xx, network). */
  other: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p99Ms: number;
}

/** A probe failed when some requests were refused with 401 while others with the same token passed. */
export function probeFailed(p: ProbeResult): boolean {
  return p.unauthorized > 0 && p.ok > 0;
}
