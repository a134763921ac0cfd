// A bearer token read from a file and re-read when the file changes, at most once per period, keeping the last
// good token when a read fails or finds the file empty (client-go's cached token source follows the same rule).
import * as l10n from '@vscode/l10n';
import { readFile, stat } from 'node:fs/promises';
import { errorCode } from './kubeconfigFiles';

export type TokenFileResult =
  { ok: true; token: string; /** Set when the last check failed and an older token is being kept. */ warning?: string } | { ok: false; message: string };

interface FileSignature {
  mtimeMs: number;
  size: number;
  ino: number;
}

export interface TokenFileSourceOptions {
  nowMs: () => number;
  /** Minimum time between two looks at the file, in milliseconds (client-go: one minute). */
  periodMs: number;
  /** An inline `token` next to `tokenFile`: client-go sends it until the file has been read once. */
  fallbackToken?: string;
}

export class TokenFileSource {
  private token: string | undefined;
  private signature: FileSignature | undefined;
  private checkedAt: number | undefined;
  private warning: string | undefined;

  constructor(
    readonly path: string,
    private readonly options: TokenFileSourceOptions,
  ) {}

  /** The current token; looks at the file only when the period has passed since the last look. */
  async get(): Promise<TokenFileResult> {
    const now = this.options.nowMs();
    if (this.token !== undefined && this.checkedAt !== undefined && now - this.checkedAt < this.options.periodMs) {
      return this.result();
    }
    return this.check(now, false);
  }

  /** Reads the file now, whatever its signature says (Reload credentials, or after a 401). */
  async reload(): Promise<TokenFileResult> {
    return this.check(this.options.nowMs(), true);
  }

  private async check(now: number, force: boolean): Promise<TokenFileResult> {
    this.checkedAt = now;
    let sig: FileSignature;
    try {
      const st = await stat(this.path);
      sig = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
    } catch (err) {
      return this.keep(this.unreadable(err));
    }
    if (!force && this.token !== undefined && this.signature && sameSignature(sig, this.signature)) {
      return this.result();
    }
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      return this.keep(this.unreadable(err));
    }
    const token = text.trim();
    if (token === '') return this.keep(l10n.t('the token file {0} is empty', this.path));
    this.token = token;
    this.signature = sig;
    this.warning = undefined;
    return this.result();
  }

  private unreadable(err: unknown): string {
    return l10n.t('the token file {0} cannot be read ({1})', this.path, errorCode(err) ?? l10n.t('unknown error'));
  }

  /** `problem` says what is wrong with the file; the sentence adds what happens now. */
  private keep(problem: string): TokenFileResult {
    const fallback = this.token ?? this.options.fallbackToken;
    if (fallback === undefined) return { ok: false, message: l10n.t('{0}; check that the file exists and holds a token', problem) };
    this.warning = l10n.t('{0}; still using the token read before', problem);
    return { ok: true, token: fallback, warning: this.warning };
  }

  private result(): TokenFileResult {
    const token = this.token ?? this.options.fallbackToken;
    if (token === undefined) return { ok: false, message: l10n.t('the token file {0} has not been read yet', this.path) };
    return this.warning ? { ok: true, token, warning: this.warning } : { ok: true, token };
  }
}

function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}
