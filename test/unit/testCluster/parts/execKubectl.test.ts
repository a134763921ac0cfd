import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { againIfKubectlDroppedFrames, kubectlDroppedFrames, type KubectlRun } from '../../../support/kubectl';
import { fakeCat, startExecTestServer, TOKEN_PATH, type ExecTestServer } from './execTestServer';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJrdWJlY3RsIn0.c2ln';

function kubectlVersion(): string | undefined {
  try {
    return execFileSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

function skipReason(): string | false {
  const out = kubectlVersion();
  if (out === undefined) return 'kubectl is not on PATH: the kubectl exec check needs kubectl >= 1.30 (WebSocket exec)';
  const minor = Number.parseInt((JSON.parse(out) as { clientVersion?: { minor?: string } }).clientVersion?.minor ?? '', 10);
  // Before 1.30 kubectl speaks only SPDY for exec, which the test cluster does not serve.
  return Number.isNaN(minor) || minor >= 30 ? false : `kubectl 1.${minor} exec uses SPDY only; this check needs kubectl >= 1.30`;
}

const skip = skipReason();

// A real kubelet takes tens of milliseconds to start a process in a container; the fake takes as long,
// which keeps kubectl's own frame-dropping race (see test/support/kubectl.ts) rare.
const CONTAINER_START_MS = 50;

describe('kubectl exec against acceptExec', { skip }, () => {
  let server: ExecTestServer;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    const cat = fakeCat({ [TOKEN_PATH]: TOKEN });
    server = await startExecTestServer(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, CONTAINER_START_MS));
      return cat(r);
    });
    dir = mkdtempSync(join(tmpdir(), 'kubectl-exec-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: test',
        '  cluster:',
        `    server: ${server.url}`,
        'users:',
        '- name: admin',
        '  user:',
        '    token: not-checked-here',
        'contexts:',
        '- name: test',
        '  context: {cluster: test, user: admin, namespace: payments}',
        'current-context: test',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous on purpose: the server answering kubectl lives in this very process.
  const runKubectl = (args: string[]): Promise<KubectlRun> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, ...args],
        {
          env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const kubectl = (args: string[]): Promise<KubectlRun> => againIfKubectlDroppedFrames(() => runKubectl(args));

  it('kubectl exec POD -- cat TOKEN prints the token file', async () => {
    const r = await kubectl(['exec', 'api-1', '--', 'cat', TOKEN_PATH]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, TOKEN);
    const seen = server.seen.at(-1);
    assert.deepEqual(seen?.command, ['cat', TOKEN_PATH]);
    assert.equal(seen?.container, 'api');
    assert.match(server.offered.at(-1) ?? '', /v5\.channel\.k8s\.io/);
  });

  it('a failing command returns its exit code and stderr through the NonZeroExitCode Status', async () => {
    const r = await kubectl(['exec', 'api-1', '-c', 'api', '--', 'cat', '/nope']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cat: \/nope: No such file or directory/);
    assert.match(r.stderr, /command terminated with exit code 1/);
  });
});

describe("kubectl's dropped-frame race", () => {
  // What kubectl 1.32 printed in CI when it lost the race on `cat /nope`.
  const lost = [
    'E1130 07:07:25.496309    3771 websocket.go:296] Unknown stream id 1, discarding message',
    'E1130 07:07:25.496341    3771 websocket.go:296] Unknown stream id 2, discarding message',
    'E1130 07:07:25.496353    3771 websocket.go:296] Unknown stream id 3, discarding message',
    'error: closed all streams',
    '',
  ].join('\n');

  it("is recognised from kubectl's log lines when no output came through", () => {
    assert.equal(kubectlDroppedFrames({ code: 1, stdout: '', stderr: lost }), true);
    assert.equal(kubectlDroppedFrames({ code: 0, stdout: 'token', stderr: lost }), false);
    assert.equal(kubectlDroppedFrames({ code: 1, stdout: '', stderr: 'cat: /nope: No such file or directory\ncommand terminated with exit code 1\n' }), false);
  });

  it('runs again after a lost race, three runs at most, and only then', async () => {
    let runs = 0;
    const ok = { code: 0, stdout: 'token', stderr: '' };
    assert.deepEqual(await againIfKubectlDroppedFrames(async () => (++runs === 1 ? { code: 1, stdout: '', stderr: lost } : ok)), ok);
    assert.equal(runs, 2);
    runs = 0;
    assert.deepEqual(await againIfKubectlDroppedFrames(async () => (++runs < 3 ? { code: 1, stdout: '', stderr: lost } : ok)), ok);
    assert.equal(runs, 3);
    runs = 0;
    const wrong = { code: 1, stdout: '', stderr: lost };
    assert.deepEqual(await againIfKubectlDroppedFrames(async () => (++runs, wrong)), wrong);
    assert.equal(runs, 3);
    runs = 0;
    await againIfKubectlDroppedFrames(async () => (++runs, ok));
    assert.equal(runs, 1);
  });
});
