// The webview's words in the display language. The webview cannot use @vscode/l10n: the host puts the translation
// of each English message the webview uses into the page (src/ui/tokenHealth/webviewStrings.ts), and `tr` looks a
// message up there, falling back to the English, and fills in its `{0}`, `{1}`…. Every visible English string of the
// webview is written `tr('…')` with a plain literal first, which a unit test matches against the host's list; no
// `tr` runs at a module's top level, before main.ts has handed the strings over. Pure: tested in Node.
import type { WebviewStrings } from '../src/shared/tokenHealthProtocol';

let strings: ReadonlyMap<string, string> = new Map();

/** The host's strings (main.ts, before anything is drawn); none gives the English. */
export function useStrings(s: WebviewStrings): void {
  strings = new Map(Object.entries(s));
}

/** `message` in the display language, with `{n}` replaced by `args[n]` (in one pass: an argument is never read as a placeholder). */
export function tr(message: string, ...args: readonly (string | number)[]): string {
  const template = strings.get(message) ?? message;
  return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? placeholder : String(arg);
  });
}
