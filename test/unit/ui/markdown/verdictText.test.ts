// The verdict in plain words: Token Health's line for a token, made from the same parts as the hover's first line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenVerdict } from '../../../../src/diagnosis/tokenVerdict';
import { escapeMarkdown } from '../../../../src/ui/markdown/escape';
import { verdictMarkdown } from '../../../../src/ui/markdown/verdictMarkdown';
import { verdictParts, verdictText } from '../../../../src/ui/markdown/verdictText';

const ACCEPTANCE = 'accepted by this API server';

describe('verdictText', () => {
  it('says refused and why, with the context, as the hover says it', () => {
    const audience: TokenVerdict = {
      outcome: 'refused',
      reason: 'audience',
      text: 'for audience vault, not accepted by this API server (it accepts https://kubernetes.default.svc)',
    };
    const text = verdictText('kind-dev', audience);
    assert.equal(text, 'On context kind-dev, refused: for audience vault, not accepted by this API server (it accepts https://kubernetes.default.svc)');
    // The hover's words are these words, bold lead and all.
    assert.equal(verdictMarkdown('kind-dev', audience), `$(error) **On context kind-dev, refused:** ${escapeMarkdown(audience.text)}\n\n`);
    const expired: TokenVerdict = { outcome: 'refused', reason: 'expired', text: 'expired at 2026-01-10 08:00:00 UTC: the API server refuses it' };
    assert.equal(verdictText('c', expired), 'On context c, refused: expired at 2026-01-10 08:00:00 UTC: the API server refuses it');
    assert.equal(verdictParts('c', expired)?.tone, 'refused');
  });

  it('says what stale means, where the hover leaves that to its warning line', () => {
    const stale: TokenVerdict = {
      outcome: 'accepted',
      text: `${ACCEPTANCE}, but stale: past its warnafter (2026-01-10 09:00:07 UTC), the API server still accepts it`,
      stale: true,
      acceptance: ACCEPTANCE,
    };
    assert.equal(verdictText('c', stale), `On context c: ${stale.text}`);
    assert.deepEqual(verdictParts('c', stale), { tone: 'stale', icon: 'history', lead: 'On context c', body: stale.text });
    assert.deepEqual(verdictParts('c', stale, false)?.body, `${ACCEPTANCE}, but stale`);
    assert.equal(verdictMarkdown('c', stale), `$(history) **On context c:** ${ACCEPTANCE}, but stale\n\n`);
  });

  it('says accepted and not known plainly, and nothing of another cluster’s token', () => {
    assert.equal(verdictText('c', { outcome: 'accepted', text: ACCEPTANCE, stale: false, acceptance: ACCEPTANCE }), `On context c: ${ACCEPTANCE}`);
    assert.equal(verdictParts('c', { outcome: 'accepted', text: ACCEPTANCE, stale: false, acceptance: ACCEPTANCE })?.tone, 'accepted');
    const unknown: TokenVerdict = { outcome: 'unknown', text: 'whether this API server accepts it is not known: x' };
    assert.equal(verdictText('c', unknown), `On context c: ${unknown.text}`);
    assert.equal(verdictParts('c', unknown)?.tone, 'unknown');
    assert.equal(verdictText('c', { outcome: 'foreign', text: 'issued by x, not by this cluster (y)' }), undefined);
  });

  it('leaves the text as it came: escaping is for the view that shows it', () => {
    const text = verdictText('<b>c</b>', { outcome: 'refused', reason: 'invalidated', text: 'invalidated: its pod <img src=x> (uid 1) is gone' });
    assert.equal(text, 'On context <b>c</b>, refused: invalidated: its pod <img src=x> (uid 1) is gone');
  });
});
