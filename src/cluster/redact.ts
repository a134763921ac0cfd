// Keeps secrets out of every sentence this layer produces: messages can reach logs, the UI and bug reports.

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// Header-cased scheme and a credential-looking value, so prose such as "basic auth" stays readable.
const AUTH_HEADER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Replaces JWTs and Authorization header values (`Bearer ...`, `Basic ...`) with `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(JWT_PATTERN, '[redacted]').replace(AUTH_HEADER_PATTERN, '$1 [redacted]');
}
