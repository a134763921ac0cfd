import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePatterns, DEFAULT_PATTERNS, scanText } from '../../../src/logs/index';
import type { LogPattern } from '../../../src/logs/index';
import { fixtureJson } from '../../support/fixtureTokens';

const compiled = compilePatterns(DEFAULT_PATTERNS);

function idsFor(line: string): string[] {
  const matches = scanText(line, compiled);
  assert.ok(matches.length <= 1);
  return matches[0]?.patternIds ?? [];
}

function tokenReviewError(name: string): string {
  return fixtureJson<{ response: { body: { status: { error: string } } } }>('v1.28', name).response.body.status.error;
}

describe('DEFAULT_PATTERNS', () => {
  it('compile', () => {
    assert.equal(compiled.ok, true);
  });

  const realLines: Array<[string, string, string[]]> = [
    [
      'APISIX informer',
      '2026/11/22 03:40:01 [error] 44#44: *3 [lua] informer_factory.lua:295: list failed, kind: Endpoints, reason: Unauthorized, message : {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
      ['http-401', 'unauthorized'],
    ],
    ['Patroni (kubernetes python client)', 'kubernetes.client.exceptions.ApiException: (401) Reason: Unauthorized', ['http-401', 'unauthorized']],
    ['kubectl', 'error: You must be logged in to the server (Unauthorized)', ['unauthorized', 'kubectl-logged-in']],
    [
      'kubectl, newer wording',
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
      ['kubectl-logged-in'],
    ],
    ['Multus', '2026-11-22T03:40:01Z [error] Multus: [payments/api-7d8bbbb748-x2v9q/0f1e2d3c]: error getting pod: Unauthorized', ['unauthorized']],
    [
      'client-go x509',
      'E1122 03:40:01.123456       1 reflector.go:140] k8s.io/client-go/informers/factory.go:150: Failed to watch *v1.Pod: failed to list *v1.Pod: Get "https://10.96.0.1:443/api/v1/pods?limit=500&resourceVersion=0": x509: certificate has expired or is not yet valid: current time 2026-11-22T03:40:01Z is after 2026-11-21T12:00:00Z',
      ['x509-expired'],
    ],
    ['TokenReview, pod deleted (recorded)', tokenReviewError('tokenreview-bound-pod-deleted-invalidated'), ['invalid-bearer-token', 'token-invalidated']],
    ['TokenReview, expired (recorded)', tokenReviewError('tokenreview-expired'), ['token-expired', 'invalid-bearer-token']],
    ['TokenReview, garbage (recorded)', tokenReviewError('tokenreview-garbage-token'), ['invalid-bearer-token']],
    ['golang-jwt', 'level=error msg="validate token" err="token is expired"', ['token-expired']],
    ['nginx access log', '10.0.0.7 - - [22/Nov/2026:03:40:01 +0000] "GET /api/v1/orders HTTP/1.1" 401 12 "-" "curl/8.5.0"', ['http-401']],
    ['raw status line', 'HTTP/1.1 401 Unauthorized', ['http-401', 'unauthorized']],
    ['status word', 'upstream answered with status 401', ['http-401']],
    ['JSON code', '{"code":401,"message":"no credentials"}', ['http-401']],
    ['JSON status', '{"status": 401}', ['http-401']],
    ['logfmt', 'level=warn msg="apiserver call failed" code=401', ['http-401']],
    ['statusCode', 'request failed: statusCode: 401', ['http-401']],
    ['HTTP 401 with version', 'HTTP/2 401', ['http-401']],
  ];
  for (const [name, line, expected] of realLines) {
    it(`match the real line: ${name}`, () => {
      assert.deepEqual(idsFor(line), expected);
    });
  }

  const healthy = [
    'request authorized for system:serviceaccount:payments:api',
    'authorized',
    'listed 4010 items',
    'status 4010',
    'code=4010',
    'processed 401 items in 2s',
    'GET /healthz HTTP/1.1 200',
    '2026-11-22T03:40:01.123456789Z I1122 03:40:01.123456 1 controller.go:123] Successfully synced payments/api',
    'token refreshed, expires in 3600s',
    'x509: certificate signed by unknown authority',
    '{"level":"info","msg":"cache entry expired","key":"session:1"}',
  ];
  for (const line of healthy) {
    it(`leave alone: ${line}`, () => {
      assert.deepEqual(idsFor(line), []);
    });
  }

  it('each default pattern has at least one real line above', () => {
    const covered = new Set(realLines.flatMap(([, , ids]) => ids));
    assert.deepEqual(
      DEFAULT_PATTERNS.map((p) => p.id).filter((id) => !covered.has(id)),
      [],
    );
  });
});

describe('compilePatterns errors', () => {
  it('reports a bad regex with the pattern id and the engine message', () => {
    const result = compilePatterns([{ id: 'mine', label: 'Mine', regex: 'status (401' }]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0], /^pattern 'mine': Invalid regular expression: .*Unterminated group/);
  });

  it('reports every bad pattern, not only the first', () => {
    const patterns: LogPattern[] = [
      { id: 'a', label: 'A', regex: '[' },
      { id: 'ok', label: 'OK', regex: 'fine' },
      { id: 'b', label: 'B', regex: 'x', flags: 'q' },
    ];
    const result = compilePatterns(patterns);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.length, 2);
    assert.match(result.errors[0], /^pattern 'a': /);
    assert.match(result.errors[1], /^pattern 'b': .*flags/i);
  });

  it('refuses a duplicate id, an empty id and an empty regex', () => {
    const result = compilePatterns([
      { id: 'x', label: 'X', regex: 'one' },
      { id: 'x', label: 'X again', regex: 'two' },
      { id: '', label: 'nameless', regex: 'three' },
      { id: 'empty', label: 'Empty', regex: '' },
    ]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors, [
      "pattern 'x': another pattern already uses this id.",
      'pattern #3: the id is empty.',
      "pattern 'empty': the regular expression is empty.",
    ]);
  });

  it('refuses a pattern that matches an empty line', () => {
    const result = compilePatterns([{ id: 'loose', label: 'Loose', regex: 'error|' }]);
    assert.deepEqual(result, { ok: false, errors: ["pattern 'loose': it matches an empty line, so it would report every line."] });
  });

  it('ignores the g and y flags instead of letting test() remember lastIndex', () => {
    const result = compilePatterns([{ id: 'g', label: 'G', regex: 'denied', flags: 'gy' }]);
    assert.equal(result.ok, true);
    const lines = 'denied\ndenied\ndenied\n';
    assert.deepEqual(
      scanText(lines, result).map((m) => m.lineNumber),
      [1, 2, 3],
    );
  });

  it('throws when asked to scan with patterns that did not compile (a caller bug)', () => {
    const bad = compilePatterns([{ id: 'a', label: 'A', regex: '(' }]);
    assert.throws(() => scanText('x', bad), /invalid patterns/);
  });
});
