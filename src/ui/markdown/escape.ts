// Markdown escaping for text that came from a file or a cluster. Hovers render with isTrusted=false and
// supportHtml=false; escaping also stops a value from forming links, emphasis, tables or `$(icon)` syntax.

// Only what can start markup in the middle of a line (a parenthesis only counts after `]`, which is
// escaped): times, dates and "(in 18 min)" stay readable in the decoded document's source
// (`03:18:17`, `2026-11-22`), which people read as well as the preview.
const SPECIAL = /[\\`*_{}[\]#|<>~$&!]/g;

/** Escapes text for use inside a markdown paragraph or table cell (newlines become spaces). */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
      .replace(SPECIAL, (c) => `\\${c}`)
      // No autolinks from values: `https://…` and `www.…` stay text.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, -1)}\\.`)
      // A value at the start of a line must not become a list, a quote or a heading.
      .replace(/^[-+=.>]/, (m) => `\\${m}`)
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

/** Inline code that cannot be broken out of: picks a backtick fence longer than any run inside. */
export function inlineCode(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  let fence = '`';
  while (flat.includes(fence)) fence += '`';
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Caps a value shown in a hover so one huge claim cannot flood it. */
export function cap(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
