// What "stale" means, in one sentence every view shares: a token past its `warnafter` still works only because
// the API server extended it, and the kubelet that asked for it would have replaced it by now.
import * as l10n from '@vscode/l10n';
import { formatInstant } from './relativeTime';

/** "past its warnafter, 2026-…: the API server extends it only while --service-account-extend-token-expiration is on; …" */
export function staleMeaning(warnAfterSec: number): string {
  return l10n.t(
    'past its warnafter, {0}: the API server extends it only while --service-account-extend-token-expiration is on; the kubelet would have replaced it by now',
    formatInstant(warnAfterSec).utc,
  );
}
