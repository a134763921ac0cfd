// kubeconfig.load_10k_contexts_ms: loadKubeconfig on one file with 10,000 contexts, clusters and users
// (bearer tokens), as a platform team's generated kubeconfig has; median of 7 runs after one warm-up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../src/cluster/auth/kubeconfig';
import { median, timeMs } from './stats';

type Report = (name: string, value: number, unit: string) => void;

export function manyContexts(n: number): string {
  const clusters: string[] = [];
  const users: string[] = [];
  const contexts: string[] = [];
  for (let i = 0; i < n; i++) {
    clusters.push(`- name: cluster-${i}\n  cluster:\n    server: https://10.${(i >> 8) & 255}.${i & 255}.1:6443\n    insecure-skip-tls-verify: true`);
    users.push(`- name: user-${i}\n  user:\n    token: opaque-token-${i}`);
    contexts.push(`- name: context-${i}\n  context:\n    cluster: cluster-${i}\n    user: user-${i}\n    namespace: team-${i % 50}`);
  }
  return `apiVersion: v1\nkind: Config\ncurrent-context: context-${n - 1}\nclusters:\n${clusters.join('\n')}\nusers:\n${users.join('\n')}\ncontexts:\n${contexts.join('\n')}\n`;
}

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-kubeconfig-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(file, manyContexts(10_000));
    const load = () => loadKubeconfig({ settingPath: file, env: {}, home: dir });
    const first = load();
    if (!first.ok || first.contexts.length !== 10_000)
      throw new Error(`the generated kubeconfig did not load: ${first.ok ? first.contexts.length : first.message}`);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) times.push(timeMs(() => void load()));
    report('kubeconfig.load_10k_contexts_ms', median(times), 'ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.resolve();
}
