import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskSecrets } from '../../../src/logs/index';
import { fixturesRoot, fixtureJwt } from '../../support/fixtureTokens';

const tokens = readdirSync(join(fixturesRoot(), 'v1.28', 'tokens'))
  .filter((f) => f.endsWith('.jwt'))
  .map((f) => fixtureJwt('v1.28', f));
const token = tokens[0];

function sha8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** No part of the token that carries claims or a signature survives. */
function assertNoTokenLeft(masked: string, raw: string): void {
  const [, payload, signature] = raw.split('.');
  assert.ok(!masked.includes(raw), 'the whole token is still there');
  assert.ok(!masked.includes(payload.slice(0, 24)), 'the payload is still there');
  if (signature) assert.ok(!masked.includes(signature.slice(0, 24)), 'the signature is still there');
}

describe('maskSecrets', () => {
  it('has real tokens to work with', () => {
    assert.ok(tokens.length >= 5);
    for (const t of tokens) assert.match(t, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('replaces a bare JWT with its sha256 prefix and keeps the rest of the line', () => {
    const line = `2026-11-22T03:40:01Z mounted token ${token} for pod payments/api`;
    assert.equal(maskSecrets(line), `2026-11-22T03:40:01Z mounted token eyJ…[token sha256:${sha8(token)}] for pod payments/api`);
  });

  it('masks every real fixture token, wherever it sits', () => {
    for (const t of tokens) {
      for (const line of [t, `x=${t}`, `"${t}"`, `(${t}).`, `Bearer ${t}`, `a ${t} b ${t}`]) {
        assertNoTokenLeft(maskSecrets(line), t);
      }
    }
  });

  it('masks Authorization headers, JWT or not', () => {
    assert.equal(
      maskSecrets(`> GET /api/v1/pods Authorization: Bearer ${token}`),
      `> GET /api/v1/pods Authorization: Bearer eyJ…[token sha256:${sha8(token)}]`,
    );
    assert.equal(maskSecrets('Authorization: Bearer abc.def-123'), 'Authorization: Bearer [masked]');
    assert.equal(maskSecrets('authorization: Basic dXNlcjpwYXNzd29yZA== sent'), 'authorization: Basic [masked] sent');
    assert.equal(
      maskSecrets('headers: {"Authorization":["Bearer sha256~opaque-openshift-token"],"Accept":["*/*"]}'),
      'headers: {"Authorization":["Bearer [masked]"],"Accept":["*/*"]}',
    );
  });

  it('masks bearer values and token= / "token": fields', () => {
    assert.equal(maskSecrets('using bearer 8f14e45fceea167a5a36dedd4bea2543'), 'using bearer [masked]');
    assert.equal(maskSecrets('GET /watch?access_token=s3cr3t&limit=1'), 'GET /watch?access_token=[masked]&limit=1');
    assert.equal(maskSecrets('login token=abc password = hunter2 ok'), 'login token=[masked] password = [masked] ok');
    assert.equal(maskSecrets('{"token":"opaque-value","user":"bob"}'), '{"token":"[masked]","user":"bob"}');
    assert.equal(maskSecrets('{"accessToken": "opaque-value"}'), '{"accessToken": "[masked]"}');
    assert.equal(maskSecrets(`{"msg":"{\\"token\\":\\"${token}\\"}"}`), `{"msg":"{\\"token\\":\\"eyJ…[token sha256:${sha8(token)}]\\"}"}`);
  });

  it('masks a base64 JWT (Secret data.token) with the hash of the token it holds', () => {
    const encoded = Buffer.from(token).toString('base64');
    assert.equal(maskSecrets(`data.token: ${encoded}`), `data.token: ZXlK…[token sha256:${sha8(token)}]`);
  });

  it('leaves prose about tokens readable', () => {
    for (const line of [
      '[invalid bearer token, service account token has been invalidated]',
      'Bearer authentication failed',
      'service account token has expired',
      'token refreshed; next refresh at 80% of the lifetime',
      'error: You must be logged in to the server (Unauthorized)',
    ]) {
      assert.equal(maskSecrets(line), line);
    }
  });

  it('never leaves a fixture token in any surrounding text (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '=', '"', ':', '\\', '{', '}', '.', '-', '_', '/', 'é') });
    fc.assert(
      fc.property(
        text,
        fc.constantFrom(...tokens),
        text,
        fc.constantFrom('', 'Bearer ', 'token=', '"token":"', 'Authorization: '),
        (before, t, after, prefix) => {
          assertNoTokenLeft(maskSecrets(`${before}${prefix}${t}${after}`), t);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes linear time on long lines of word characters and separators', () => {
    // A backtracking regex would need minutes here; this is a correctness check, not a timing one.
    const line = `${'a-'.repeat(50_000)}token${'x'.repeat(100_000)}`;
    assert.equal(maskSecrets(line), line);
  });
});
