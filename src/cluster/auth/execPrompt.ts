// What an exec plugin prints for the user while it waits for a login (a device code and the page to enter it
// on, a browser URL): its stderr read line by line as it arrives, masked, and recognised as a login prompt.
// Nothing that looks like a credential gets through: the log masker's rules, then any long random-looking word.
import { StringDecoder } from 'node:string_decoder';
import { maskCapped } from '../../logs/maskSecrets';
import { stripControl } from '../../logs/sanitize';
import { redactSecrets } from '../redact';

/** Longest line handed on; a device-code prompt is one short sentence. */
const MAX_LINE = 500;
/** A line without its newline is handed on once this long (a plugin that never ends its line). */
const MAX_PENDING = 4096;
/** Characters handed on per run: a chatty plugin does not flood the notification. */
const MAX_TOTAL = 16 * 1024;
/** A prompt without a newline ("Enter the code: ") is handed on after this quiet time. */
const IDLE_FLUSH_MS = 300;

// Runs of characters a token is made of; `/`, `?`, `&` and spaces end a run, so a URL's short parts stay readable.
const TOKEN_RUN = /[A-Za-z0-9_~+=.-]{32,}/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{40,}$/i;

/** A random-looking word: mixed case with digits (base64, opaque access tokens), or a long hex string. UUIDs stay. */
function looksLikeToken(run: string): boolean {
  if (UUID.test(run)) return false;
  if (HEX.test(run)) return true;
  return /[0-9]/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run);
}

/** The log masker's rules (JWTs, bearer values, `token=`, keys...), then every word that looks like an opaque token. */
function maskPromptText(text: string): string {
  return redactSecrets(text).replace(TOKEN_RUN, (run) => (looksLikeToken(run) ? '[masked]' : run));
}

/** One line of a plugin's stderr as it may be shown: control characters removed, secrets masked, capped. */
export function maskPromptLine(line: string): string {
  return maskCapped(stripControl(line), MAX_LINE, maskPromptText).trim();
}

const PROMPT = /https?:\/\/|\b(?:enter|type|input)\b.{0,20}\bcode\b|\bdevice\b|\bbrowser\b|\bsign(?:ing)?[ -]?in\b|\blog(?:ging)?[ -]?in\b/i;

/** The line asks the user to do something: open a URL, enter a code, log in in a browser. */
export function looksLikeLoginPrompt(line: string): boolean {
  return PROMPT.test(line);
}

export interface DeviceCode {
  /** The first http(s) URL of the text, as printed (masked text: a secret in it is already gone). */
  url?: string;
  /** The code after "code" (`ABCD-EFGH`, `HJ8KLM2PQ`): upper-case letters and digits, maybe with a dash. */
  code?: string;
}

const URL_IN_TEXT = /https?:\/\/[^\s"'<>]+/;
// "enter the code ABCD1234", "enter the code:\n\nABCD-EFGH", "user code: ABCD-EFGH".
const CODE_IN_TEXT = /\b[Cc]ode\b\s*:?\s+([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})?)\b/;

/** The page and the device code a device-code prompt names, when it names them (read from masked text). */
export function deviceCodeOf(text: string): DeviceCode {
  const out: DeviceCode = {};
  const url = URL_IN_TEXT.exec(text)?.[0].replace(/[).,;:]+$/, '');
  if (url !== undefined) out.url = url;
  const code = CODE_IN_TEXT.exec(text)?.[1];
  // A code has a digit or a dash or is 8 letters long; a shouted word ("code FAILED") is not one.
  if (code !== undefined && (/[0-9-]/.test(code) || code.length >= 8) && !code.includes('[masked]')) out.code = code;
  return out;
}

/**
 * Cuts a byte stream into masked lines: decoded as UTF-8 across chunk boundaries, a line handed on when it ends,
 * when it grows past a cap, or when the stream goes quiet; at most MAX_TOTAL characters per stream.
 */
export class PromptLines {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private delivered = 0;
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    if (this.closed) return;
    const parts = (this.pending + this.decoder.write(chunk)).split(/\r\n|\n|\r/);
    this.pending = parts.pop() ?? '';
    for (const line of parts) this.hand(line);
    if (this.pending.length > MAX_PENDING) {
      this.hand(this.pending);
      this.pending = '';
    }
    clearTimeout(this.idle);
    if (this.pending !== '') {
      this.idle = setTimeout(() => {
        this.hand(this.pending);
        this.pending = '';
      }, IDLE_FLUSH_MS);
      this.idle.unref();
    }
  }

  /** The stream ended: what is left is handed on, nothing after. */
  close(): void {
    if (this.closed) return;
    clearTimeout(this.idle);
    this.hand(this.pending + this.decoder.end());
    this.pending = '';
    this.closed = true;
  }

  private hand(raw: string): void {
    if (this.delivered >= MAX_TOTAL) return;
    const line = maskPromptLine(raw);
    if (line === '') return;
    this.delivered += line.length;
    this.emit(line);
  }
}
