// The walkthrough's sample file: what a user hovers in it must read as the walkthrough promises, an
// expired bound token in a kubeconfig and a legacy Secret token without expiry, and it must name no server
// that could answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { assessCredential } from '../../../src/diagnosis/credentialAssessment';
import { locateCredentials } from '../../../src/token/locate';
import { hoverContentAt } from '../../../src/ui/markdown/hoverContent';
import { sampleCredentials, sampleToken } from '../../../src/ui/sampleCredentials';

const NOW_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const NOW = NOW_MS / 1000;

describe('the sample credential file', () => {
  const { text, expiredAtS } = sampleCredentials(NOW_MS);
  const located = locateCredentials(text);

  it('is two YAML documents that parse without error: a kubeconfig and a token Secret', () => {
    const docs = parseAllDocuments(text);
    assert.equal(docs.length, 2);
    for (const d of docs) assert.deepEqual(d.errors, []);
    const [config, secret] = docs.map((d) => d.toJS() as Record<string, unknown>);
    assert.equal(config?.kind, 'Config');
    assert.equal(secret?.kind, 'Secret');
    assert.equal(secret?.type, 'kubernetes.io/service-account-token');
  });

  it('holds an expired bound token, three days past its exp, that the hover names', () => {
    assert.equal(located.length, 2, JSON.stringify(located.map((l) => l.kind)));
    const [first] = located;
    assert.ok(first);
    const a = assessCredential(first, NOW);
    assert.equal(a.kind, 'token');
    assert.equal(a.kind === 'token' ? a.expiry.state : '', 'expired');
    assert.equal(expiredAtS, NOW - 3 * 24 * 3600);
    const hover = hoverContentAt(located, first.start + 5, NOW);
    assert.ok(hover);
    assert.ok(hover.markdown.includes('patroni'), hover.markdown);
  });

  it('holds a legacy Secret token, base64 in data, that never expires', () => {
    const second = located[1];
    assert.ok(second);
    const a = assessCredential(second, NOW);
    assert.equal(a.kind, 'token');
    assert.equal(a.kind === 'token' ? a.expiry.state : '', 'noExpiry');
  });

  it('is minted when it opens: written an hour later, its token expired an hour later', () => {
    const later = sampleCredentials(NOW_MS + 3600_000);
    assert.equal(later.expiredAtS, expiredAtS + 3600);
  });

  it('names only a reserved, unresolvable server and carries no real signature', () => {
    const servers = [...text.matchAll(/server: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(servers, ['https://sample.invalid:6443']);
    const signature = sampleToken({ sub: 'x' }).split('.')[2] ?? '';
    assert.equal(Buffer.from(signature, 'base64url').toString(), 'not signed: a sample');
  });
});
