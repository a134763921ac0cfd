// What the Problems view keeps of a large document between versions (its located credentials and their
// assessments) must not keep the document's text alive: V8 keeps the whole parent of a sliced string,
// and a value cut from a 5 MB text would hold all of it, one text per version.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { AssessmentCache } from '../../../src/diagnosis/credentialAssessment';
import { IncrementalLocator } from '../../../src/token/locateIncremental';
import { OffThreadLocator } from '../../../src/token/offThreadLocate';
import type { LocatedCredential } from '../../../src/token/types';
import { makeBigKubeconfig } from '../../support/bigKubeconfig';
import { allFixtureJwts } from '../../support/fixtureTokens';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PADDING = 16 * 1024 * 1024;
const NOW = 1_800_000_000;

/** The heap in use once everything unreachable is collected (a few rounds: some of V8's own caches let go a turn late). */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    // The last string a regular expression ran on stays reachable (RegExp.lastMatch) until the next match.
    /./.test('-');
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const JWT = allFixtureJwts()[0]?.trim() ?? '';

/**
 * A kubeconfig with 16 MB of comments before its users, each character of it made anew (never shared
 * between calls), and a token in its last line (the text's last piece is parsed without a stand-in after it).
 */
function paddedKubeconfig(seed: number): string {
  const { text } = makeBigKubeconfig({ users: 40, seed });
  return ['# ', 'x'.repeat(PADDING), '\n', text, 'last-token: ', JWT, '\n'].join('');
}

/** Locates and assesses one version as the Problems view does; the locator and the text are let go. */
function diagnoseOnce(cache: AssessmentCache, seed: number): LocatedCredential[] {
  const locator = new IncrementalLocator();
  const located = locator.locate(paddedKubeconfig(seed));
  cache.begin();
  for (const l of located) cache.assess(l, NOW);
  return located;
}

describe('located credentials and the text they were found in', () => {
  // Modules, fixtures and caches loaded before anything is measured.
  diagnoseOnce(new AssessmentCache(), 0);

  it("the incremental locator's credentials and their assessments keep no version of the text", async () => {
    const before = await heapAfterGc();
    const cache = new AssessmentCache();
    // Two versions: the cache keeps the assessments of the last and of the one before.
    diagnoseOnce(cache, 1);
    const kept = diagnoseOnce(cache, 2);
    const grown = (await heapAfterGc()) - before;
    assert.ok(kept.length >= 40 && kept.every((l) => l.kind === 'privateKey' || (l.value?.length ?? 0) > 0));
    assert.equal(kept.at(-1)?.value, JWT);
    assert.ok(grown < PADDING / 2, `${(grown / 1e6).toFixed(1)} MB kept for ${kept.length} credentials`);
  });

  it('nor do the credentials a worker thread sends back', async () => {
    const off = new OffThreadLocator({ script: join(__dirname, '../../../src/token/locateWorker.ts'), execArgv: ['--import', 'tsx'] });
    try {
      await off.locate('warm', paddedKubeconfig(0));
      const before = await heapAfterGc();
      const kept = await off.locate('doc', paddedKubeconfig(3));
      const grown = (await heapAfterGc()) - before;
      assert.ok((kept?.length ?? 0) >= 40);
      assert.ok(grown < PADDING / 2, `${(grown / 1e6).toFixed(1)} MB kept for ${kept?.length} credentials`);
    } finally {
      off.dispose();
    }
  });
});
