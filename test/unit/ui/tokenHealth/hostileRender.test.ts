// Hostile strings from the cluster (a pod name, log lines, a finding's text) rendered by the
// webview's table, findings and timeline: they end up as text nodes, and no element or attribute
// comes from them. The same renderers run in the real webview in the end-to-end test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline } from '../../../../src/diagnosis/timeline';
import type { Finding } from '../../../../src/diagnosis/types';
import type { UnauthorizedLine } from '../../../../src/shared/tokenHealthProtocol';
import { renderControlPlane } from '../../../../webview/controlPlaneView';
import { renderFindings } from '../../../../webview/findingsView';
import { renderTimeline } from '../../../../webview/timelineView';
import { renderTable } from '../../../../webview/unauthorizedTable';
import { HOSTILE_LINES, HOSTILE_POD, MIN, notReloadingFinding, observation, T0, unauthorized } from './evidence';
import { asFake, withFakeDocument, type FakeElement } from './fakeDom';

const HTML_TAGS = new Set([
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'p',
  'div',
  'span',
  'ul',
  'li',
  'h3',
  'article',
  'vscode-button',
  'vscode-icon',
]);
const SVG_TAGS = new Set(['svg', 'g', 'line', 'rect', 'path', 'text', 'title']);

function assertOnlyOwnMarkup(root: FakeElement, allowed: Set<string>): void {
  for (const e of root.all()) {
    assert.ok(allowed.has(e.tagName), `unexpected element <${e.tagName}>`);
    for (const [name, value] of e.attributes) {
      assert.doesNotMatch(name, /^on/i);
      assert.doesNotMatch(value, /javascript:/i, `${name}=${value}`);
      if (name !== 'title' && name !== 'aria-label') {
        for (const h of [HOSTILE_POD, ...HOSTILE_LINES]) assert.ok(!value.includes(h), `${name} carries hostile text`);
      }
    }
  }
}

const hostilePod = { context: 'test', namespace: 'gateway', pod: HOSTILE_POD, container: HOSTILE_LINES[1] ?? '' };

