// The 401 table's filter and its copy text. Pure: tested in Node.
import type { UnauthorizedLine } from '../src/shared/tokenHealthProtocol';
import { formatTimestamp } from './format';

function haystack(l: UnauthorizedLine): string {
  return [formatTimestamp(l.atMs), l.namespace ?? '', l.pod ?? '', l.container ?? '', l.pattern, l.source, l.line].join('\n').toLowerCase();
}

/** Lines matching every whitespace-separated word of `query` (case-insensitive) in any column. */
export function filterLines(lines: readonly UnauthorizedLine[], query: string): UnauthorizedLine[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return [...lines];
  return lines.filter((l) => {
    const text = haystack(l);
    return words.every((w) => text.includes(w));
  });
}

export function podLabel(l: UnauthorizedLine): string {
  if (l.pod === undefined) return l.namespace ?? '';
  return l.namespace !== undefined ? `${l.namespace}/${l.pod}` : l.pod;
}

/** One line of tab-separated text, with tabs and newlines inside a field flattened to spaces. */
export function copyRow(l: UnauthorizedLine): string {
  const cells = [formatTimestamp(l.atMs), podLabel(l), l.container ?? '', l.pattern, l.line];
  return cells.map((c) => c.replace(/[\t\r\n]+/g, ' ')).join('\t');
}

/** What "Copy" puts on the clipboard: a header, then the visible lines. */
export function copyText(lines: readonly UnauthorizedLine[]): string {
  return ['time\tpod\tcontainer\tpattern\tline', ...lines.map(copyRow)].join('\n');
}
