// Windows are processes: three append while a fourth compacts the same file over and over.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { appendWhileCompacting } from './sharedWriters';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-shared-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a history shared by processes', () => {
  it('loses no record when three processes append 1,000 each while another compacts in a loop', { timeout: 600_000 }, async () => {
    const result = await appendWhileCompacting(dir, 3, 1000);
    assert.deepEqual({ lost: result.lost, duplicated: result.duplicated }, { lost: 0, duplicated: 0 });
    assert.ok(result.compactions > 0, 'the compactions ran while the writers appended');
  });
});
