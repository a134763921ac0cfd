// A large document whose edit broke its structure is located whole on a worker thread: tryLocate says
// when, the OffThreadLocator does it, and both agree with locateCredentials.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { locateCredentials } from '../../../src/token/locate';
import { IncrementalLocator } from '../../../src/token/locateIncremental';
import { OffThreadLocator } from '../../../src/token/offThreadLocate';
import { makeBigKubeconfig } from '../../support/bigKubeconfig';

const WORKER = join(__dirname, '../../../src/token/locateWorker.ts');
const ON_TSX = { script: WORKER, execArgv: ['--import', 'tsx'] };

describe('IncrementalLocator.tryLocate', () => {
  let text: string;
  let tokenOffsets: number[];
  let locator: IncrementalLocator;

  before(() => {
    ({ text, tokenOffsets } = makeBigKubeconfig({ users: 500, seed: 11 }));
    locator = new IncrementalLocator();
    assert.deepStrictEqual(locator.tryLocate(text, 8 * 1024), locateCredentials(text), 'the first version is cut into entries, each small');
  });

  it('answers an edit inside one entry itself', () => {
    const at = (tokenOffsets[200] ?? 0) + 100;
    const edited = text.slice(0, at) + 'x' + text.slice(at);
    assert.deepStrictEqual(locator.tryLocate(edited, 8 * 1024), locateCredentials(edited));
    assert.ok(locator.lastRun.parsedChars < 8 * 1024);
  });

  it('declines an edit that needs the whole document parsed, and stays at the last text it located', () => {
    const at = tokenOffsets[100] ?? 0;
    // A flow sequence closed and never opened: the document reads exactly only whole.
    const broken = text.slice(0, at) + ']' + text.slice(at);
    assert.equal(locator.tryLocate(broken, 8 * 1024), undefined);
    // Back to the original: compared with the last located text, nothing is new.
    assert.deepStrictEqual(locator.tryLocate(text, 8 * 1024), locateCredentials(text));
    assert.equal(locator.lastRun.parsed, 0, 'the original needs no parse: the declined text left nothing behind');
    // Without a limit the same edit is located here, whole.
    assert.deepStrictEqual(locator.tryLocate(broken, Infinity), locateCredentials(broken));
    assert.equal(locator.lastRun.wholeDocuments, 1);
  });
});

describe('OffThreadLocator', () => {
  const { text } = makeBigKubeconfig({ users: 300, seed: 5 });
  let off: OffThreadLocator;
  before(() => {
    off = new OffThreadLocator(ON_TSX);
  });
  after(() => off.dispose());

  it('locates on a worker thread what locateCredentials locates', async () => {
    const located = await off.locate('a', text);
    assert.equal(off.onWorker, true, 'a worker thread did it');
    assert.deepStrictEqual(located, locateCredentials(text));
    assert.ok((located?.length ?? 0) >= 300);
  });

  it('answers a text replaced while it waited with undefined, and the newest with its credentials', async () => {
    const first = off.locate('doc', text);
    const second = off.locate('doc', text.replace('user-1\n', 'user-one\n'));
    const third = off.locate('doc', text.replace('user-2\n', 'user-two\n'));
    const other = off.locate('other', text);
    const [a, b, c, d] = await Promise.all([first, second, third, other]);
    assert.ok(a !== undefined, 'the one already running is answered');
    assert.equal(b, undefined, 'the one replaced while waiting is not');
    assert.deepStrictEqual(c, locateCredentials(text.replace('user-2\n', 'user-two\n')));
    assert.deepStrictEqual(d, locateCredentials(text), 'another key is not replaced');
  });

  it('locates here when the worker cannot start, losing nothing', async () => {
    const broken = new OffThreadLocator({ script: join(__dirname, 'no-such-worker.js') });
    try {
      const located = await broken.locate('a', text);
      assert.deepStrictEqual(located, locateCredentials(text));
      assert.equal(broken.onWorker, false);
      assert.deepStrictEqual(await broken.locate('a', text), locateCredentials(text), 'and again, without a worker');
    } finally {
      broken.dispose();
    }
  });

  it('answers undefined after dispose', async () => {
    const gone = new OffThreadLocator(ON_TSX);
    gone.dispose();
    assert.equal(await gone.locate('a', text), undefined);
  });
});

describe('OffThreadLocator.warm', () => {
  it('starts the worker before the first request, and the worker then answers', async () => {
    const { text } = makeBigKubeconfig({ users: 50, seed: 2 });
    const off = new OffThreadLocator(ON_TSX);
    try {
      assert.equal(off.onWorker, false, 'nothing started before it is wanted');
      off.warm();
      assert.equal(off.onWorker, true);
      assert.deepStrictEqual(await off.locate('a', text), locateCredentials(text));
    } finally {
      off.dispose();
    }
  });
});
