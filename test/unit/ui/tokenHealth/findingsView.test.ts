// The findings' evidence times in the webview: a label that records a day is shown as that day,
// never as its midnight in local time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../../../src/diagnosis/types';
import { formatEvidenceTime, formatTimestamp } from '../../../../webview/format';
import { renderFindings } from '../../../../webview/findingsView';
import { notReloadingFinding } from './evidence';
import { asFake, withFakeDocument } from './fakeDom';

describe('evidence times in the findings', () => {
  const dayStart = Date.UTC(2026, 4, 20);
  const created = Date.UTC(2026, 4, 20, 14, 30);

  it('shows a day as the day, and a moment as local time', () => {
    assert.equal(formatEvidenceTime({ atMs: dayStart, day: '2026-05-20' }), '2026-05-20 (day, UTC)');
    assert.equal(formatEvidenceTime({ atMs: created }), formatTimestamp(created));
    // Not a date: the moment, as before.
    assert.equal(formatEvidenceTime({ atMs: dayStart, day: '<b>x</b>' }), formatTimestamp(dayStart));
  });

  it('renders the last-used label without a time of day', () => {
    const f: Finding = {
      ...notReloadingFinding(),
      evidence: [
        { atMs: created, text: 'Secret ci/t created' },
        { atMs: dayStart, day: '2026-05-20', text: 'kubernetes.io/legacy-token-last-used: 2026-05-20' },
      ],
    };
    const view = withFakeDocument(() => asFake(renderFindings([f], undefined, { run: () => undefined })));
    const times = view
      .all()
      .filter((e) => e.getAttribute('class') === 'time')
      .map((e) => e.textContent);
    assert.deepEqual(times, [formatTimestamp(created), '2026-05-20 (day, UTC)']);
    assert.ok(!times.includes(formatTimestamp(dayStart)), 'never midnight UTC in local time');
  });
});
