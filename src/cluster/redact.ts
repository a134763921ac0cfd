// Keeps secrets out of every sentence this layer produces: messages can reach logs, the UI and bug reports.
// Built on the log masker, so an error message hides at least what a masked log line hides.
import { maskSecrets } from '../logs/maskSecrets';

// A header-cased `Basic <credential>` outside an Authorization header; lower-case prose ("basic auth") stays.
const BASIC_PATTERN = /\b(Basic\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * Masks JWTs (plain and base64, as a short sha256 mark), Authorization values of any case and scheme,
 * `bearer <credential>`, `token=`/`password=` values, JSON secret fields and `Basic <credential>`.
 */
export function redactSecrets(text: string): string {
  return maskSecrets(text).replace(BASIC_PATTERN, '$1[masked]');
}
