// Draws the timeline geometry as SVG. Colours come from CSS classes bound to theme variables.
import type { Timeline } from '../src/diagnosis/timeline';
import { el, svg } from './dom';
import { tr } from './strings';
import { layoutTimeline, type TimelineGeometry } from './timelineGeometry';

function describe(t: Timeline): string {
  const tokens = t.windows.length;
  const refreshes = t.refreshes.length;
  const n401 = t.unauthorized.reduce((sum, m) => sum + m.count, 0);
  const audit = (t.auditUnauthorized ?? []).reduce((sum, a) => sum + a.requests, 0);
  const fromAudit =
    audit === 0 ? '' : audit === 1 ? tr(", and 1 401 in the API server's audit log") : tr(", and {0} 401s in the API server's audit log", audit);
  return tr(
    'Timeline of {0}, {1} and {2}{3}',
    tokens === 1 ? tr('1 token') : tr('{0} tokens', tokens),
    refreshes === 1 ? tr('1 refresh') : tr('{0} refreshes', refreshes),
    n401 === 1 ? tr('1 401 line') : tr('{0} 401 lines', n401),
    fromAudit,
  );
}

function drawGeometry(g: TimelineGeometry, label: string): SVGSVGElement {
  const root = svg('svg', {
    class: 'timeline',
    width: g.width,
    height: g.height,
    viewBox: `0 0 ${g.width} ${g.height}`,
    role: 'img',
    'aria-label': label,
  });

  const axis = svg('g', { class: 'axis' });
  axis.appendChild(svg('line', { class: 'axis-line', x1: g.plotLeft, x2: g.plotRight, y1: g.plotTop, y2: g.plotTop }));
  for (const tick of g.axis) {
    axis.appendChild(svg('line', { class: 'grid', x1: tick.x, x2: tick.x, y1: g.plotTop, y2: g.plotBottom }));
    const text = svg('text', { class: 'tick-label', x: tick.x, y: g.plotTop - 8, 'text-anchor': 'middle' });
    text.textContent = tick.label;
    axis.appendChild(text);
  }
  root.appendChild(axis);

  const rows = svg('g', { class: 'rows' });
  g.rows.forEach((row, i) => {
    if (i % 2 === 1) rows.appendChild(svg('rect', { class: 'row-band', x: 0, y: row.y - 3, width: g.width, height: row.height + 6 }));
    const kind = row.eventsOnly ? ' events-only' : row.verdict !== undefined ? ` verdict-${row.verdict}` : '';
    const text = svg('text', { class: `lane-label${kind}`, x: 6, y: row.y + Math.min(row.height, 16) / 2 + 4 }, row.lane);
    text.appendChild(document.createTextNode(row.label));
    rows.appendChild(text);
  });
  root.appendChild(rows);

  const windows = svg('g', { class: 'windows' });
  for (const s of g.segments) {
    windows.appendChild(
      svg(
        'rect',
        {
          class: `segment phase-${s.phase}${s.clippedRight ? ' clipped' : ''}`,
          x: s.x0,
          y: s.y,
          width: s.x1 - s.x0,
          height: s.height,
          'data-fingerprint': s.fingerprint,
        },
        s.title,
      ),
    );
  }
  for (const s of g.seen) {
    windows.appendChild(svg('line', { class: 'seen', x1: s.x0, x2: s.x1, y1: s.y, y2: s.y }, s.title));
  }
  for (const t of g.windowTicks) {
    windows.appendChild(svg('line', { class: `window-tick tick-${t.kind}`, x1: t.x, x2: t.x, y1: t.y, y2: t.y + t.height }, t.title));
  }
  root.appendChild(windows);

  const refreshes = svg('g', { class: 'refreshes' });
  for (const r of g.refreshes) {
    refreshes.appendChild(svg('line', { class: r.late ? 'refresh late' : 'refresh', x1: r.x, x2: r.x, y1: r.y0 - 2, y2: r.y1 + 2 }, r.title));
    refreshes.appendChild(
      svg(
        'path',
        { class: r.late ? 'refresh-head late' : 'refresh-head', d: `M${r.x - 4} ${r.y0 - 6} L${r.x + 4} ${r.y0 - 6} L${r.x} ${r.y0 - 1} Z` },
        r.title,
      ),
    );
  }
  root.appendChild(refreshes);

  // Under the log lines' markers: a bar per caller, first refused request to last.
  const audit = svg('g', { class: 'audit-401s' });
  for (const a of g.auditRanges) {
    audit.appendChild(
      svg('rect', { class: a.podDeleted ? 'audit-401 pod-deleted' : 'audit-401', x: a.x0, y: a.y - 3, width: a.x1 - a.x0, height: 6, rx: 2 }, a.title),
    );
  }
  root.appendChild(audit);

  const markers = svg('g', { class: 'markers' });
  for (const m of g.markers) {
    const r = m.count > 1 ? 5.5 : 4.5;
    markers.appendChild(svg('path', { class: 'marker-401', d: `M${m.x} ${m.y - r} L${m.x + r} ${m.y} L${m.x} ${m.y + r} L${m.x - r} ${m.y} Z` }, m.title));
  }
  root.appendChild(markers);

  if (g.nowX !== undefined) {
    const now = svg('g', { class: 'now' });
    now.appendChild(svg('line', { class: 'now-line', x1: g.nowX, x2: g.nowX, y1: g.plotTop - 2, y2: g.plotBottom }, tr('now')));
    const text = svg('text', { class: 'now-label', x: g.nowX + 3, y: g.plotBottom - 2 });
    text.textContent = tr('now');
    now.appendChild(text);
    root.appendChild(now);
  }
  return root;
}

function legendItem(className: string, text: string): HTMLElement {
  return el('span', {
    className: 'legend-item',
    children: [el('span', { className: `swatch ${className}`, attrs: { 'aria-hidden': 'true' } }), el('span', { text })],
  });
}

export function legend(): HTMLElement {
  return el('div', {
    className: 'legend',
    children: [
      legendItem('phase-fresh', tr('issued → kubelet refresh point')),
      legendItem('phase-due', tr('refresh due → warnafter / expiry')),
      legendItem('phase-stale', tr('past warnafter')),
      legendItem('phase-notRefreshed', tr('requested or kubeconfig token: issued → expiry, nothing refreshes it')),
      legendItem('phase-unbounded', tr('no expiry')),
      legendItem('seen', tr('observed')),
      legendItem('refresh', tr('refresh')),
      legendItem('refresh late', tr('late refresh')),
      legendItem('marker-401', tr('401 line')),
      legendItem('audit-401', tr("401s in the API server's audit log (first → last)")),
      legendItem('now-line', tr('now')),
    ],
  });
}

/** The timeline for `width` px, or an empty state saying how to get one. */
export function renderTimeline(t: Timeline, width: number): Element {
  if (t.windows.length === 0 && t.unauthorized.length === 0 && (t.auditUnauthorized ?? []).length === 0) {
    return el('p', {
      className: 'empty',
      text: tr(
        'No token observed and no 401 line recorded for this subject yet. Read a live token from the explorer, or scan for 401 lines, and the timeline fills in.',
      ),
    });
  }
  return drawGeometry(layoutTimeline(t, { width }), describe(t));
}
