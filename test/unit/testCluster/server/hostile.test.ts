// The `hostile` scenario over real HTTPS and real sockets: what it creates and hands over, that its
// 200 MB log serves a tail by making only the lines sent, that a read of never-answers' log and a
// connection to the silent endpoint are taken and never answered, and that the exec plugin the
// kubeconfig names never exits (the product's own runner gives up on it).

import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { parse } from 'yaml';
import { runExecPlugin } from '../../../../src/cluster/auth/execPlugin';
import { ContainerLogs, type GeneratedLog } from '../../../cluster/podLogs';
import { R } from '../../../cluster/resources';
import { HOSTILE, hostileIncident, type HostileIncident } from '../../../cluster/scenarios/hostile';
import { MASKING_LINE, MEBIBYTE } from '../../../cluster/scenarios/hostileLogs';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod, Secret } from '../../../cluster/types';
import { send } from './support/https';

interface Kubeconfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  users: { name: string; user: { token?: string; exec?: { apiVersion: string; command: string; interactiveMode?: string } } }[];
}

function logPath(namespace: string, pod: string, query: string): string {
  return `/api/v1/namespaces/${namespace}/pods/${pod}/log?${query}`;
}

/** A generated log that counts the lines it made. */
function counting(log: GeneratedLog): { log: GeneratedLog; made: () => number } {
  let made = 0;
  return {
    log: {
      lineCount: log.lineCount,
      line: (i) => {
        made++;
        return log.line(i);
      },
    },
    made: () => made,
  };
}

/** Levels of `{"a":{"a":…}}`, followed down the first key, without recursion. */
function depthOf(value: unknown): number {
  let depth = 0;
  for (let v = value; v !== null && typeof v === 'object'; v = Object.values(v)[0]) depth++;
  return depth;
}

