// The Token Health webview. It draws what the host sends (`state`), keeps it with setState so a
// hidden-then-shown or reloaded panel draws at once, and asks the host for everything else
// (`ready`, `refresh`, `runAction`, `copy`). Every cluster string goes in as text, never as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  isHostMessage,
  parsePersistedState,
  readWebviewStrings,
  STRINGS_META_NAME,
  type PanelAction,
  type PersistedState,
  type TokenHealthState,
  type WebviewMessage,
} from '../src/shared/tokenHealthProtocol';
import { renderControlPlane } from './controlPlaneView';
import { el, replaceChildren } from './dom';
import { renderFindings } from './findingsView';
import { formatTimestamp } from './format';
import { copyText, filterLines } from './lineFilter';
import { legend, renderTimeline } from './timelineView';
import { tr, useStrings } from './strings';
import { renderTable } from './unauthorizedTable';
import { renderVerdicts } from './verdictList';

// The display language's words, which the host put in the page: before anything below draws a word.
useStrings(readWebviewStrings(document.querySelector(`meta[name="${STRINGS_META_NAME}"]`)?.getAttribute('content')));

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let persisted = parsePersistedState(vscode.getState());

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState(persisted);
}

function button(label: string, icon: string, onClick: () => void, secondary = true): HTMLElement {
  const b = el('vscode-button', { text: label, attrs: secondary ? { icon, secondary: '' } : { icon } });
  b.addEventListener('click', onClick);
  return b;
}

function runAction(a: PanelAction): void {
  post(a.target !== undefined ? { type: 'runAction', command: a.command, target: a.target } : { type: 'runAction', command: a.command });
}

// The page's fixed parts; each render replaces the content of one of them.
const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
const title = el('h1', { attrs: { id: 'subject-title' }, text: document.getElementById('subject-title')?.textContent ?? tr('Token Health') });
const detail = el('p', { className: 'detail', attrs: { id: 'subject-detail' } });
const meta = el('p', { className: 'meta' });
const toolbar = el('div', { className: 'toolbar' });
const notice = el('div', { className: 'notice', attrs: { role: 'status' } });
const findingsBox = el('div');
const controlPlaneBox = el('div', { className: 'control-plane-box' });
const verdictBox = el('div', { className: 'verdict-box' });
const timelineBox = el('div', { className: 'timeline-box' });
const filter = el('vscode-textfield', {
  attrs: { placeholder: tr('Filter lines (pod, container, pattern, text)'), 'aria-label': tr('Filter 401 lines'), type: 'search', id: 'line-filter' },
});
const lineCount = el('span', { className: 'count' });
const tableBox = el('div', { className: 'table-box' });

function section(id: string, heading: string, ...children: HTMLElement[]): HTMLElement {
  return el('section', {
    attrs: { id, 'aria-labelledby': `${id}-heading` },
    children: [el('h2', { attrs: { id: `${id}-heading` }, text: heading }), ...children],
  });
}

// A context's panel only: the API server's counters are the whole cluster's.
const controlPlaneSection = section('control-plane', tr('Control plane'), controlPlaneBox);
controlPlaneSection.hidden = true;

replaceChildren(
  app,
  el('header', { className: 'subject', children: [el('div', { children: [title, detail, meta] }), toolbar] }),
  notice,
  section('findings', tr('Findings'), findingsBox),
  controlPlaneSection,
  section('timeline', tr('Timeline'), verdictBox, timelineBox, legend()),
  section(
    'unauthorized',
    tr('401 lines'),
    el('div', {
      className: 'table-toolbar',
      children: [filter, lineCount, button(tr('Copy'), 'copy', () => post({ type: 'copy', text: copyText(visibleLines()) }))],
    }),
    tableBox,
  ),
);

function visibleLines(): TokenHealthState['unauthorizedLines'] {
  return filterLines(persisted.state?.unauthorizedLines ?? [], persisted.filter);
}

function renderTableOnly(): void {
  const all = persisted.state?.unauthorizedLines ?? [];
  const visible = visibleLines();
  lineCount.textContent =
    all.length !== visible.length ? tr('{0} of {1}', visible.length, all.length) : all.length === 1 ? tr('1 line') : tr('{0} lines', all.length);
  replaceChildren(tableBox, renderTable(visible, all.length, { copy: (text) => post({ type: 'copy', text }) }));
}

let lastWidth = 0;
function renderTimelineOnly(): void {
  const state = persisted.state;
  if (state === undefined) return;
  lastWidth = Math.max(timelineBox.clientWidth, 480);
  replaceChildren(timelineBox, renderTimeline(state.timeline, lastWidth));
}

function render(): void {
  const state = persisted.state;
  if (state === undefined) return;
  app.setAttribute('aria-busy', 'false');
  title.textContent = state.subject.title;
  document.title = tr('Token Health: {0}', state.subject.title);
  detail.textContent = state.subject.detail;
  meta.textContent = tr('Updated {0}', formatTimestamp(state.generatedAtMs));
  replaceChildren(
    toolbar,
    ...state.actions.map((a) => button(a.title, 'search', () => runAction(a))),
    button(tr('Refresh'), 'refresh', () => post({ type: 'refresh' })),
  );
  notice.textContent = state.notice ?? '';
  notice.hidden = state.notice === undefined;
  replaceChildren(findingsBox, renderFindings(state.findings, state.subject.findingId, { run: runAction }));
  controlPlaneSection.hidden = state.controlPlane === undefined;
  replaceChildren(controlPlaneBox, state.controlPlane !== undefined ? renderControlPlane(state.controlPlane, state.generatedAtMs) : undefined);
  replaceChildren(verdictBox, renderVerdicts(state.timeline));
  renderTimelineOnly();
  renderTableOnly();
}

filter.value = persisted.filter;
filter.addEventListener('input', () => {
  persisted = { ...persisted, filter: filter.value };
  save();
  renderTableOnly();
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostMessage(event.data)) return;
  persisted = { ...persisted, state: event.data.state };
  save();
  render();
});

new ResizeObserver(() => {
  if (Math.abs(Math.max(timelineBox.clientWidth, 480) - lastWidth) > 8) renderTimelineOnly();
}).observe(timelineBox);

// Draw what was saved at once (hide/show, reload), then ask the host for the current state.
render();
post({ type: 'ready' });
