// The table of 401 lines: time, pod, container, pattern, line; a filter and copy.
import type { UnauthorizedLine } from '../src/shared/tokenHealthProtocol';
import { el } from './dom';
import { formatTimestamp } from './format';
import { copyRow, podLabel } from './lineFilter';
import { tr } from './strings';

export interface TableHandlers {
  copy(text: string): void;
}

function columns(): string[] {
  return [tr('Time'), tr('Pod'), tr('Container'), tr('Pattern'), tr('Line'), ''];
}
/** More rows than this slow the panel down and help nobody: the filter narrows them. */
export const MAX_ROWS = 500;

function row(l: UnauthorizedLine, handlers: TableHandlers): HTMLTableRowElement {
  const copy = el('vscode-button', {
    className: 'row-copy',
    attrs: { icon: 'copy', 'icon-only': '', secondary: '', title: tr('Copy this line'), 'aria-label': tr('Copy this line') },
  });
  copy.addEventListener('click', () => handlers.copy(copyRow(l)));
  const pattern = l.count > 1 ? `${l.pattern} ×${l.count}` : l.pattern;
  return el('tr', {
    children: [
      el('td', { className: 'time', text: formatTimestamp(l.atMs) }),
      el('td', { className: 'pod', text: podLabel(l) }),
      el('td', { className: 'container', text: l.container ?? (l.source === 'log' ? '' : l.source) }),
      el('td', { className: 'pattern', text: pattern }),
      el('td', { className: 'line', children: [el('code', { text: l.line })] }),
      el('td', { className: 'actions', children: [copy] }),
    ],
  });
}

/** The table of `visible` lines (already filtered) out of `total`. */
export function renderTable(visible: readonly UnauthorizedLine[], total: number, handlers: TableHandlers): HTMLElement {
  if (total === 0) {
    return el('p', { className: 'empty', text: tr('No 401 line recorded for this subject. Scan for 401 lines to search its pods’ logs and events.') });
  }
  if (visible.length === 0) return el('p', { className: 'empty', text: tr('None of the {0} lines matches the filter.', total) });
  const shown = visible.slice(0, MAX_ROWS);
  const head = el('thead', { children: [el('tr', { children: columns().map((c) => el('th', { text: c, attrs: { scope: 'col' } })) })] });
  const body = el('tbody', { children: shown.map((l) => row(l, handlers)) });
  const table = el('table', { className: 'lines', attrs: { 'aria-label': tr('401 lines') }, children: [head, body] });
  if (shown.length === visible.length) return table;
  const more = el('p', {
    className: 'empty',
    text: tr('Showing the newest {0} of {1} lines: narrow the filter to see the others (Copy takes them all).', shown.length, visible.length),
  });
  return el('div', { children: [table, more] });
}
