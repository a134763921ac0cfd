// Turning a raw log line into plain text that is safe to store: no terminal escape sequences, no control
// characters, bounded length. (HTML escaping is the webview's job: here markup is just text.)

// CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ST) and two-byte escapes.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// C0 controls except tab, DEL, and the C1 range.
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

/** Keeps the first `max` UTF-16 units (never half a character) and says how many characters were cut. */
export function capLine(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  let cut = 0;
  for (let i = end; i < text.length; i++) {
    cut++;
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length) i++;
  }
  return `${text.slice(0, end)}… [${cut} more characters]`;
}
