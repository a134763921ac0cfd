// Writes a kubeconfig so that a crash or a full disk never leaves half a file holding the user's credentials:
// under kubectl's own `<file>.lock`, through a temp file in the same folder renamed over the original, with the
// original's mode.
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorCode } from './kubeconfigFiles';

export type FileEdit = { ok: true; text: string } | { ok: false; message: string };
export type FileWriteResult = { ok: true } | { ok: false; message: string };

export interface FileWriteOptions {
  /** How long to wait for a lock another program holds; the wait blocks, so keep it short (default 500 ms). */
  lockWaitMs?: number;
}

const DEFAULT_LOCK_WAIT_MS = 500;
const LOCK_RETRY_MS = 25;
// client-go writes a new kubeconfig with this mode.
const NEW_FILE_MODE = 0o600;

/** Reads `file` (undefined when it does not exist), edits the text and writes the result, all under the lock. */
export function editKubeconfigFile(file: string, edit: (text: string | undefined) => FileEdit, opts: FileWriteOptions = {}): FileWriteResult {
  const lock = `${file}.lock`;
  const locked = acquireLock(file, lock, opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  if (!locked.ok) return locked;
  try {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return { ok: false, message: cannotRead(file, err) };
    }
    const next = edit(text);
    return next.ok ? replaceFile(file, next.text) : next;
  } finally {
    try {
      fs.unlinkSync(lock);
    } catch {
      // Someone removed it by hand; nothing is left to release.
    }
  }
}

/** client-go's lockFile: `<file>.lock` made with O_EXCL (its folder first, if missing). kubectl fails at once; we wait briefly. */
function acquireLock(file: string, lock: string, waitMs: number): FileWriteResult {
  const until = Date.now() + waitMs;
  let madeFolder = false;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx', NEW_FILE_MODE));
      return { ok: true };
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT' && !madeFolder) {
        madeFolder = true;
        try {
          fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o755 });
        } catch (mkdirErr) {
          return { ok: false, message: l10n.t('cannot create the folder of {0} ({1}); check its path and permissions', file, codeOf(mkdirErr)) };
        }
        continue;
      }
      if (code !== 'EEXIST') {
        return { ok: false, message: l10n.t('cannot lock {0} for writing ({1}); check the permissions of its folder', file, code ?? l10n.t('unknown error')) };
      }
      if (Date.now() >= until) {
        return {
          ok: false,
          message: l10n.t(
            '{0} is being written by another program ({1} exists, as kubectl leaves it while writing), so it was left unchanged; try again in a moment, or delete {1} if no kubectl is running',
            file,
            lock,
          ),
        };
      }
      sleepSync(LOCK_RETRY_MS);
    }
  }
}

/** The new text goes to a temp file beside the real file, is flushed, then renamed over it: all or nothing. */
function replaceFile(file: string, text: string): FileWriteResult {
  const existing = realTarget(file);
  if (!existing.ok) return existing;
  const { target, stats } = existing;
  const mode = stats ? stats.mode & 0o7777 : NEW_FILE_MODE;
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, text);
    // openSync's mode passes through the umask; the file must keep exactly the original's.
    fs.fchmodSync(fd, mode);
    if (stats) {
      try {
        fs.fchownSync(fd, stats.uid, stats.gid);
      } catch {
        // Only root may give a file to someone else; the file then belongs to us, as after kubectl's write.
      }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    } catch {
      // The write already failed; a leftover temp file is harmless next to an intact original.
    }
    return {
      ok: false,
      message: l10n.t('cannot write {0} ({1}), so it was left as it was; check the free disk space and the permissions of its folder', file, codeOf(err)),
    };
  }
  syncFolder(path.dirname(target));
  return { ok: true };
}

/** Through a symlink (dotfile managers link ~/.kube/config) to the file it names, so the link stays a link. */
function realTarget(file: string): { ok: true; target: string; stats?: fs.Stats } | { ok: false; message: string } {
  try {
    const target = fs.realpathSync(file);
    return { ok: true, target, stats: fs.statSync(target) };
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') return { ok: false, message: cannotRead(file, err) };
  }
  try {
    // A link to a file that does not exist yet: kubectl would create that file.
    if (fs.lstatSync(file).isSymbolicLink()) return { ok: true, target: path.resolve(path.dirname(file), fs.readlinkSync(file)) };
  } catch {
    // Neither file nor link: a new file.
  }
  return { ok: true, target: file };
}

/** Makes the rename itself durable; folders cannot be opened for this on Windows. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on folders; the rename is still atomic.
  }
}

/** The error's code (EACCES...), or "unknown error" in words. */
function codeOf(err: unknown): string {
  return errorCode(err) ?? l10n.t('unknown error');
}

function cannotRead(file: string, err: unknown): string {
  return l10n.t('cannot read {0} ({1}); check its permissions', file, codeOf(err));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
