// The lock every change to the history file is made under: VS Code windows are separate processes that
// share one file, and an append racing a compaction's rename is lost. An O_EXCL lock file of our own, not
// proper-lockfile: that loads signal-exit, which takes SIGXFSZ and a dozen other signals over for the whole
// extension host, so a write past a file-size limit kills the host instead of failing (see crash.test.ts).
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';

/** A lock whose time has not been refreshed for this long belongs to a process that stopped. */
const STALE_MS = 10_000;
/** How often a holder refreshes its lock's time, for the rare hold longer than a moment. */
const REFRESH_MS = 2_000;
/** How long to wait for a lock that a live process keeps holding. */
const GIVE_UP_MS = 30_000;

interface Owner {
  nonce: string;
  pid: number;
  host: string;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

async function readOwner(path: string): Promise<Owner | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (typeof value.nonce === 'string' && typeof value.pid === 'number' && typeof value.host === 'string') {
      return { nonce: value.nonce, pid: value.pid, host: value.host };
    }
  } catch {
    // Empty while its creator is between creating and writing it; judged by its age alone.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is only someone else's.
    return code(err) === 'EPERM';
  }
}

/** The lock while it is held. */
export class HeldLock {
  constructor(
    private readonly lockPath: string,
    readonly nonce: string,
  ) {}

  /** Throws unless the lock is still ours: another process takes over a lock that looked stale to it. */
  async check(): Promise<void> {
    const owner = await readOwner(this.lockPath);
    if (owner?.nonce !== this.nonce) throw new Error('the history lock was taken over by another window');
  }
}

const inProcess = new Map<string, Promise<void>>();

/** Runs work while holding the lock on path (the lock is the file `${path}.lock`). */
export function withFileLock<T>(path: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
  // Stores of one process take turns here first, so they never poll each other's lock file.
  const previous = inProcess.get(path) ?? Promise.resolve();
  const turn = previous.then(() => runLocked(`${path}.lock`, work));
  const done = turn.then(
    () => undefined,
    () => undefined,
  );
  inProcess.set(path, done);
  void done.then(() => {
    if (inProcess.get(path) === done) inProcess.delete(path);
  });
  return turn;
}

async function runLocked<T>(lockPath: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
  const held = await acquire(lockPath);
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, REFRESH_MS);
  // The timer must not keep a process alive that is otherwise done.
  refresh.unref();
  try {
    return await work(held);
  } finally {
    clearInterval(refresh);
    await release(lockPath, held.nonce);
  }
}

async function acquire(lockPath: string): Promise<HeldLock> {
  const nonce = randomBytes(8).toString('hex');
  const owner: Owner = { nonce, pid: process.pid, host: hostname() };
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, owner)) return new HeldLock(lockPath, nonce);
    if (await breakIfStale(lockPath)) continue;
    if (Date.now() > giveUpAt) {
      throw Object.assign(new Error(`another window has held ${lockPath} for ${GIVE_UP_MS / 1000} s`), { code: 'ELOCKED' });
    }
    // Short pauses with jitter, so that waiting windows do not retry in step: holds last milliseconds.
    const pause = Math.min(10, 1 + attempt / 4) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function tryCreate(lockPath: string, owner: Owner): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/** Removes the lock when its holder is gone; true when the caller should try to take it again at once. */
async function breakIfStale(lockPath: string): Promise<boolean> {
  let judged: Stats;
  try {
    judged = await stat(lockPath);
  } catch (err) {
    if (code(err) === 'ENOENT') return true;
    throw err;
  }
  const owner = await readOwner(lockPath);
  // A dead process on this machine is known at once; elsewhere (a shared network home), only by age.
  const holderDied = owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
  if (!holderDied && Date.now() - judged.mtimeMs <= STALE_MS) return false;
  // Moved under a name of our own first: of several processes breaking it, only one moves it.
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return true;
    throw err;
  }
  const moved = await stat(aside);
  if (moved.ino !== judged.ino || moved.dev !== judged.dev) {
    // What was moved is a lock just taken by someone else: put it back, unless a third process took the
    // lock meanwhile (then its first holder learns so in check(), before it writes).
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside);
  return true;
}

async function release(lockPath: string, nonce: string): Promise<void> {
  try {
    // A lock taken over is no longer ours to remove.
    if ((await readOwner(lockPath))?.nonce === nonce) await unlink(lockPath);
  } catch {
    // Left behind, it is recognised as stale: this process is alive, so by its age.
  }
}
