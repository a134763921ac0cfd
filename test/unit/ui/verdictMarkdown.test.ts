// The hover's verdict line: the server's answer first, every word from the cluster escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictMarkdown } from '../../../src/ui/markdown/verdictMarkdown';

describe('verdictMarkdown', () => {
  it('says refused and why, with the context name and the reason escaped', () => {
    const md = verdictMarkdown('kind-*dev*', { outcome: 'refused', reason: 'invalidated', text: 'invalidated: its pod p-doomed (uid 1) is gone' });
    assert.equal(md, '$(error) **On context kind-\\*dev\\*, refused:** invalidated: its pod p-doomed (uid 1) is gone\n\n');
  });

  it('marks a stale token apart from a fresh one, and says nothing of a token of another cluster', () => {
    const acceptance = 'accepted by this API server';
    assert.equal(verdictMarkdown('c', { outcome: 'accepted', text: acceptance, stale: false, acceptance }), `$(verified) **On context c:** ${acceptance}\n\n`);
    // What stale means is the hover's warning line; the verdict line does not say it twice.
    const stale = verdictMarkdown('c', { outcome: 'accepted', text: `${acceptance}, but stale: past its warnafter, …`, stale: true, acceptance });
    assert.equal(stale, `$(history) **On context c:** ${acceptance}, but stale\n\n`);
    assert.match(verdictMarkdown('c', { outcome: 'unknown', text: 'whether … is not known: x' }), /^\$\(question\) /);
    assert.equal(verdictMarkdown('c', { outcome: 'foreign', text: 'issued by x' }), '');
  });

  it('cannot be made to render a link or an icon from the cluster', () => {
    const md = verdictMarkdown('c', { outcome: 'unknown', text: 'for audience [x](https://evil) $(alert)' });
    assert.ok(!md.includes('](https://'), md);
    assert.ok(md.includes('\\$(alert)'), md);
  });
});
