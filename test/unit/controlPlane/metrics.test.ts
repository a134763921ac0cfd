import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricRates, parseLabels, parseMetrics, seriesKey, tokenCounters } from '../../../src/controlPlane/metrics';

const TEXT = (stale: number, errors: number, success: number): string => `# HELP authentication_attempts [ALPHA] Counter of authenticated attempts.
# TYPE authentication_attempts counter
authentication_attempts{result="error"} ${errors}
authentication_attempts{result="success"} ${success}
# HELP apiserver_request_total [STABLE] Counter of apiserver requests.
apiserver_request_total{code="200",verb="GET"} 99
serviceaccount_stale_tokens_total ${stale}
`;

describe('parseMetrics', () => {
  it('reads the wanted families only, with labels and the three escapes', () => {
    const sample = parseMetrics(`${TEXT(3, 1, 10)}serviceaccount_valid_tokens_total{path="a\\\\b",note="say \\"hi\\"\\n"} 2.5e1 1700000000000\n`, 0);
    assert.deepEqual(sample.series, [
      { name: 'authentication_attempts', labels: { result: 'error' }, value: 1 },
      { name: 'authentication_attempts', labels: { result: 'success' }, value: 10 },
      { name: 'serviceaccount_stale_tokens_total', labels: {}, value: 3 },
      { name: 'serviceaccount_valid_tokens_total', labels: { path: 'a\\b', note: 'say "hi"\n' }, value: 25 },
    ]);
    assert.equal(sample.malformed, 0);
  });

  it('counts a wanted line it cannot read, and goes on', () => {
    const sample = parseMetrics(
      'serviceaccount_stale_tokens_total{result=error} 1\nserviceaccount_stale_tokens_total lots\nserviceaccount_legacy_tokens_total 4\n',
      0,
    );
    assert.deepEqual([sample.malformed, sample.series.map((s) => s.value)], [2, [4]]);
    assert.equal(parseLabels('a="unterminated'), undefined);
  });
});

describe('metricRates', () => {
  it('gives increase and rate per series, a reset as the new value, and a new series as grown from zero', () => {
    const earlier = parseMetrics(TEXT(100, 4, 1000), 0);
    const later = parseMetrics(`${TEXT(160, 1, 1300)}serviceaccount_legacy_tokens_total 6\n`, 60_000);
    const rates = Object.fromEntries(metricRates(earlier, later).map((r) => [seriesKey(r), [r.increase, r.perSecond, r.reset]]));
    assert.deepEqual(rates, {
      'authentication_attempts{result="error"}': [1, 1 / 60, true],
      'authentication_attempts{result="success"}': [300, 5, false],
      'serviceaccount_stale_tokens_total{}': [60, 1, false],
      'serviceaccount_legacy_tokens_total{}': [6, 0.1, false],
    });
    assert.deepEqual(metricRates(later, later), []);
  });

  it('sums the token counters of one sample', () => {
    assert.deepEqual(tokenCounters(parseMetrics(TEXT(7, 2, 3), 0)), { stale: 7, attempts: { error: 2, success: 3 } });
  });
});
