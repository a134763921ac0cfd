// Dotted paths (`users[3].user.token`, `data["ca.crt"]`) built lazily: most nodes never need one.

export interface PathNode {
  readonly parent: PathNode | undefined;
  /** A map key, a sequence index, or undefined for a key that is not a plain scalar. */
  readonly seg: string | number | undefined;
}

export function childPath(parent: PathNode | undefined, seg: string | number | undefined): PathNode {
  return { parent, seg };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// Joined, not concatenated: a path kept with its credential is then one flat string, not a chain of
// concatenations (each a heap object for the garbage collector to visit, twenty thousand times over).
export function pathToString(path: PathNode | undefined): string {
  const segs: (string | number | undefined)[] = [];
  for (let p = path; p !== undefined; p = p.parent) segs.push(p.seg);
  const parts: (string | number)[] = [];
  for (let i = segs.length - 1; i >= 0; i--) {
    const seg = segs[i];
    if (typeof seg === 'number') parts.push('[', seg, ']');
    else if (seg === undefined) parts.push('[?]');
    else if (IDENTIFIER.test(seg)) {
      if (parts.length > 0) parts.push('.');
      parts.push(seg);
    } else parts.push('[', JSON.stringify(seg), ']');
  }
  return parts.join('');
}
