// Paths a user writes in settings, and whether a file lies inside a workspace folder: the checks that
// keep an untrusted workspace from pointing us at a kubeconfig of its own. No vscode here.
import fs from 'node:fs';
import path from 'node:path';

export interface SettingPathOptions {
  home: string;
  /** The first workspace folder; relative paths and `${workspaceFolder}` resolve against it. */
  workspaceFolder?: string;
}

/**
 * A path from a setting made absolute: `~` is the home folder, `${workspaceFolder}` and relative paths
 * are the first workspace folder (the home folder when no folder is open), never the extension host's cwd.
 */
export function expandSettingPath(value: string, opts: SettingPathOptions): string {
  let p = value.trim();
  if (p === '~') return opts.home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(opts.home, p.slice(2));
  const base = opts.workspaceFolder ?? opts.home;
  p = p.replace(/\$\{workspaceFolder\}/g, base);
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(base, p);
}

/** The real path of a file (symlinks followed); for a file that does not exist, its folder's real path joined with its name. */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPathOf(parent), path.basename(abs));
  }
}

/** Whether `file` lies inside one of `folders`, comparing real paths, case-folded where the file system usually is (macOS, Windows). */
export function isInsideAnyFolder(file: string, folders: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
  const fold = platform === 'darwin' || platform === 'win32' ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  const target = fold(realPathOf(file));
  return folders.some((folder) => {
    const rel = path.relative(fold(realPathOf(folder)), target);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  });
}
