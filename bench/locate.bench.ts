// locate.1mb_ms: locateCredentials on a ~1 MB kubeconfig with 500 users (JWT tokens, client
// certificates and keys, OIDC id-tokens, exec users), median of 15 runs after 3 warm-up runs.
// locate.1mb_cold_ms: the first run in this process, as the first hover on a freshly opened file sees it.
// locate.no_credentials_ms: a 1 MB manifest with no credential marker (the common case for YAML files).
import { locateCredentials } from '../src/token/locate';
import { makeBigKubeconfig } from '../test/support/bigKubeconfig';
import { median, timeMs } from './stats';

type Report = (name: string, value: number, unit: string) => void;

function plainManifest(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc =
      `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  labels: {app: app-${i}, tier: web}\n` +
      `spec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/app:${i}\n` +
      `        args: ["--port=8080", "--log-level=info"]\n        env:\n        - name: MODE\n          value: production\n`;
    parts.push(doc);
    size += doc.length;
  }
  return parts.join('');
}

export async function run(report: Report): Promise<void> {
  const { text } = makeBigKubeconfig({ users: 500, seed: 7 });
  let found = 0;
  const cold = timeMs(() => {
    found = locateCredentials(text).length;
  });
  if (found === 0) throw new Error('the synthetic kubeconfig yielded no credential');
  for (let i = 0; i < 3; i++) locateCredentials(text);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) times.push(timeMs(() => void locateCredentials(text)));

  const plain = plainManifest(1_000_000);
  const plainTimes: number[] = [];
  for (let i = 0; i < 15; i++) plainTimes.push(timeMs(() => void locateCredentials(plain)));

  report('locate.1mb_ms', median(times), 'ms');
  report('locate.1mb_cold_ms', cold, 'ms');
  report('locate.1mb_credentials', found, 'count');
  report('locate.1mb_bytes', Buffer.byteLength(text), 'bytes');
  report('locate.no_credentials_ms', median(plainTimes), 'ms');
}