describe('the hostile scenario', () => {
  let cluster: TestCluster;
  let incident: HostileIncident;
  let dir: string;
  let kubeconfigPath: string;
  let pluginPath: string;
  let kubeconfig: Kubeconfig;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['hostile'] });
    const found = hostileIncident(cluster);
    assert.ok(found !== undefined);
    incident = found;
    dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    const written = cluster.writeFiles(dir);
    kubeconfigPath = join(dir, ...HOSTILE.kubeconfigFile.split('/'));
    pluginPath = join(dir, ...HOSTILE.execPluginFile.split('/'));
    assert.deepEqual(written, [kubeconfigPath, pluginPath]);
    kubeconfig = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  });

  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs its three pods and keeps the deep-claims JWT, signed by the cluster, in a legacy token Secret', () => {
    for (const [ns, name] of [
      [HOSTILE.namespace, HOSTILE.maskingPod.name],
      [HOSTILE.namespace, HOSTILE.hugePod.name],
      [HOSTILE.silentNamespace, HOSTILE.silentPod.name],
    ] as const) {
      const pod = cluster.store.peek(R.pods, ns, name) as Pod | undefined;
      assert.equal(pod?.status?.phase, 'Running', `${ns}/${name} runs`);
    }
    const secret = cluster.store.peek(R.secrets, HOSTILE.namespace, HOSTILE.deepSecret.name) as Secret | undefined;
    assert.equal(secret?.type, 'kubernetes.io/service-account-token');
    const token = Buffer.from(secret?.data?.token ?? '', 'base64').toString('utf8');
    assert.equal(token, incident.deepToken, 'the token controller left the given token alone');
    const [header = '', payload = '', signature = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string; nested: unknown };
    assert.equal(claims.sub, `system:serviceaccount:${HOSTILE.namespace}:${HOSTILE.deepSecret.serviceAccount}`);
    assert.equal(depthOf(claims.nested), HOSTILE.claimDepth);
    const key = createPublicKey(cluster.issuer.privateKeyPem());
    assert.ok(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')), 'signed with the cluster key');
  });

  it('hands over a kubeconfig of 10,000 contexts and an executable plugin it names by absolute path', () => {
    assert.equal(kubeconfig.contexts.length, HOSTILE.contexts);
    assert.equal(new Set(kubeconfig.contexts.map((c) => c.name)).size, HOSTILE.contexts, 'context names are unique');
    const { admin, silent, exec, deep } = HOSTILE.contextNames;
    assert.equal(kubeconfig['current-context'], admin);
    const userOf = (context: string): Kubeconfig['users'][number]['user'] | undefined => {
      const name = kubeconfig.contexts.find((c) => c.name === context)?.context.user;
      return kubeconfig.users.find((u) => u.name === name)?.user;
    };
    assert.equal(userOf(admin)?.token, cluster.adminToken);
    assert.equal(userOf(deep)?.token, incident.deepToken);
    assert.equal(userOf(exec)?.exec?.command, pluginPath);
    const silentCluster = kubeconfig.contexts.find((c) => c.name === silent)?.context.cluster;
    assert.equal(kubeconfig.clusters.find((c) => c.name === silentCluster)?.cluster.server, incident.silent.url);
    assert.equal(statSync(pluginPath).mode & 0o777, 0o700);
    accessSync(pluginPath, constants.X_OK);
    // Without a folder the kubeconfig names the plugin beside itself, as kubectl resolves it.
    const relative = cluster.files.find((f) => f.path === HOSTILE.kubeconfigFile)?.text ?? '';
    assert.match(relative, /command: \.\/exec-plugin-never-exits\n/);
  });

  it('serves the masking line, the 1 MiB lines and the secret lines of masking-line', async () => {
    const reply = await send(cluster, { path: logPath(HOSTILE.namespace, HOSTILE.maskingPod.name, 'timestamps=true') });
    assert.equal(reply.status, 200);
    const lines = reply.text.split('\n').map((l) => l.replace(/^\S+ /, ''));
    assert.ok(lines.includes(MASKING_LINE), 'the masking line, whole');
    assert.equal(lines.filter((l) => l.length === MEBIBYTE).length, 3);
    const { secrets } = incident;
    for (const value of [secrets.jwt, secrets.urlPassword, secrets.password, secrets.openshiftToken, secrets.eksToken, secrets.cookie, secrets.pastTheCap]) {
      assert.ok(reply.text.includes(value), 'each secret is in the log');
    }
    assert.ok(reply.text.includes(JSON.stringify(secrets.privateKeyPem).slice(1, -1)), 'the PEM key, escaped on one line');
  });

  it('holds 200 MB of log and serves its tail, a since window and a byte limit by making only what it sends', async () => {
    const { hugeLog } = incident;
    assert.equal(hugeLog.lineCount * HOSTILE.hugeLog.lineBytes, HOSTILE.hugeLog.bytes);
    for (const i of [0, 499, 500_000, hugeLog.lineCount - 1]) assert.equal(hugeLog.line(i).text.length + 1, HOSTILE.hugeLog.lineBytes);

    const tail = await send(cluster, { path: logPath(HOSTILE.namespace, HOSTILE.hugePod.name, 'tailLines=2000&timestamps=true') });
    assert.equal(tail.status, 200);
    const lines = tail.text.split('\n').slice(0, -1);
    assert.equal(lines.length, 2000);
    assert.equal(lines.filter((l) => l.includes('401 Unauthorized')).length, 4, 'a 401 line every 500');
    assert.match(lines.at(-1) ?? '', new RegExp(`req=${hugeLog.lineCount - 1}\\b`));

    // The same reads on the generator itself, counted.
    const counted = counting(hugeLog);
    const logs = new ContainerLogs(cluster.clock);
    logs.generate(counted.log);
    const read = logs.read({ tailLines: 2000, sinceSeconds: 86400, limitBytes: 4 * MEBIBYTE });
    assert.ok(read.ok && read.text.length === 2000 * HOSTILE.hugeLog.lineBytes);
    assert.ok(counted.made() <= 2000 + 2 * 21, `a tail makes its lines and a binary search: ${counted.made()}`);
    const before = counted.made();
    const since = logs.read({ sinceSeconds: 60 });
    assert.ok(since.ok && since.text.split('\n').length - 1 === (60 * 1000) / HOSTILE.hugeLog.everyMs + 1);
    assert.ok(counted.made() - before <= 601 + 2 * 21, `a since window makes its lines: ${counted.made() - before}`);
    const limited = await send(cluster, { path: logPath(HOSTILE.namespace, HOSTILE.hugePod.name, `limitBytes=${8_000_000}`) });
    assert.equal(Buffer.byteLength(limited.text), 8_000_000, 'streamed in chunks up to the limit');
    assert.match(limited.text, /^level=info msg="request handled" [^\n]* req=0 /);
  });

  it("takes a read of never-answers' log and never answers it, until the client gives up", async () => {
    const { held } = incident;
    const url = new URL(cluster.url);
    let answered = false;
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: logPath(HOSTILE.silentNamespace, HOSTILE.silentPod.name, 'tailLines=100'),
        ca: cluster.pki.ca.certPem,
        cert: cluster.pki.admin.certPem,
        key: cluster.pki.admin.keyPem,
      },
      () => {
        answered = true;
      },
    );
    req.on('error', () => undefined);
    req.end();
    await held.until((h) => h.open === 1);
    // Another request on the same server is answered meanwhile: only this read hangs.
    assert.equal((await send(cluster, { path: `/api/v1/namespaces/${HOSTILE.namespace}/pods` })).status, 200);
    assert.equal(answered, false, 'no status line came back');
    req.destroy();
    await held.until((h) => h.open === 0 && h.abandoned === 1);
    assert.equal(answered, false);
  });

  it("the silent context's server accepts a TLS hello and never answers it", async () => {
    const { silent } = incident;
    const received = silent.receivedBytes;
    const socket = tlsConnect({ host: '127.0.0.1', port: silent.port, servername: 'kubernetes', rejectUnauthorized: false });
    let secured = false;
    let failed = false;
    socket.on('secureConnect', () => {
      secured = true;
    });
    socket.on('error', () => {
      failed = true;
    });
    await silent.until((s) => s.receivedBytes > received);
    // Time is the claim here: a quiet quarter of a second after the hello arrived, the handshake still waits.
    socket.setTimeout(250);
    await new Promise<void>((resolve) => socket.once('timeout', resolve));
    assert.equal(secured, false);
    assert.equal(failed, false, 'nor was the connection refused or reset');
    socket.destroy();
    await silent.until((s) => s.open === 0);
  });

  it("names an exec plugin that never answers: the product's runner gives up on it at its deadline", async () => {
    const exec = kubeconfig.users.find((u) => u.name === HOSTILE.contextNames.exec)?.user.exec;
    assert.ok(exec);
    const result = await runExecPlugin(
      { command: exec.command, args: [], env: [], apiVersion: exec.apiVersion, interactiveMode: exec.interactiveMode ?? 'Never', provideClusterInfo: false },
      { baseEnv: process.env, timeoutMs: 400 },
    );
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /did not answer within 0\.4 s/);
  });
});

describe('the hostile scenario, stopped', () => {
  it('closes the silent endpoint with the cluster', async () => {
    const cluster = await startTestCluster({ scenarios: ['hostile'] });
    const incident = hostileIncident(cluster);
    assert.ok(incident);
    const port = incident.silent.port;
    await cluster.stop();
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e));
    });
    assert.equal(error?.code, 'ECONNREFUSED');
  });
});
