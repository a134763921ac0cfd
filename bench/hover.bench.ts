// hover.p50 / hover.p99: 1,000 hovers at random credential positions in a 1 MB kubeconfig with 500 users,
// through the same code the hover provider runs (the document is parsed once, as the provider caches it
// per document version). hover.floor_ratio: median hover over median bare jose.decodeJwt of the same tokens.
import { decodeJwt } from 'jose';
import { hoverContentAt } from '../src/ui/markdown/hoverContent';
import { locateCredentials } from '../src/token/locate';
import { makeBigKubeconfig } from '../test/support/bigKubeconfig';
import { median, percentile, timeMs } from './stats';

type Report = (name: string, value: number, unit: string) => void;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function run(report: Report): Promise<void> {
  const { text, tokenOffsets } = makeBigKubeconfig({ users: 500, seed: 7 });
  const located = locateCredentials(text);
  const now = Math.floor(Date.now() / 1000);
  const random = mulberry32(42);
  const offsets = Array.from({ length: 1000 }, () => tokenOffsets[Math.floor(random() * tokenOffsets.length)] ?? 0);

  // Warm up the JIT on both paths before measuring.
  for (const o of offsets.slice(0, 200)) hoverContentAt(located, o, now);
  const hoverTimes: number[] = [];
  const jwtHoverTimes: number[] = [];
  const jwtValues: string[] = [];
  for (const offset of offsets) {
    let shown = false;
    const t = timeMs(() => {
      shown = hoverContentAt(located, offset, now) !== undefined;
    });
    if (!shown) throw new Error(`no hover at offset ${offset}`);
    hoverTimes.push(t);
    const found = located.find((l) => l.start <= offset && offset < l.end);
    if (found && (found.kind === 'jwt' || found.kind === 'base64Jwt') && found.value) {
      jwtHoverTimes.push(t);
      jwtValues.push(found.value);
    }
  }
  for (const v of jwtValues.slice(0, 200)) decodeJwt(v);
  const decodeTimes = jwtValues.map((v) => timeMs(() => void decodeJwt(v)));

  report('hover.p50', median(hoverTimes), 'ms');
  report('hover.p99', percentile(hoverTimes, 99), 'ms');
  report('hover.floor_ratio', median(jwtHoverTimes) / median(decodeTimes), 'x');
  report('hover.document_bytes', Buffer.byteLength(text), 'bytes');
}
