// Keeps secrets out of every sentence this layer produces: messages can reach logs, the UI and bug reports.
// Built on the log masker, so an error message hides at least what a masked log line hides.
import { maskCapped, maskSecrets } from '../logs/maskSecrets';

// A header-cased `Basic <credential>` outside an Authorization header; lower-case prose ("basic auth") stays.
const BASIC_PATTERN = /\b(Basic\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * Masks JWTs (plain and base64, as a short sha256 mark), Authorization values of any case and scheme,
 * `bearer <credential>`, `token=`/`password=`/`password:` values, JSON secret fields, URL passwords,
 * cookies, PEM private keys, OpenShift and EKS tokens and `Basic <credential>`. Linear in the text.
 */
export function redactSecrets(text: string): string {
  return maskSecrets(text).replace(BASIC_PATTERN, '$1[masked]');
}

/** The first `max` characters of text, masked as redactSecrets masks, with a marker saying how much was cut. */
export function redactExcerpt(text: string, max: number): string {
  return maskCapped(text, max, redactSecrets);
}
