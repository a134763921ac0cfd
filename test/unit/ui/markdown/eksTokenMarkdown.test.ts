// An EKS token where any token is decoded: the hover (YAML and kubeconfigs), the Problems panel's severity and
// words, Decode Token's document, the plain-text document and the kubeconfig rule's evidence. Its expiry is
// X-Amz-Date + 15 minutes; nothing shown holds the signature, the whole access key id or the session token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssessmentCache, assessCredential, timedExpiry } from '../../../../src/diagnosis/credentialAssessment';
import { kubeconfigDocumentEvidence } from '../../../../src/diagnosis/documentCredentials';
import { classifyInput } from '../../../../src/token/classifyInput';
import { nextStateChange } from '../../../../src/token/expiry';
import { locateCredentials } from '../../../../src/token/locate';
import type { LocatedCredential } from '../../../../src/token/types';
import { assessmentMarkdown as credentialMarkdown } from '../../../../src/ui/markdown/credentialMarkdown';
import { credentialNoun } from '../../../../src/ui/markdown/credentialSummary';
import { credentialText } from '../../../../src/ui/markdown/credentialText';
import { decodedDocumentText } from '../../../../src/ui/markdown/decodedDocument';
import { hoverContentAt } from '../../../../src/ui/markdown/hoverContent';
import { buildEksToken, eksTokenOf } from '../../token/support/eksTokens';

const SIGNED = Date.UTC(2026, 10, 22, 3, 10, 0) / 1000;
const MIN = 60;
const temp = buildEksToken({
  signedAt: SIGNED,
  cluster: 'prod-eu',
  region: 'eu-west-1',
  accessKeyId: 'ASIAY34FZKBOKMUTVV7A',
  sessionToken: 'IQoJb3JpZ2luSESSIONSECRET',
});
const located = (value: string): LocatedCredential => ({ kind: 'eksToken', start: 0, end: value.length, path: 'users[0].user.token', key: 'token', value });

function kubeconfig(token: string): string {
  return ['apiVersion: v1', 'kind: Config', 'users:', '- name: eks-admin', '  user:', `    token: ${token}`, ''].join('\n');
}

function assertNothingSecret(text: string): void {
  for (const secret of [temp.signature, temp.accessKeyId, 'SESSIONSECRET', temp.token.slice(11, 50), 'X-Amz-Signature']) {
    assert.ok(!text.includes(secret), `the output holds ${secret}:\n${text}`);
  }
}

describe('the hover of an EKS token', () => {
  it('says whose, where and until when, from a kubeconfig in the editor', () => {
    const text = kubeconfig(temp.token);
    const now = SIGNED + 3 * MIN;
    const hover = hoverContentAt(locateCredentials(text), text.indexOf('k8s-aws-v1.') + 40, now);
    assert.ok(hover);
    assert.equal(text.slice(hover.start, hover.end), temp.token);
    const md = hover.markdown;
    assert.equal(md.split('\n')[0], '$(pass) **AWS EKS token: valid** — expires in 12 min');
    assert.match(md, /\| Cluster \| not in the token \(a signed header\) \|/);
    assert.match(md, /\| Region \| `eu-west-1` \|/);
    assert.match(md, /\| Access key \| `ASIA…` \(temporary credentials\) \|/);
    assert.match(md, /\| Session token \| present, not shown \|/);
    assert.match(md, /\| Issued \| 2026-11-22T03:10:00 UTC .*3 min ago \|/);
    assert.match(md, /\| Expires \| 2026-11-22T03:25:00 UTC .*in 12 min \|/);
    assert.match(md, /\| Lifetime \| 15 min \|/);
    assert.match(md, /\| STS endpoint \| `sts\.eu-west-1\.amazonaws\.com` \|/);
    assert.match(md, /X-Amz-Expires=60 is ignored/);
    assertNothingSecret(md);
  });

  it('is expiring in its last 3 minutes (a fifth of 15) and expired at 15, not at 60 seconds', () => {
    const at = (s: number): string => credentialMarkdown(assessCredential(located(temp.token), s), s).split('\n')[0] ?? '';
    assert.equal(at(SIGNED + 61), '$(pass) **AWS EKS token: valid** — expires in 13 min');
    assert.equal(at(SIGNED + 13 * MIN), '$(watch) **AWS EKS token: expiring soon** — expires in 2 min');
    assert.equal(at(SIGNED + 20 * MIN), '$(error) **AWS EKS token: expired 5 min ago**');
  });

  it('says why a malformed one is not a token, and the Problems panel gets a hint with the same words', () => {
    const noDate = eksTokenOf(temp.url.replace(/&X-Amz-Date=[^&]+/, ''));
    const a = assessCredential(located(noDate), SIGNED);
    assert.equal(a.kind, 'invalid');
    const md = credentialMarkdown(a, SIGNED);
    assert.equal(md, '$(warning) **Not a valid EKS token:** the URL has no X-Amz-Date, so when it was signed is unknown\n');
    assertNothingSecret(md);
    // The Problems entry and Decode Token's warning say "Not a valid <noun>: <reason>" with the same noun.
    assert.equal(credentialNoun(a.located.kind), 'EKS token');
  });
});

