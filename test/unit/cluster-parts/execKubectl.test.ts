import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

interface Run { code: number; stdout: string; stderr: string }

describe('kubectl exec against acceptExec', { skip }, () => {
  let server: ExecTestServer;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    server = await startExecTestServer(fakeCat({ [TOKEN_PATH]: TOKEN }));
    dir = mkdtempSync(join(tmpdir(), 'kubectl-exec-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, [
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
    ].join('\n'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous on purpose: the server answering kubectl lives in this very process.
  const kubectl = (args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
      timeout: 60_000,
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });

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
