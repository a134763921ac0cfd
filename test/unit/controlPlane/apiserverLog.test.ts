import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAuthError, countAuthFailures, parseApiserverLogLine } from '../../../src/controlPlane/apiserverLog';

const EXPIRED =
  'E1202 16:22:58.176191    3407 authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, service account token has expired]"';

describe('parseApiserverLogLine', () => {
  it('puts a klog line without a year in the year that does not make it future', () => {
    assert.equal(parseApiserverLogLine(EXPIRED, Date.parse('2027-01-03T00:00:00Z'))?.atMs, Date.parse('2026-12-02T16:22:58.176Z'));
    assert.equal(parseApiserverLogLine(EXPIRED, Date.parse('2026-12-05T00:00:00Z'))?.atMs, Date.parse('2026-12-02T16:22:58.176Z'));
  });

  it('takes the kubelet time of `kubectl logs --timestamps` first', () => {
    const f = parseApiserverLogLine(`2026-12-02T16:22:58.177000000Z ${EXPIRED}`, 0);
    assert.deepEqual(f, {
      atMs: Date.parse('2026-12-02T16:22:58.177Z'),
      reason: 'expired',
      error: '[invalid bearer token, service account token has expired]',
    });
  });

  it('reads the format before structured logging, and unquotes Go strings', () => {
    const old =
      'E0301 09:00:00.000001       1 authentication.go:63] Unable to authenticate the request due to an error: [invalid bearer token, Token has been invalidated]';
    assert.deepEqual(parseApiserverLogLine(old, Date.parse('2020-03-02T00:00:00Z')), {
      atMs: Date.parse('2020-03-01T09:00:00Z'),
      reason: 'invalidated',
      error: '[invalid bearer token, Token has been invalidated]',
    });
    const quoted =
      'E0301 09:00:00.000001       1 authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, token audiences [\\"vault\\"] is invalid]"';
    assert.equal(parseApiserverLogLine(quoted, 0)?.error, '[invalid bearer token, token audiences ["vault"] is invalid]');
  });

  it('ignores every other line', () => {
    assert.equal(parseApiserverLogLine('I1202 16:22:58.1 3407 httplog.go:132] "HTTP" verb="GET" URI="/api/v1/pods" latency="1ms" resp=401', 0), undefined);
    assert.equal(parseApiserverLogLine('', 0), undefined);
  });
});

describe('countAuthFailures', () => {
  it('counts by reason and keeps the other errors by text', () => {
    const log = [
      EXPIRED,
      EXPIRED.replace('16:22:58', '16:30:00'),
      'E1202 16:40:00.000000    3407 authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, square/go-jose: error in cryptographic primitive]"',
      'E1202 16:41:00.000000    3407 authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, service account token has been invalidated]"',
      'I1202 16:42:00.000000    3407 controller.go:1] "unrelated"',
    ];
    const counts = countAuthFailures(log, Date.parse('2026-12-03T00:00:00Z'));
    assert.deepEqual(counts, {
      expired: 2,
      invalidated: 1,
      other: 1,
      total: 4,
      firstMs: Date.parse('2026-12-02T16:22:58.176Z'),
      lastMs: Date.parse('2026-12-02T16:41:00Z'),
      otherErrors: { '[invalid bearer token, square/go-jose: error in cryptographic primitive]': 1 },
    });
    assert.equal(classifyAuthError('x509: certificate has expired or is not yet valid'), 'other');
  });
});
