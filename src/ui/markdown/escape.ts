// Markdown escaping for text that came from a file or a cluster. Hovers render with isTrusted=false and
// supportHtml=false; escaping also stops a value from forming links, emphasis, tables or `$(icon)` syntax.

const SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~$&:"']/g;

/** Escapes text for use inside a markdown paragraph or table cell (newlines become spaces). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(SPECIAL, (c) => `\\${c}`);
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
