// kubectl (1.32) against the test cluster: get, watch, logs, exec, create token, auth whoami,
// rollout restart and delete. Skipped with a message when kubectl is not on PATH.

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { againIfKubectlDroppedFrames, type KubectlRun } from '../../../support/kubectl';
import { jwtClaims } from './support/fixtures';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const missing = probe.error !== undefined || probe.status !== 0 ? 'kubectl is not on PATH; install kubectl 1.32 to run these tests' : false;

describe('kubectl against the test cluster', { skip: missing }, () => {
  let cluster: TestCluster;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const runKubectl = (args: string[]): Promise<KubectlRun> =>
    new Promise((resolve) => {
      execFile('kubectl', args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  const kubectl = (...args: string[]): Promise<KubectlRun> => (args[0] === 'exec' ? againIfKubectlDroppedFrames(() => runKubectl(args)) : runKubectl(args));

  const apiPod = (): Pod => {
    const pod = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.labels?.app === 'api' && p.metadata.deletionTimestamp === undefined);
    assert.ok(pod);
    return pod as Pod;
  };

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    dir = mkdtempSync(join(tmpdir(), 'kubectl-test-'));
    env = { ...process.env, KUBECONFIG: cluster.writeKubeconfig(dir), HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get pods -A lists every pod, with server-side columns', async () => {
    const r = await kubectl('get', 'pods', '-A');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    for (const p of cluster.store.list(R.pods)) {
      assert.ok(
        lines.some((l) => l.startsWith(`${p.metadata.namespace} `) && l.includes(` ${p.metadata.name} `) && l.includes('Running')),
        `${p.metadata.name} listed`,
      );
    }
  });

  it('get pods -w prints the list, then changes as they happen', async () => {
    const child = spawn('kubectl', ['get', 'pods', '-n', 'payments', '-w', '--no-headers'], { env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    try {
      const old = apiPod().metadata.name;
      await until(() => out.includes(old));
      cluster.api.delete(R.pods, 'payments', old);
      await until(
        () => out.split('\n').some((l) => l.includes('Terminating')) && out.split('\n').filter((l) => l.startsWith('api-') && !l.startsWith(old)).length > 0,
      );
    } finally {
      child.kill();
    }
  });

  it('logs prints the container log', async () => {
    const pod = apiPod();
    cluster.logs.container('payments', pod.metadata.name, 'api').append('GET /healthz 200');
    const r = await kubectl('logs', '-n', 'payments', pod.metadata.name);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.endsWith('GET /healthz 200\n'));
  });

  it("exec cat of the token path prints the pod's current token", async () => {
    const pod = apiPod();
    const r = await kubectl('exec', '-n', 'payments', pod.metadata.name, '--', 'cat', TOKEN_PATH);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, cluster.kubelet.readFile(pod.metadata.uid, TOKEN_PATH));
    const missingFile = await kubectl('exec', '-n', 'payments', pod.metadata.name, '--', 'cat', '/nope');
    assert.equal(missingFile.code, 1);
    assert.match(missingFile.stderr, /cat: \/nope: No such file or directory/);
  });

  it('create token with a pod binding mints a 10-minute token for that pod and audience', async () => {
    const pod = apiPod();
    const r = await kubectl(
      'create',
      'token',
      'api',
      '-n',
      'payments',
      '--duration',
      '10m',
      '--audience',
      'x',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      pod.metadata.name,
      '--bound-object-uid',
      pod.metadata.uid,
    );
    assert.equal(r.code, 0, r.stderr);
    const claims = jwtClaims(r.stdout.trim()) as { aud: string[]; exp: number; iat: number; 'kubernetes.io': { pod: { uid: string } } };
    assert.deepEqual(claims.aud, ['x']);
    assert.equal(claims.exp - claims.iat, 600);
    assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata.uid);
    const wrongUid = await kubectl(
      'create',
      'token',
      'api',
      '-n',
      'payments',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      pod.metadata.name,
      '--bound-object-uid',
      '00000000-0000-0000-0000-000000000000',
    );
    assert.notEqual(wrongUid.code, 0);
    assert.match(wrongUid.stderr, /the UID in the bound object reference \(00000000-0000-0000-0000-000000000000\) does not match/);
  });

  it('auth whoami names the admin', async () => {
    const r = await kubectl('auth', 'whoami');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Username\s+admin/);
    assert.match(r.stdout, /Groups\s+\[system:masters system:authenticated\]/);
  });

  it('rollout restart replaces the api pod through a new ReplicaSet', async () => {
    const before = apiPod();
    const r = await kubectl('rollout', 'restart', 'deployment/api', '-n', 'payments');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/api restarted/);
    const after = apiPod();
    assert.notEqual(after.metadata.uid, before.metadata.uid);
    assert.notEqual(after.metadata.labels?.['pod-template-hash'], before.metadata.labels?.['pod-template-hash']);
  });

  it('delete pod removes it and the StatefulSet brings back one of the same name', async () => {
    const before = cluster.store.peek(R.pods, 'db', 'patroni-0');
    assert.ok(before);
    const r = await kubectl('delete', 'pod', '-n', 'db', 'patroni-0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod "patroni-0" deleted/);
    const after = cluster.store.peek(R.pods, 'db', 'patroni-0');
    assert.ok(after);
    assert.notEqual(after.metadata.uid, before.metadata.uid);
  });
});

function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out waiting for kubectl output'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
