// Turning a raw log line into plain text that is safe to store: no terminal escape sequences, no control
// characters, bounded length. (HTML escaping is the webview's job: here markup is just text.)

// CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ST) and two-byte escapes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// C0 controls except tab, DEL, and the C1 range.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** Removes terminal escape sequences (patterns are matched against what a terminal would show). */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/** Removes escape sequences and every control character except tab. */
export function stripControl(text: string): string {
  return stripAnsi(text).replace(CONTROL, '');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to cut text to keep at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutIndex(text: string, max: number): number {
  if (text.length <= max) return text.length;
  let end = Math.max(0, max);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return end;
}

const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

/** Characters (a surrogate pair counts once) in text from `from` on. */
export function countCharacters(text: string, from: number): number {
  const rest = from > 0 ? text.slice(from) : text;
  // Native matching: a JavaScript loop over the tail of a 1 MiB line costs several milliseconds.
  const pairs = rest.match(SURROGATE_PAIR)?.length ?? 0;
  return rest.length - pairs;
}

/** The marker that ends a capped line: how many characters were cut. */
export function cutMarker(cut: number): string {
  return `… [${cut} more characters]`;
}
