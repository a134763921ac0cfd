// A token whose claims nest thousands of levels deep (40 KB is enough for 5,000) must render in the hover
// and the decoded document, cut at a depth, instead of overflowing the stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessCredential } from '../../../src/diagnosis/credentialAssessment';
import { decodeToken } from '../../../src/token/jwt';
import { locateCredentials } from '../../../src/token/locate';
import { boundedJson, MAX_JSON_DEPTH, TOO_DEEP } from '../../../src/ui/markdown/boundedJson';
import { decodedDocumentText } from '../../../src/ui/markdown/decodedDocument';
import { hoverContentAt } from '../../../src/ui/markdown/hoverContent';

const NOW = 1_800_000_000;
const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** An unsigned-looking JWT (decoding never verifies) whose `deep` claim nests `depth` objects. */
function deepToken(depth: number): string {
  const deep = `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
  const payload = `{"iss":"https://kubernetes.default.svc","sub":"system:serviceaccount:payments:api","exp":${NOW + 3600},"deep":${deep},"arr":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
  return `${b64url('{"alg":"RS256","kid":"k1"}')}.${b64url(payload)}.${b64url('signature-bytes')}`;
}

describe('claims nested deeper than anything real', () => {
  const token = deepToken(5000);
  const document = `token: ${token}\n`;

  it('is a 40 KB token that decodes', () => {
    assert.ok(token.length >= 40_000, String(token.length));
    const decoded = decodeToken(token);
    assert.ok(decoded.ok);
  });

  it('renders in the hover, cut at a depth', () => {
    const content = hoverContentAt(locateCredentials(document), document.indexOf('eyJ') + 5, NOW);
    assert.ok(content);
    assert.match(content.markdown, /\*\*Claims\*\*/);
    assert.ok(content.markdown.includes(TOO_DEEP), content.markdown);
    assert.ok(content.markdown.includes('system:serviceaccount:payments:api'));
  });

  it('renders in the decoded document, cut at a depth, in a document of reasonable size', () => {
    const [located] = locateCredentials(document);
    assert.ok(located);
    const text = decodedDocumentText(assessCredential(located, NOW), NOW);
    assert.ok(text.includes(`"a": "${TOO_DEEP}"`), 'the object chain ends in the marker');
    assert.ok(text.includes(`"${TOO_DEEP}"`));
    assert.ok(!text.includes('"bottom"'));
    // Indented JSON of 5,000 levels would be tens of megabytes; cut at the limit it stays small.
    assert.ok(text.length < 40_000, String(text.length));
  });
});

describe('boundedJson', () => {
  it('is JSON.stringify for values within the depth', () => {
    const value = { iss: 'x', aud: ['a', 'b'], 'kubernetes.io': { pod: { name: 'api', uid: 'u' } }, n: null, ok: true };
    assert.equal(boundedJson(value), JSON.stringify(value));
    assert.equal(boundedJson(value, MAX_JSON_DEPTH, 2), JSON.stringify(value, null, 2));
    assert.equal(boundedJson('text'), '"text"');
  });

  it('puts the marker where objects and arrays go past the depth', () => {
    assert.equal(boundedJson({ a: { b: { c: 1 } }, d: [[2]], e: 3 }, 2), `{"a":{"b":"${TOO_DEEP}"},"d":["${TOO_DEEP}"],"e":3}`);
    assert.equal(boundedJson([1], 0), `"${TOO_DEEP}"`);
  });
});
