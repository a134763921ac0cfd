// Tokens from Request Token, held in this window's memory only, by fingerprint, until they expire:
// "Copy token" finds them here. Nothing is written to disk, settings or logs.
export interface HeldToken {
  fingerprint: string;
  /** "payments/api": whose token it is, for messages. */
  label: string;
  /** Seconds since the epoch; dropped after this. */
  expiresAtSec?: number;
  /** The kubeconfig context whose cluster issued it: a token is only ever sent back to that context. */
  context: string;
  namespace: string;
  serviceAccount: string;
}

const MAX_HELD = 20;

export class TokenVault {
  private readonly raw = new Map<string, string>();
  private readonly held = new Map<string, HeldToken>();
  private readonly byDocument = new Map<string, string>();

  constructor(private readonly nowSec: () => number = () => Date.now() / 1000) {}

  put(token: string, info: HeldToken): void {
    this.prune();
    this.raw.delete(info.fingerprint);
    this.held.delete(info.fingerprint);
    this.raw.set(info.fingerprint, token);
    this.held.set(info.fingerprint, info);
    // Oldest first in insertion order: the first key is the one to drop.
    while (this.raw.size > MAX_HELD) {
      const oldest = this.raw.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
  }

  /** The decoded document that shows this token, so its editor action finds it. */
  linkDocument(documentKey: string, fingerprint: string): void {
    this.byDocument.set(documentKey, fingerprint);
  }

  fingerprintOfDocument(documentKey: string): string | undefined {
    return this.byDocument.get(documentKey);
  }

  token(fingerprint: string): string | undefined {
    this.prune();
    return this.raw.get(fingerprint);
  }

  info(fingerprint: string): HeldToken | undefined {
    this.prune();
    return this.held.get(fingerprint);
  }

  /** The newest token held for a service account of `context` (the same names in another context are another account). */
  latestFor(context: string, namespace: string, serviceAccount: string): HeldToken | undefined {
    this.prune();
    let found: HeldToken | undefined;
    for (const h of this.held.values()) if (h.context === context && h.namespace === namespace && h.serviceAccount === serviceAccount) found = h;
    return found;
  }

  get size(): number {
    return this.raw.size;
  }

  clear(): void {
    this.raw.clear();
    this.held.clear();
    this.byDocument.clear();
  }

  private forget(fingerprint: string): void {
    this.raw.delete(fingerprint);
    this.held.delete(fingerprint);
    for (const [k, v] of this.byDocument) if (v === fingerprint) this.byDocument.delete(k);
  }

  private prune(): void {
    const now = this.nowSec();
    for (const [fp, h] of this.held) if (h.expiresAtSec !== undefined && h.expiresAtSec <= now) this.forget(fp);
  }
}
