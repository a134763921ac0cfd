import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { writeFileAtomic, type AtomicWriteStep } from '../../../src/history/atomicWrite';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atomic-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes and fsyncs a temp file beside the target, then renames it over: the target is never missing or partial', async () => {
    const target = join(dir, 'history.jsonl');
    writeFileSync(target, 'old content\n');
    const steps: AtomicWriteStep[] = [];
    await writeFileAtomic(target, 'new content\n', (step, temp) => {
      steps.push(step);
      assert.equal(join(temp, '..'), dir, 'the temp file sits in the same directory (same filesystem: rename is atomic)');
      if (step === 'tempWritten' || step === 'tempSynced') {
        assert.equal(readFileSync(target, 'utf8'), 'old content\n');
        assert.equal(readFileSync(temp, 'utf8'), 'new content\n');
      } else {
        assert.equal(readFileSync(target, 'utf8'), 'new content\n');
        assert.equal(existsSync(temp), false);
      }
    });
    assert.deepEqual(steps, ['tempWritten', 'tempSynced', 'renamed', 'directorySynced']);
    assert.deepEqual(readdirSync(dir), ['history.jsonl']);
  });

  it('creates the file private to the user', { skip: process.platform === 'win32' }, async () => {
    const target = join(dir, 'new.jsonl');
    await writeFileAtomic(target, 'x');
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });

  it('leaves the target and no temp file behind when the rename fails', async () => {
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'data'));
    assert.deepEqual(readdirSync(dir), ['occupied']);
    assert.deepEqual(readdirSync(target), ['inside']);
  });
});