describe('hostile cluster strings in the webview', () => {
  it('the 401 table shows them as plain text', () => {
    const lines: UnauthorizedLine[] = HOSTILE_LINES.map((line, i) => ({
      atMs: T0 + i * MIN,
      source: 'log',
      namespace: 'gateway',
      pod: HOSTILE_POD,
      container: 'app',
      pattern: HOSTILE_LINES[2] ?? '',
      line,
      count: 1,
    }));
    const copied: string[] = [];
    const table = withFakeDocument(() => asFake(renderTable(lines, lines.length, { copy: (t) => copied.push(t) })));
    assertOnlyOwnMarkup(table, HTML_TAGS);
    const texts = table.texts();
    for (const line of HOSTILE_LINES) assert.ok(texts.includes(line), `line shown as text: ${line}`);
    assert.ok(texts.includes(`gateway/${HOSTILE_POD}`));
    const copyButton = table.all().find((e) => e.tagName === 'vscode-button');
    copyButton?.click();
    assert.equal(copied.length, 1);
    assert.ok(copied[0]?.includes(HOSTILE_LINES[0] ?? 'x'));
  });

  it('the findings show them as plain text and their buttons run the finding’s own action', () => {
    const f: Finding = {
      ...notReloadingFinding(),
      title: HOSTILE_POD,
      explanation: HOSTILE_LINES[1] ?? '',
      evidence: [{ atMs: T0, text: HOSTILE_LINES[2] ?? '' }],
    };
    const run: string[] = [];
    const view = withFakeDocument(() => asFake(renderFindings([f], f.id, { run: (a) => run.push(a.command) })));
    assertOnlyOwnMarkup(view, HTML_TAGS);
    const texts = view.texts();
    for (const t of [HOSTILE_POD, ...HOSTILE_LINES.slice(1)]) assert.ok(texts.includes(t));
    assert.ok(view.all().some((e) => e.getAttribute('class')?.includes('highlighted')));
    view
      .all()
      .find((e) => e.tagName === 'vscode-button')
      ?.click();
    assert.deepEqual(run, ['clusterCredentials.restartPod']);
  });

  it('the timeline SVG shows them as text in labels and tooltips only', () => {
    const timeline = buildTimeline(
      [observation(T0, 'aaaaaaaa11111111', T0, { ...hostilePod, path: HOSTILE_LINES[2] ?? '' })],
      HOSTILE_LINES.map((l, i) => unauthorized(T0 + (i + 1) * MIN, l, hostilePod)),
      T0 + 10 * MIN,
    );
    // A verdict names the pod: hostile too.
    timeline.windows = timeline.windows.map((w) => ({
      ...w,
      verdict: { tone: 'refused', text: `On context test, refused: invalidated: its pod ${HOSTILE_POD} (uid 1) is gone` },
    }));
    const svg = withFakeDocument(() => asFake(renderTimeline(timeline, 900)));
    assert.equal(svg.tagName, 'svg');
    assert.ok(svg.all().some((e) => e.getAttribute('class') === 'lane-label verdict-refused'));
    assertOnlyOwnMarkup(svg, SVG_TAGS);
    const titles = svg
      .all()
      .filter((e) => e.tagName === 'title')
      .map((e) => e.textContent);
    for (const l of HOSTILE_LINES)
      assert.ok(
        titles.some((t) => t.includes(l)),
        `401 tooltip holds ${l} as text`,
      );
    assert.ok(titles.some((t) => t.includes(`its pod ${HOSTILE_POD} (uid 1) is gone`)));
    assert.equal(svg.all().filter((e) => e.getAttribute('class') === 'marker-401').length, 3);
  });

  it("the audit log's 401s show their pod, address and user agent as text in tooltips only", () => {
    // An audit log is a file anyone who can reach the API server writes into: the user agent and the forwarded address are the caller's.
    const timeline = buildTimeline([], [unauthorized(T0, HOSTILE_LINES[0] ?? '', hostilePod)], T0 + 10 * MIN, [
      {
        subject: { context: 'test', namespace: 'gateway', pod: HOSTILE_POD, podUid: 'uid-1' },
        firstSeenMs: T0 + MIN,
        lastSeenMs: T0 + 5 * MIN,
        requests: 7,
        sourceIP: HOSTILE_LINES[2] ?? '',
        userAgent: HOSTILE_LINES[1] ?? '',
        podDeleted: true,
      },
    ]);
    const svg = withFakeDocument(() => asFake(renderTimeline(timeline, 900)));
    assertOnlyOwnMarkup(svg, SVG_TAGS);
    const ranges = svg.all().filter((e) => e.tagName === 'rect' && e.getAttribute('class')?.startsWith('audit-401') === true);
    assert.equal(ranges.length, 1);
    assert.equal(ranges[0]?.getAttribute('class'), 'audit-401 pod-deleted');
    const title = ranges[0]?.all().find((e) => e.tagName === 'title')?.textContent ?? '';
    assert.ok(title.startsWith("401 in the API server's audit log: 7 requests refused"), title);
    assert.ok(title.includes(`from ${HOSTILE_LINES[2] ?? 'x'}, user agent ${HOSTILE_LINES[1] ?? 'x'}`));
    assert.ok(title.includes(`the address of pod gateway/${HOSTILE_POD}, deleted since`));
    assert.match(svg.getAttribute('aria-label') ?? '', /1 401 line, and 7 401s in the API server's audit log$/);
    // The log line's marker is still there, told apart by its shape and class.
    assert.equal(svg.all().filter((e) => e.getAttribute('class') === 'marker-401').length, 1);
  });

  it('the control plane section shows the state sentences, pod names and notes as plain text', () => {
    // A state sentence carries the cluster's own words (an error's message, a pod's name): hostile too.
    const gauge = {
      intervalSeconds: 60,
      points: [{ startMs: T0, endMs: T0 + MIN, perMinute: { stale: 1, legacy: 0, valid: 2, failed: 3 } }],
      lastSampleMs: T0 + MIN,
      metricsState: `Could not read /metrics: ${HOSTILE_LINES[0] ?? ''}`,
      apiserverLog: { pods: [`kube-system/${HOSTILE_POD}`], expired: 1, invalidated: 0, other: 0, total: 1, sinceMs: T0, note: HOSTILE_LINES[2] ?? '' },
      apiserverLogState: `Could not read the log of kube-system/${HOSTILE_POD}: ${HOSTILE_LINES[1] ?? ''}`,
    };
    const view = withFakeDocument(() => asFake(renderControlPlane(gauge, T0 + MIN)));
    assertOnlyOwnMarkup(view, new Set([...HTML_TAGS, ...SVG_TAGS]));
    const texts = view.texts();
    assert.ok(texts.includes(gauge.metricsState));
    assert.ok(texts.includes(gauge.apiserverLogState));
    assert.ok(texts.includes(HOSTILE_LINES[2] ?? 'x'));
    assert.ok(texts.some((t) => t.includes(`(kube-system/${HOSTILE_POD}) since`)));
    assert.equal(view.all().filter((e) => e.tagName === 'path').length, 4);
  });

  it('an empty subject shows how to fill it, not an empty chart', () => {
    const empty = withFakeDocument(() => asFake(renderTimeline(buildTimeline([], [], T0), 900)));
    assert.equal(empty.tagName, 'p');
    assert.match(empty.textContent, /scan for 401 lines/);
    const table = withFakeDocument(() => asFake(renderTable([], 0, { copy: () => undefined })));
    assert.match(table.textContent, /No 401 line recorded/);
  });
});
