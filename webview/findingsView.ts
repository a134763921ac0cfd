// The findings of the subject, worst first, each with its evidence and the buttons that run its
// actions in the host.
import type { Finding, FindingAction } from '../src/diagnosis/types';
import { el } from './dom';
import { formatEvidenceTime } from './format';
import { tr } from './strings';

export interface FindingHandlers {
  run(action: FindingAction): void;
}

const ICONS: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

/** "error: <title>", for a screen reader. */
function findingLabel(f: Finding): string {
  switch (f.severity) {
    case 'error':
      return tr('error: {0}', f.title);
    case 'warning':
      return tr('warning: {0}', f.title);
    case 'info':
      return tr('info: {0}', f.title);
  }
}

function findingCard(f: Finding, highlighted: boolean, handlers: FindingHandlers): HTMLElement {
  const buttons = f.actions.map((a, i) => {
    const b = el('vscode-button', { text: a.title, attrs: i === 0 ? {} : { secondary: '' } });
    b.addEventListener('click', () => handlers.run(a));
    return b;
  });
  const evidence = f.evidence.length
    ? el('ul', {
        className: 'evidence',
        children: f.evidence.map((e) => el('li', { children: [el('span', { className: 'time', text: formatEvidenceTime(e) }), el('span', { text: e.text })] })),
      })
    : undefined;
  return el('article', {
    className: `finding severity-${f.severity}${highlighted ? ' highlighted' : ''}`,
    attrs: { 'data-finding-id': f.id, 'aria-label': findingLabel(f) },
    children: [
      el('h3', {
        children: [el('vscode-icon', { attrs: { name: ICONS[f.severity], 'aria-hidden': 'true' }, className: 'severity-icon' }), el('span', { text: f.title })],
      }),
      el('p', { className: 'explanation', text: f.explanation }),
      evidence,
      buttons.length ? el('div', { className: 'finding-actions', children: buttons }) : undefined,
    ],
  });
}

export function renderFindings(findings: readonly Finding[], highlightId: string | undefined, handlers: FindingHandlers): HTMLElement {
  if (findings.length === 0) {
    return el('p', { className: 'empty healthy', text: tr('No finding: nothing the diagnosis rules look for shows in the evidence gathered so far.') });
  }
  return el('div', { className: 'findings', children: findings.map((f) => findingCard(f, f.id === highlightId, handlers)) });
}
