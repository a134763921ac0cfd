// The history must never hold a raw token. A record that carries something shaped like one is refused:
// the caller forgot to fingerprint or mask it, which is a bug to fix, not data to keep.

// header.payload of a JWT (the signature may be missing in a truncated copy).
const JWT = /eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/;
// The same in standard base64, as a Secret's data.token holds it.
const BASE64_JWT = /ZXlK[A-Za-z0-9+/]{20,}/;
// An EKS token: a presigned STS URL, base64url, behind its prefix.
const EKS_TOKEN = /k8s-aws-v1\.[A-Za-z0-9_-]{16,}/;

/** The name of the first field whose text looks like a raw token, or undefined. */
export function fieldHoldingToken(fields: Record<string, unknown>, prefix = ''): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string' && (JWT.test(value) || BASE64_JWT.test(value) || EKS_TOKEN.test(value))) return `${prefix}${name}`;
    if (value !== null && typeof value === 'object') {
      const inner = fieldHoldingToken(value as Record<string, unknown>, `${prefix}${name}.`);
      if (inner) return inner;
    }
  }
  return undefined;
}
