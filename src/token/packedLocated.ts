// Located credentials as the worker thread sends them back: numbers in one typed array (its buffer is
// transferred, not copied) and every string in one. Twenty thousand credentials as objects took the
// extension host's thread 20-40 ms to decode (structured clone makes each object and each string
// anew); packed they take a few. The strings cut from the one string share it: the result of one
// whole-document parse is let go as a whole by the next version.
import type { LocatedCredential, LocatedKind } from './types';

export interface PackedLocated {
  /** Per credential FIELDS numbers: start, end, documentIndex, kind, inServiceAccountTokenSecret, and the lengths of path, key and value. */
  numbers: Int32Array<ArrayBuffer>;
  /** Per credential its path, key and value, one after the other. */
  strings: string;
}

const KINDS: readonly LocatedKind[] = ['jwt', 'base64Jwt', 'certificate', 'privateKey', 'eksToken'];
const FIELDS = 8;
/** A field that is absent (an optional member, or a string that is not there). */
const ABSENT = -1;

export function packLocated(located: readonly LocatedCredential[]): PackedLocated {
  const numbers = new Int32Array(located.length * FIELDS);
  const parts: string[] = [];
  for (let i = 0; i < located.length; i++) {
    const c = located[i];
    if (c === undefined) continue;
    const o = i * FIELDS;
    numbers[o] = c.start;
    numbers[o + 1] = c.end;
    numbers[o + 2] = c.documentIndex ?? ABSENT;
    numbers[o + 3] = KINDS.indexOf(c.kind);
    numbers[o + 4] = c.inServiceAccountTokenSecret === undefined ? ABSENT : Number(c.inServiceAccountTokenSecret);
    numbers[o + 5] = c.path.length;
    numbers[o + 6] = c.key?.length ?? ABSENT;
    numbers[o + 7] = c.value?.length ?? ABSENT;
    parts.push(c.path, c.key ?? '', c.value ?? '');
  }
  return { numbers, strings: parts.join('') };
}

/** The credentials `packLocated` was given, each with the same members. */
export function unpackLocated({ numbers, strings }: PackedLocated): LocatedCredential[] {
  const out: LocatedCredential[] = [];
  let at = 0;
  const next = (length: number): string | undefined => {
    if (length === ABSENT) return undefined;
    const s = strings.slice(at, at + length);
    at += length;
    return s;
  };
  for (let o = 0; o + FIELDS <= numbers.length; o += FIELDS) {
    const kind = KINDS[numbers[o + 3] ?? ABSENT];
    if (kind === undefined) throw new Error(`packed credential ${o / FIELDS} has no kind`);
    const found: LocatedCredential = { kind, start: numbers[o] ?? 0, end: numbers[o + 1] ?? 0, path: next(numbers[o + 5] ?? 0) ?? '' };
    const documentIndex = numbers[o + 2] ?? ABSENT;
    if (documentIndex !== ABSENT) found.documentIndex = documentIndex;
    const key = next(numbers[o + 6] ?? ABSENT);
    if (key !== undefined) found.key = key;
    const value = next(numbers[o + 7] ?? ABSENT);
    if (value !== undefined) found.value = value;
    const inSecret = numbers[o + 4] ?? ABSENT;
    if (inSecret !== ABSENT) found.inServiceAccountTokenSecret = inSecret === 1;
    out.push(found);
  }
  return out;
}
