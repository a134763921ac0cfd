// The few files of a node the test cluster knows: a folder on a node is a function that lists what it
// holds now, so a pod that mounts it through a hostPath volume (as `kubectl debug node/…` pods do)
// reads the live content over exec. Kept per cluster store, like the control plane's signals.

import type { Store } from './store';

/** Names in a folder now, each with how to read it. */
export type FolderContent = () => ReadonlyMap<string, () => string | undefined>;

export class NodeFiles {
  private readonly folders = new Map<string, Map<string, FolderContent>>();

  /** Makes `dir` on `node` show what `content` lists. */
  mount(node: string, dir: string, content: FolderContent): void {
    let byDir = this.folders.get(node);
    if (byDir === undefined) {
      byDir = new Map();
      this.folders.set(node, byDir);
    }
    byDir.set(trimmed(dir), content);
  }

  read(node: string, path: string): string | undefined {
    const p = trimmed(path);
    const cut = p.lastIndexOf('/');
    return this.folders
      .get(node)
      ?.get(p.slice(0, cut))?.()
      .get(p.slice(cut + 1))?.();
  }

  /** Names in `dir` (files, and folders holding known folders), or undefined when the node has no such folder. */
  list(node: string, dir: string): string[] | undefined {
    const d = trimmed(dir);
    const byDir = this.folders.get(node);
    if (byDir === undefined) return undefined;
    const names = new Set<string>(byDir.get(d)?.().keys() ?? []);
    for (const known of byDir.keys()) if (known.startsWith(`${d}/`)) names.add(known.slice(d.length + 1).split('/')[0] ?? '');
    if (names.size === 0 && !byDir.has(d)) return undefined;
    return [...names].filter((n) => n !== '').sort();
  }
}

function trimmed(path: string): string {
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

const byStore = new WeakMap<Store, NodeFiles>();

export function nodeFilesOf(store: Store): NodeFiles {
  let files = byStore.get(store);
  if (files === undefined) {
    files = new NodeFiles();
    byStore.set(store, files);
  }
  return files;
}
