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

export function pathToString(path: PathNode | undefined): string {
  const segs: (string | number | undefined)[] = [];
  for (let p = path; p !== undefined; p = p.parent) segs.push(p.seg);
  let out = '';
  for (let i = segs.length - 1; i >= 0; i--) {
    const seg = segs[i];
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg === undefined) out += '[?]';
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
