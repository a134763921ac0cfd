// The verdicts above the timeline: refused first and readable without hovering, every word from the host as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Timeline, TokenWindow } from '../../../../src/diagnosis/timeline';
import { judgedWindows, renderVerdicts, verdictOf } from '../../../../webview/verdictList';
import { apisixPod, HOSTILE_LINES, HOSTILE_POD } from './evidence';
import { asFake, withFakeDocument } from './fakeDom';

const base: TokenWindow = { fingerprint: 'f', lane: 'a', group: 'g', subject: apisixPod, source: 'liveRead', firstSeenMs: 0, lastSeenMs: 10 };

function timeline(windows: TokenWindow[], lanes = ['a', 'b']): Timeline {
  return { nowMs: 100, startMs: 0, endMs: 100, lanes, windows, refreshes: [], unauthorized: [] };
}

describe('the verdict list', () => {
  const accepted: TokenWindow = { ...base, fingerprint: 'acc', verdict: { tone: 'accepted', text: 'On context c: accepted by this API server' } };
  const refused: TokenWindow = {
    ...base,
    lane: 'b',
    fingerprint: 'ref',
    verdict: { tone: 'refused', text: 'On context c, refused: for audience vault, not accepted by this API server (it accepts https://k)' },
  };
  const stale: TokenWindow = {
    ...base,
    fingerprint: 'stl',
    firstSeenMs: 5,
    verdict: { tone: 'stale', text: 'On context c: accepted by this API server, but stale: x' },
  };
  const unjudged: TokenWindow = { ...base, fingerprint: 'none' };

  it('lists refused tokens first, then stale, then accepted, and leaves unjudged tokens out', () => {
    assert.deepEqual(
      judgedWindows(timeline([accepted, unjudged, stale, refused])).map((j) => j.window.fingerprint),
      ['ref', 'stl', 'acc'],
    );
    const list = withFakeDocument(() => asFake(renderVerdicts(timeline([accepted, refused]))));
    const items = list.all().filter((e) => e.tagName === 'li');
    assert.deepEqual(
      items.map((e) => e.getAttribute('class')),
      ['verdict tone-refused', 'verdict tone-accepted'],
    );
    assert.equal(items[0]?.texts().join(' | '), `b · ref | ${refused.verdict?.text ?? ''}`);
    assert.equal(
      items[0]
        ?.all()
        .find((e) => e.tagName === 'vscode-icon')
        ?.getAttribute('name'),
      'error',
    );
  });

  it('is absent when no token was judged, and ignores a verdict it cannot read', () => {
    assert.equal(
      withFakeDocument(() => renderVerdicts(timeline([unjudged]))),
      undefined,
    );
    const odd = { ...base, verdict: { tone: 'javascript:alert(1)', text: 'x' } } as unknown as TokenWindow;
    const noText = { ...base, verdict: { tone: 'refused', text: 7 } } as unknown as TokenWindow;
    assert.equal(verdictOf(odd), undefined);
    assert.equal(verdictOf(noText), undefined);
    assert.equal(
      withFakeDocument(() => renderVerdicts(timeline([odd, noText]))),
      undefined,
    );
  });

  it('shows hostile words from the cluster as text, in no attribute', () => {
    const hostile: TokenWindow = {
      ...base,
      lane: `gateway/${HOSTILE_POD}`,
      verdict: { tone: 'refused', text: `On context c, refused: invalidated: its pod ${HOSTILE_POD} (uid ${HOSTILE_LINES[1] ?? ''}) is gone` },
    };
    const list = withFakeDocument(() => asFake(renderVerdicts(timeline([hostile], [hostile.lane]))));
    for (const e of list.all()) {
      assert.ok(['ul', 'li', 'span', 'vscode-icon'].includes(e.tagName), e.tagName);
      for (const [name, value] of e.attributes) {
        assert.doesNotMatch(name, /^on/i);
        if (name !== 'aria-label') assert.ok(!value.includes('<'), `${name}=${value}`);
      }
    }
    assert.ok(list.texts().some((t) => t.includes(HOSTILE_POD) && t.includes(HOSTILE_LINES[1] ?? '')));
  });
});
