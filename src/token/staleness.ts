// What "stale" means, in one sentence every view shares: a token past its `warnafter` still works only because
// the API server extended it, and the kubelet that asked for it would have replaced it by now.
import { formatInstant } from './relativeTime';

/** "past its warnafter, 2026-…: the API server extends it only while --service-account-extend-token-expiration is on; …" */
export function staleMeaning(warnAfterSec: number): string {
  return (
    `past its warnafter, ${formatInstant(warnAfterSec).utc}: the API server extends it only while ` +
    '--service-account-extend-token-expiration is on; the kubelet would have replaced it by now'
  );
}