describe('the Problems panel for an EKS token', () => {
  it('an expired one is an error with a sentence and a next step; an expiring one a warning; a valid one nothing', () => {
    const expired = assessCredential(located(temp.token), SIGNED + 16 * MIN);
    assert.equal(expired.kind, 'eksToken');
    if (expired.kind !== 'eksToken') return;
    assert.equal(expired.expiry.state, 'expired');
    assert.equal(expired.severity, 'error');
    assert.equal(expired.warning, 'EKS token expired 1 min ago: the API server answers 401 Unauthorized to it. Get a new one (aws eks get-token).');
    const expiring = assessCredential(located(temp.token), SIGNED + 14 * MIN);
    assert.equal(expiring.kind === 'eksToken' ? expiring.severity : undefined, 'warning');
    assert.match(expiring.kind === 'eksToken' ? (expiring.warning ?? '') : '', /^EKS token expires in 1 min: /);
    const valid = assessCredential(located(temp.token), SIGNED + MIN);
    assert.deepEqual(valid.kind === 'eksToken' ? [valid.severity, valid.warning] : [], [undefined, undefined]);
  });

  it('re-checks a document when the token changes state, as it does for a JWT', () => {
    const a = assessCredential(located(temp.token), SIGNED + MIN);
    const expiry = timedExpiry(a);
    assert.ok(expiry);
    assert.equal(nextStateChange(expiry), SIGNED + 12 * MIN, 'expiring from 12 minutes after signing');
    const cache = new AssessmentCache();
    cache.begin();
    const c = located(temp.token);
    assert.equal(cache.assess(c, SIGNED + MIN).kind, 'eksToken');
    cache.begin();
    const later = cache.assess(c, SIGNED + 15 * MIN);
    assert.equal(later.kind === 'eksToken' ? later.expiry.state : later.kind, 'expired', 'not the kept assessment from before the change');
  });

  it('is evidence for the kubeconfig rule when it sits in an open kubeconfig', () => {
    const evidence = kubeconfigDocumentEvidence(kubeconfig(temp.token), '/tmp/eks.kubeconfig', SIGNED + 16 * MIN);
    assert.equal(evidence.length, 1);
    const [e] = evidence;
    assert.deepEqual(
      { kind: e?.kind, user: e?.user, line: e?.line, issuedAt: e?.issuedAt, expiresAt: e?.expiresAt },
      { kind: 'token', user: 'eks-admin', line: 5, issuedAt: SIGNED, expiresAt: SIGNED + 15 * MIN },
    );
    assert.match(e?.fingerprint ?? '', /^[0-9a-f]{16}$/);
  });
});

describe('Decode Token and the plain-text document of an EKS token', () => {
  it('say the same rows and never the secret parts', () => {
    const c = classifyInput(`Authorization: Bearer ${temp.token}`);
    assert.ok(c.ok);
    const now = SIGNED + 3 * MIN;
    const a = assessCredential(c.credential, now);
    const doc = decodedDocumentText(a, now);
    assert.match(doc, /^# Cluster Credentials: decoded EKS token\n\n\*\*AWS EKS token: valid\*\* — expires in 12 min/);
    assert.match(doc, /_The raw token is not part of this document\._/);
    const text = credentialText(a, now);
    assert.match(text, /^AWS EKS token: valid — expires in 12 min\n/);
    assert.match(text, /^ {2}Cluster +not in the token \(a signed header\)$/m);
    assert.match(text, /^ {2}Access key +ASIA… \(temporary credentials\)$/m);
    for (const out of [doc, text]) assertNothingSecret(out);
  });
});
