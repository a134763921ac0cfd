// Replacing a file so that a reader, or a crash, sees either the old content or the new, never a
// missing or half-written file: write a temporary file beside it, fsync it, rename it over, fsync the
// directory so the rename itself is durable.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type AtomicWriteStep = 'tempWritten' | 'tempSynced' | 'renamed' | 'directorySynced';

/** Lets tests look at the files between steps. */
export type StepObserver = (step: AtomicWriteStep, tempPath: string) => void | Promise<void>;

export async function writeFileAtomic(path: string, data: string | Uint8Array, observe?: StepObserver): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await observe?.('tempWritten', temp);
      await handle.sync();
      await observe?.('tempSynced', temp);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await observe?.('renamed', temp);
  await syncDirectory(dirname(path));
  await observe?.('directorySynced', temp);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a directory; there the rename is as durable as the OS makes it.
  }
}
