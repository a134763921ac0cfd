// A real process dies, or is refused by the OS, in the middle of an append.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HistoryStore } from '../../../src/history/index';
import { event, KEEP_ALL } from './appendChild';
import { childArgs, repoRoot, runChild } from './sharedWriters';

const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;

let dir: string;
const file = (): string => join(dir, 'history.jsonl');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function seed(count: number): Promise<void> {
  const store = await HistoryStore.open(dir, KEEP_ALL);
  await store.append(Array.from({ length: count }, (_, i) => event(i)));
  await store.close();
}

/** Runs the child and SIGKILLs it once its big append has started writing. */
function killMidAppend(): Promise<{ sizeAtKill: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [...childArgs, dir, 'huge'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let sizeAtKill = -1;
    let out = '';
    proc.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (!out.includes('ready') || sizeAtKill >= 0) return;
      const before = statSync(file()).size;
      // The child is now inside one large write: kill it as soon as the file starts to grow.
      const deadline = Date.now() + 60_000;
      while (statSync(file()).size === before && Date.now() < deadline) {
        // busy wait: the write lasts only a few tens of milliseconds
      }
      proc.kill('SIGKILL');
      sizeAtKill = statSync(file()).size;
    });
    proc.on('error', reject);
    proc.on('exit', () => {
      // Killed while appending, it still held the lock: the next store must see that its holder died.
      if (!existsSync(`${file()}.lock`)) reject(new Error('the child was appending without holding the lock'));
    });
    proc.on('exit', (_code, signal) => resolvePromise({ sizeAtKill, signal }));
  });
}

describe('a crash in the middle of an append', () => {
  it('loses only the line being written when the process is killed mid-write', { timeout: 180_000 }, async () => {
    await seed(3);
    let torn = false;
    // SIGKILL stops a large write() between pages. Should the kernel finish the write before the
    // signal lands (a very busy machine), the attempt proves nothing and is made again.
    for (let attempt = 0; attempt < 4 && !torn; attempt++) {
      const { signal } = await killMidAppend();
      assert.equal(signal, 'SIGKILL');
      const damaged = readFileSync(file());
      torn = damaged.length > 0 && damaged[damaged.length - 1] !== 0x0a;
      const notices: string[] = [];
      const store = await HistoryStore.open(dir, { ...KEEP_ALL, onNotice: (m) => notices.push(m) });
      const records = store.query({});
      assert.equal(notices.length, 0);
      // Everything before the killed append survives; of that append, a prefix of whole records.
      assert.deepEqual(records.slice(0, 3), [event(0), event(1), event(2)]);
      records.slice(3).forEach((r, i) => assert.deepEqual(r, event(1000 + i, 100_000)));
      assert.ok(records.length < 3 + 1280 || !torn);
      await store.append([event(5000)]);
      await store.close();
      const reopened = await HistoryStore.open(dir, { ...KEEP_ALL, onNotice: (m) => notices.push(m) });
      assert.deepEqual(reopened.query({}).at(-1), event(5000));
      assert.deepEqual(notices, []);
      await reopened.close();
      if (!torn) {
        rmSync(file());
        await seed(3);
      }
    }
    assert.ok(torn, 'no attempt killed the child in the middle of its write');
  });

  it('cuts a write the OS stopped short back to the last whole line (file size limit)', { skip: !hasPrlimit }, async () => {
    await seed(3);
    const before = readFileSync(file());
    // The limit falls inside the batch the child appends: the kernel writes up to it, then refuses.
    const limit = before.length + 1000;
    const result = spawnSync('prlimit', [`--fsize=${limit}`, process.execPath, ...childArgs, dir, 'limited'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^refused: Could not save the credential history to .*history\.jsonl \(EFBIG\)\.\n$/);
    assert.deepEqual(readFileSync(file()), before);
    const store = await HistoryStore.open(dir, KEEP_ALL);
    assert.deepEqual(store.query({}), [event(0), event(1), event(2)]);
    await store.close();
  });

  it('after a failed write, keeps what another process appended since this one opened', { skip: !hasPrlimit }, async () => {
    await seed(3);
    const others = Array.from({ length: 5 }, (_, i) => event(3000 + i));
    const othersBytes = others.reduce((sum, r) => sum + Buffer.byteLength(`${JSON.stringify(r)}\n`), 0);
    // The child's batch crosses the limit only once the other process's records are in the file.
    const limit = statSync(file()).size + othersBytes + 1000;
    const child = runChild(dir, ['waitLimited'], ['prlimit', `--fsize=${limit}`]);
    await child.waitFor(/^opened$/m);
    // The child has read the file; another window appends before the child's own append.
    const other = await HistoryStore.open(dir, KEEP_ALL);
    await other.append(others);
    await other.close();
    const withOthers = readFileSync(file());
    child.proc.stdin.end('go\n');
    const [refused] = await child.waitFor(/^refused: .*$/m);
    await child.exited;
    assert.match(refused, /^refused: Could not save the credential history to .*history\.jsonl \(EFBIG\)\.$/);
    assert.deepEqual(readFileSync(file()), withOthers);
    const store = await HistoryStore.open(dir, KEEP_ALL);
    assert.deepEqual(store.query({}), [event(0), event(1), event(2), ...others]);
    await store.close();
  });
});
