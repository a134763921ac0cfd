import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leadingTimestamp } from '../../../src/logs/index';

const at = (iso: string): number => Date.parse(iso);

describe('leadingTimestamp', () => {
  it('reads the kubectl --timestamps / timestamps=true prefix (RFC 3339, nanoseconds)', () => {
    assert.equal(leadingTimestamp('2026-11-22T03:40:01.123456789Z error: Unauthorized'), at('2026-11-22T03:40:01.123Z'));
    assert.equal(leadingTimestamp('2026-11-22T03:40:01Z x'), at('2026-11-22T03:40:01Z'));
  });

  it('applies a zone offset', () => {
    assert.equal(leadingTimestamp('2026-11-22T04:40:01.5+01:00 x'), at('2026-11-22T03:40:01.500Z'));
    assert.equal(leadingTimestamp('2026-11-21T22:10:01-0530 x'), at('2026-11-22T03:40:01Z'));
  });

  it('reads common application stamps, without a zone as UTC', () => {
    assert.equal(leadingTimestamp('2026/11/22 03:40:01 [error] 44#44: *3 [lua]'), at('2026-11-22T03:40:01Z'));
    assert.equal(leadingTimestamp('2026-11-22 03:40:01,123 ERROR patroni'), at('2026-11-22T03:40:01.123Z'));
    assert.equal(leadingTimestamp('[2026-11-22T03:40:01.123Z] "GET / HTTP/1.1" 401'), at('2026-11-22T03:40:01.123Z'));
  });

  it('says nothing when the line does not start with a real date and time', () => {
    for (const line of [
      'E1122 03:40:01.123456 1 reflector.go:147] no year here',
      'error at 2026-11-22T03:40:01Z',
      '2026-02-31T00:00:00Z the 31st of February',
      '2026-13-01T00:00:00Z',
      '2026-11-22T25:00:00Z',
      '2026-11-22T03:40:01+25:00 offset too large',
      '20261122T034001Z',
      '',
    ]) {
      assert.equal(leadingTimestamp(line), undefined, line);
    }
  });
});
