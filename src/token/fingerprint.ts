import { createHash } from 'node:crypto';
import { normalizeToken } from './normalizeToken';

/**
 * sha256 of the normalised token (trimmed, no `Bearer `), hex, first 16 characters.
 * The only identity of a token that is ever logged or stored.
 */
export function fingerprint(raw: string): string {
  return createHash('sha256').update(normalizeToken(raw), 'utf8').digest('hex').slice(0, 16);
}
