// One canonical text per token, so a token read from a file, a header or a kubeconfig
// has the same fingerprint everywhere.

const BEARER = /^bearer(\s+|$)/i;

/** Trims surrounding whitespace and a leading `Bearer ` (any case). */
export function normalizeToken(raw: string): string {
  if (typeof raw !== 'string') return '';
  const trimmed = raw.trim();
  return BEARER.test(trimmed) ? trimmed.replace(BEARER, '').trim() : trimmed;
}
