import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { locateCredentials } from '../../../src/token/locate';
import { IncrementalLocator } from '../../../src/token/locateIncremental';
import { makeBigKubeconfig } from '../../support/bigKubeconfig';
import { allFixtureJwts } from '../../support/fixtureTokens';

const jwt = allFixtureJwts()[0]?.trim() ?? '';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('IncrementalLocator on a 1 MB kubeconfig', () => {
  let text: string;
  let tokenOffsets: number[];
  let locator: IncrementalLocator;

  before(() => {
    ({ text, tokenOffsets } = makeBigKubeconfig({ users: 500, seed: 7 }));
    locator = new IncrementalLocator();
    assert.deepStrictEqual(locator.locate(text), locateCredentials(text));
    assert.equal(locator.lastRun.parsedChars, text.length, 'the first version is parsed whole, piece by piece');
  });

  it('re-parses only the user an edit touched', () => {
    const at = tokenOffsets[tokenOffsets.length - 40] ?? 0;
    const edited = text.slice(0, at + 200) + 'x' + text.slice(at + 200);
    assert.deepStrictEqual(locator.locate(edited), locateCredentials(edited));
    const run = locator.lastRun;
    assert.equal(run.parsed, 1);
    assert.ok(run.parsedChars < 10_000, `${run.parsedChars} characters parsed`);
    assert.equal(run.wholeDocuments + Number(run.wholeText), 0);
  });

  it('finds the old pieces again when the edit is undone', () => {
    assert.deepStrictEqual(locator.locate(text), locateCredentials(text));
    assert.equal(locator.lastRun.parsed, 0);
  });

  it('renumbers the users after one inserted in the middle', () => {
    const at = text.indexOf('- name: user-250\n');
    const edited = `${text.slice(0, at)}- name: added\n  user:\n    token: ${jwt}\n${text.slice(at)}`;
    const found = locator.locate(edited);
    assert.deepStrictEqual(found, locateCredentials(edited));
    assert.ok(locator.lastRun.parsed <= 2);
    assert.ok(found.some((c) => c.path === 'users[250].user.token' && c.value === jwt));
  });

  it('stays exact while an edit leaves broken YAML, locating that document whole', () => {
    // A flow sequence closed and never opened: yaml reports an error there.
    const at = tokenOffsets[100] ?? 0;
    const edited = text.slice(0, at) + ']' + text.slice(at);
    assert.deepStrictEqual(locator.locate(edited), locateCredentials(edited));
    assert.equal(locator.lastRun.wholeDocuments, 1);
    assert.deepStrictEqual(locator.locate(text), locateCredentials(text));
    assert.equal(locator.lastRun.wholeDocuments, 0);
  });

  it('locates the whole text when a quote is left open and no later quote closes it', () => {
    assert.equal(text.includes('"'), true, 'the kubeconfig has quotes, so one is removed first');
    const noQuotes = text.replace(/"/g, '');
    assert.deepStrictEqual(locator.locate(noQuotes), locateCredentials(noQuotes));
    const at = tokenOffsets[100] ?? 0;
    const open = noQuotes.slice(0, at) + '"' + noQuotes.slice(at);
    assert.deepStrictEqual(locator.locate(open), locateCredentials(open));
    assert.equal(locator.lastRun.wholeText, true);
  });
});

describe('IncrementalLocator on documents that need all of themselves', () => {
  it('locates a large service-account token Secret whole: its `type` decides how its data reads', () => {
    const labels = Array.from({ length: 4000 }, (_, i) => `    label-${i}: value-${i}`).join('\n');
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  labels:\n${labels}\ndata:\n  token: ${b64(jwt)}\ntype: kubernetes.io/service-account-token\n`;
    const locator = new IncrementalLocator();
    const found = locator.locate(text);
    assert.deepStrictEqual(found, locateCredentials(text));
    assert.equal(found[0]?.inServiceAccountTokenSecret, true);
    assert.equal(locator.lastRun.wholeDocuments, 1);
  });

  it('keeps documents of a stream apart and counts them', () => {
    const { text: kubeconfig } = makeBigKubeconfig({ users: 200, seed: 3 });
    const text = `${kubeconfig}---\nkind: Secret\ndata:\n  token: ${b64(jwt)}\n...\n---\n- token: ${jwt}\n`;
    const locator = new IncrementalLocator();
    const found = locator.locate(text);
    assert.deepStrictEqual(found, locateCredentials(text));
    assert.deepEqual(
      found.slice(-2).map((c) => [c.documentIndex, c.path]),
      [
        [1, 'data.token'],
        [2, '[0].token'],
      ],
    );
    // An edit in the first document moves the others without parsing them again.
    const edited = 'x-note: added\n' + text;
    assert.deepStrictEqual(locator.locate(edited), locateCredentials(edited));
    assert.equal(locator.lastRun.parsed, 1);
  });

  it('locates small texts whole, as locateCredentials does', () => {
    const locator = new IncrementalLocator();
    const text = `token: ${jwt}\n`;
    assert.deepStrictEqual(locator.locate(text), locateCredentials(text));
    assert.equal(locator.lastRun.wholeText, true);
    assert.deepEqual(locator.locate(''), []);
  });
});
