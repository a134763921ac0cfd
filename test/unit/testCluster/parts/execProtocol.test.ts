import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { execRequestFromUrl, exitStatus, negotiateSubprotocol, EXEC_SUBPROTOCOLS } from '../../../cluster/execProtocol';
import { exchange } from './fixtures';
import { fakeCat, startExecTestServer, TOKEN_PATH, type ExecTestServer } from './execTestServer';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJ0In0.c2ln';
const BIG = 'x'.repeat(100 * 1024 + 17);
const FILES = { [TOKEN_PATH]: TOKEN, '/big': BIG };

interface Frame {
  channel: number;
  data: Buffer;
}
interface Session {
  protocol: string;
  frames: Frame[];
  closeCode: number;
}

/** Opens an exec WebSocket with the given subprotocols and records every frame until close. */
function rawExec(base: string, query: string, protocols: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/namespaces/payments/pods/api-1/exec?${query}`, protocols);
    const frames: Frame[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) frames.push({ channel: data[0] ?? -1, data: data.subarray(1) });
      else {
        const s = data.toString('utf8');
        frames.push({ channel: s.charCodeAt(0) - 48, data: Buffer.from(s.slice(1), 'base64') });
      }
    });
    ws.on('close', (code) => resolve({ protocol: ws.protocol, frames, closeCode: code }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

function channelText(s: Session, channel: number): string {
  return Buffer.concat(s.frames.filter((f) => f.channel === channel).map((f) => f.data)).toString('utf8');
}

describe('execRequestFromUrl', () => {
  it('reads repeated command parameters and Go booleans', () => {
    const url = new URL(
      'https://x/api/v1/namespaces/payments/pods/api-1/exec?command=cat&command=%2Fvar%2Frun%2Ftoken&container=api&stdout=true&stderr=1&stdin=false',
    );
    assert.deepEqual(execRequestFromUrl(url, 'payments', 'api-1'), {
      namespace: 'payments',
      pod: 'api-1',
      container: 'api',
      command: ['cat', '/var/run/token'],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
  });

  it("treats client-node's empty container= as no container", () => {
    const url = new URL('https://x/exec?stdout=true&stderr=true&stdin=false&tty=false&command=ls&container=');
    assert.equal(execRequestFromUrl(url, 'n', 'p').container, undefined);
  });
});

describe('negotiateSubprotocol', () => {
  it('lets the client order win among the protocols kube-apiserver and kubelet speak', () => {
    assert.equal(negotiateSubprotocol(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io']), 'v5.channel.k8s.io');
    assert.equal(negotiateSubprotocol(['v3.channel.k8s.io', 'v4.base64.channel.k8s.io']), 'v4.base64.channel.k8s.io');
    assert.equal(negotiateSubprotocol(['v3.channel.k8s.io']), undefined);
    assert.equal(negotiateSubprotocol([]), '');
    assert.ok(EXEC_SUBPROTOCOLS.includes('base64.channel.k8s.io'));
  });
});

describe('exitStatus', () => {
  it('matches the Status shape the recorded v5 error frame carries', () => {
    const recorded = exchange('v1.32', 'pod-exec-on-node-kubelet-unreachable-websocket').response as unknown as {
      websocket_frames: { channel?: number; data?: Record<string, unknown> }[];
    };
    const status = recorded.websocket_frames.find((f) => f.channel === 3)?.data;
    assert.ok(status !== undefined);
    assert.deepEqual(
      Object.keys(exitStatus(1)),
      Object.keys(status).filter((k) => k !== 'code'),
    );
    assert.equal(JSON.stringify(exitStatus(0)), '{"metadata":{},"status":"Success"}');
    assert.deepEqual(exitStatus(3).details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  });
});

describe('acceptExec over a real socket', () => {
  let server: ExecTestServer;
  before(async () => {
    server = await startExecTestServer(fakeCat(FILES));
  });
  after(async () => {
    await server.close();
  });

  function kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'admin', token: 'not-checked-here' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'admin' }],
      currentContext: 'test',
    });
    return kc;
  }

  async function clientNodeExec(command: string[]): Promise<{ stdout: string; stderr: string; status: V1Status }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (b: Buffer) => out.push(b));
    stderr.on('data', (b: Buffer) => err.push(b));
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kubeConfig()).exec('payments', 'api-1', 'api', command, stdout, stderr, null, false, resolve).catch(reject);
    });
    return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status };
  }

  it("client-node's Exec reads a token file and gets Success", async () => {
    const r = await clientNodeExec(['cat', TOKEN_PATH]);
    assert.equal(r.stdout, TOKEN);
    assert.equal(r.stderr, '');
    assert.deepEqual(r.status, { metadata: {}, status: 'Success' });
    const last = server.seen.at(-1);
    assert.deepEqual(last, {
      namespace: 'payments',
      pod: 'api-1',
      container: 'api',
      command: ['cat', TOKEN_PATH],
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
  });

  it("client-node's Exec gets stderr and a NonZeroExitCode Status for a missing file", async () => {
    const r = await clientNodeExec(['cat', '/nope']);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'cat: /nope: No such file or directory\n');
    assert.equal(r.status.status, 'Failure');
    assert.equal(r.status.reason, 'NonZeroExitCode');
    assert.deepEqual(r.status.details?.causes, [{ reason: 'ExitCode', message: '1' }]);
  });

  it('client-node reassembles a file larger than one frame', async () => {
    assert.equal((await clientNodeExec(['cat', '/big'])).stdout, BIG);
  });

  it('v5: empty stdout frame first, then output, then the Status on channel 3, then close 1000', async () => {
    const s = await rawExec(server.url, `command=cat&command=${encodeURIComponent(TOKEN_PATH)}&stdout=true&stderr=true`, ['v5.channel.k8s.io']);
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    assert.deepEqual(s.frames[0], { channel: 1, data: Buffer.alloc(0) });
    assert.equal(channelText(s, 1), TOKEN);
    assert.equal(s.frames.at(-1)?.channel, 3);
    assert.deepEqual(JSON.parse(channelText(s, 3)), { metadata: {}, status: 'Success' });
    assert.equal(s.closeCode, 1000);
  });

  it('v4.base64: frames are text, channel digit plus base64', async () => {
    const s = await rawExec(server.url, 'command=cat&command=%2Fnope&stdout=true&stderr=true', ['v4.base64.channel.k8s.io']);
    assert.equal(s.protocol, 'v4.base64.channel.k8s.io');
    assert.equal(channelText(s, 2), 'cat: /nope: No such file or directory\n');
    assert.equal(JSON.parse(channelText(s, 3)).reason, 'NonZeroExitCode');
  });

  it('channel.k8s.io (before v4): the error channel carries only a failure message, nothing on success', async () => {
    const ok = await rawExec(server.url, `command=cat&command=${encodeURIComponent(TOKEN_PATH)}&stdout=true`, ['channel.k8s.io']);
    assert.equal(channelText(ok, 1), TOKEN);
    assert.equal(ok.frames.filter((f) => f.channel === 3).length, 0);
    const bad = await rawExec(server.url, 'command=cat&command=%2Fnope&stdout=true', ['channel.k8s.io']);
    assert.match(channelText(bad, 3), /^command terminated with non-zero exit code: .*exit code 1$/);
  });

  it('only stderr asked: the opening empty frame goes to stderr', async () => {
    const s = await rawExec(server.url, 'command=cat&command=%2Fnope&stderr=true', ['v4.channel.k8s.io']);
    assert.deepEqual(s.frames[0], { channel: 2, data: Buffer.alloc(0) });
    assert.equal(channelText(s, 1), '');
  });

  it('refuses protocols it does not speak, and requests with no stream, with a 400', async () => {
    await assert.rejects(rawExec(server.url, 'command=ls&stdout=true', ['v3.channel.k8s.io']), /HTTP 400/);
    await assert.rejects(rawExec(server.url, 'command=ls', ['v5.channel.k8s.io']), /HTTP 400/);
    await assert.rejects(rawExec(server.url, 'stdout=true', ['v5.channel.k8s.io']), /HTTP 400/);
  });

  it('a runner that throws becomes an InternalError Status, not a dropped socket', async () => {
    const failing = await startExecTestServer(() => {
      throw new Error('container not running');
    });
    try {
      const s = await rawExec(failing.url, 'command=ls&stdout=true', ['v5.channel.k8s.io']);
      const status = JSON.parse(channelText(s, 3)) as { reason: string; message: string; code: number };
      assert.equal(status.reason, 'InternalError');
      assert.equal(status.code, 500);
      assert.equal(status.message, 'Internal error occurred: error executing command in container: container not running');
      assert.equal(s.closeCode, 1000);
    } finally {
      await failing.close();
    }
  });
});
