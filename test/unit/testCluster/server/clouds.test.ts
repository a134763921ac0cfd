// The `clouds` and `login-required` scenarios: the machine's real kubectl signs in to the test cluster
// through each fake cloud plugin (aws eks get-token, gke-gcloud-auth-plugin, Azure kubelogin, kubectl
// oidc-login) and through kubeadm's admin certificate; each plugin prints exactly the shape the real one
// prints; the cluster refuses what the cloud would (an EKS URL past its 15 minutes, a tampered Entra
// token, a forged Google token); the device-code plugin waits for the sign-in. Skipped with a message
// when kubectl is not on PATH.

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { decodeEksToken } from '../../../../src/token/eksToken';
import { AKS, CLOUD_USERNAMES, EKS, GKE, OIDC } from '../../../cluster/cloud/identities';
import { cloudsKubeconfig, CLOUDS, type CloudsKubeconfig, type CloudContextName, type PluginContextName } from '../../../cluster/scenarios/clouds';
import { LOGIN_REQUIRED, loginRequiredKubeconfig, type LoginRequired } from '../../../cluster/scenarios/loginRequired';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { send } from './support/https';

const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const missing = probe.error !== undefined || probe.status !== 0 ? 'kubectl is not on PATH; install kubectl 1.32 to run these tests' : false;

const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const V1 = 'client.authentication.k8s.io/v1';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface ExecConfig {
  apiVersion: string;
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  interactiveMode?: string;
}

interface ExecCredential {
  kind: string;
  apiVersion: string;
  spec: Record<string, unknown>;
  status: { token: string; expirationTimestamp: string };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The exec section of a context's user, as kubectl reads it from the kubeconfig. */
function execOf(kubeconfigPath: string, context: string): ExecConfig {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    contexts: { name: string; context: { user: string } }[];
    users: { name: string; user: { exec?: ExecConfig } }[];
  };
  const user = config.contexts.find((c) => c.name === context)?.context.user;
  const exec = config.users.find((u) => u.name === user)?.user.exec;
  assert.ok(exec !== undefined, `${context} runs an exec plugin`);
  return exec;
}

function execEnv(exec: ExecConfig, apiVersion: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const { name, value } of exec.env ?? []) env[name] = value;
  delete env.KUBERNETES_EXEC_INFO;
  if (apiVersion !== undefined) env.KUBERNETES_EXEC_INFO = JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive: false } });
  return env;
}

function claimsOf(jwt: string): Record<string, unknown> {
  const [h = '', p = ''] = jwt.split('.');
  assert.equal((JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string }).alg, 'RS256');
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A JWT with one claim changed and the original signature kept. */
function tamper(jwt: string, claim: string, value: unknown): string {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims[claim] = value;
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

/** Resolves once `check` holds after some output of `child`, or rejects when it exits first. */
function whenOutput(child: ChildProcess, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const onData = (): void => {
      if (!check()) return;
      cleanup();
      resolve();
    };
    const onExit = (): void => {
      cleanup();
      reject(new Error('the process exited before the output came'));
    };
    const cleanup = (): void => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A child whose output is collected as it comes. */
function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  return { out: () => out, err: () => err };
}

describe('the clouds and login-required scenarios', { skip: missing }, () => {
  let cluster: TestCluster;
  let dir: string;
  let clouds: CloudsKubeconfig;
  let login: LoginRequired;
  let kubectlEnv: NodeJS.ProcessEnv;

  const kubectl = (kubeconfig: string, context: string, ...args: string[]): Promise<Run> =>
    run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], kubectlEnv);
  const plugin = async (context: PluginContextName, apiVersion: string | undefined = V1BETA1): Promise<ExecCredential> => {
    const exec = execOf(clouds.path, context);
    const r = await run(exec.command, exec.args ?? [], execEnv(exec, apiVersion));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ExecCredential;
  };
  const whoami = async (token: string): Promise<{ status: number; username?: string; reason?: string }> => {
    const r = await send(cluster, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      auth: { token },
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    const body = r.json as { status?: { userInfo?: { username?: string } }; reason?: string };
    return {
      status: r.status,
      ...(body.status?.userInfo?.username !== undefined ? { username: body.status.userInfo.username } : {}),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    };
  };

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['clouds', 'login-required'] });
    dir = mkdtempSync(join(tmpdir(), 'clouds-test-'));
    clouds = cloudsKubeconfig(cluster, dir);
    login = loginRequiredKubeconfig(cluster, dir);
    kubectlEnv = { ...process.env, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
    delete kubectlEnv.KUBECONFIG;
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the kubeconfigs over as the scenarios files, kubeadm-admin the current context', () => {
    const handed = cluster.files.map((f) => f.path);
    for (const path of [CLOUDS.kubeconfigFile, CLOUDS.entraKeyFile, CLOUDS.oidcKeyFile, CLOUDS.clockFile, LOGIN_REQUIRED.kubeconfigFile])
      assert.ok(handed.includes(path), path);
    const config = parse(clouds.text) as { 'current-context': string; contexts: { name: string }[] };
    assert.equal(config['current-context'], 'kubeadm-admin');
    assert.deepEqual(config.contexts.map((c) => c.name).sort(), ['aks-payments', 'eks-prod-eu', 'gke-analytics', 'kubeadm-admin', 'oidc-platform']);
    for (const context of Object.keys(CLOUDS.runLogs) as PluginContextName[]) {
      const exec = execOf(clouds.path, context);
      assert.ok(exec.command.startsWith('/') && existsSync(exec.command), `${context} names its plugin by absolute path`);
    }
  });

  for (const context of ['eks-prod-eu', 'gke-analytics', 'aks-payments', 'oidc-platform', 'kubeadm-admin'] as CloudContextName[]) {
    it(`kubectl signs in as ${context} and lists namespaces`, async () => {
      const who = await kubectl(clouds.path, context, 'auth', 'whoami', '-o', 'json');
      assert.equal(who.code, 0, who.stderr);
      const review = JSON.parse(who.stdout) as { status: { userInfo: { username: string; groups: string[] } } };
      assert.equal(review.status.userInfo.username, CLOUDS.usernames[context]);
      const ns = await kubectl(clouds.path, context, 'get', 'namespaces', '-o', 'name');
      assert.equal(ns.code, 0, ns.stderr);
      assert.match(ns.stdout, /^namespace\/kube-system$/m);
    });
  }

  it('kubeadm-admin holds a kubeadm admin certificate that expires in 20 days', () => {
    const config = parse(clouds.text) as { users: { name: string; user: Record<string, string> }[] };
    const pem = Buffer.from(config.users.find((u) => u.name === 'kubernetes-admin')?.user['client-certificate-data'] ?? '', 'base64').toString('utf8');
    const cert = new X509Certificate(pem);
    assert.match(cert.subject, /CN=kubernetes-admin/);
    assert.match(cert.subject, /O=system:masters/);
    assert.ok(cert.checkIssued(new X509Certificate(cluster.pki.ca.certPem)));
    assert.equal(Date.parse(cert.validTo), clouds.kubeadmCertNotAfterMs);
    assert.equal(Math.round((clouds.kubeadmCertNotAfterMs - cluster.clock.nowMs()) / 86_400_000), 20);
  });

  it('aws eks get-token prints the CLI shape: a presigned STS URL, expiring at X-Amz-Date + 14 minutes', async () => {
    const cred = await plugin('eks-prod-eu');
    assert.deepEqual(Object.keys(cred), ['kind', 'apiVersion', 'spec', 'status']);
    assert.equal(cred.kind, 'ExecCredential');
    assert.equal(cred.apiVersion, V1BETA1);
    assert.deepEqual(cred.spec, {});
    assert.match(cred.status.token, /^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = Buffer.from(cred.status.token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
    assert.match(
      url,
      /^https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA[A-Z2-7]{16}%2F\d{8}%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=[0-9a-f]{64}$/,
    );
    const decoded = decodeEksToken(cred.status.token);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
    assert.equal(decoded.token.region, EKS.region);
    assert.equal(decoded.token.accessKeyHint, 'AKIA…');
    assert.equal(cred.status.expirationTimestamp, rfc3339(decoded.token.issuedAt + 14 * 60));
    // Without KUBERNETES_EXEC_INFO the CLI answers v1beta1; with v1 asked, v1.
    assert.equal((await plugin('eks-prod-eu', undefined)).apiVersion, V1BETA1);
    assert.equal((await plugin('eks-prod-eu', V1)).apiVersion, V1);
  });

  it('an EKS token is refused 15 minutes after X-Amz-Date by the cluster clock, and one for another cluster never', async () => {
    const token = (await plugin('eks-prod-eu')).status.token;
    const now = await whoami(token);
    assert.equal(now.status, 201);
    assert.equal(now.username, CLOUD_USERNAMES.eks);

    const exec = execOf(clouds.path, 'eks-prod-eu');
    const args = [...(exec.args ?? [])];
    args[args.indexOf('--cluster-name') + 1] = 'staging-us';
    const other = await run(exec.command, args, execEnv(exec, V1BETA1));
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(await whoami((JSON.parse(other.stdout) as ExecCredential).status.token), { status: 401, reason: 'Unauthorized' });

    cluster.advance(15 * 60);
    assert.equal((await whoami(token)).status, 201, 'good for 15 minutes after X-Amz-Date');
    cluster.advance(1);
    assert.deepEqual(await whoami(token), { status: 401, reason: 'Unauthorized' });
    // The plugin mints by the cluster's clock: a new token is good again.
    const fresh = await whoami((await plugin('eks-prod-eu')).status.token);
    assert.equal(fresh.status, 201);
  });

  it('gke-gcloud-auth-plugin prints a v1beta1 ya29 token for an hour, cached beside the kubeconfig, and logs each run', async () => {
    rmSync(clouds.gkeCache, { force: true });
    const startedAt = cluster.clock.nowSeconds();
    const before = clouds.runs('gke-analytics');
    const first = await plugin('gke-analytics');
    assert.equal(clouds.runs('gke-analytics'), before + 1);
    assert.deepEqual(first.spec, { interactive: false });
    assert.equal(first.kind, 'ExecCredential');
    assert.equal(first.apiVersion, V1BETA1);
    assert.match(first.status.token, /^ya29\.[A-Za-z0-9_-]{40,}$/);
    const expiresIn = Date.parse(first.status.expirationTimestamp) / 1000 - startedAt;
    assert.equal(expiresIn, 3599, "an hour by the cluster's clock, as Google's tokens last");
    assert.equal(dirname(clouds.gkeCache), dirname(clouds.path));
    const cache = JSON.parse(readFileSync(clouds.gkeCache, 'utf8')) as { access_token: string; token_expiry: string };
    assert.equal(cache.access_token, first.status.token);
    assert.equal(cache.token_expiry, first.status.expirationTimestamp);

    const second = await plugin('gke-analytics');
    assert.equal(second.status.token, first.status.token, 'the cached token is printed again');
    assert.equal(clouds.runs('gke-analytics'), before + 2);
    const viaKubectl = await kubectl(clouds.path, 'gke-analytics', 'auth', 'whoami', '-o', 'json');
    assert.equal(viaKubectl.code, 0, viaKubectl.stderr);
    assert.equal(clouds.runs('gke-analytics'), before + 3);

    assert.equal((await whoami(first.status.token)).username, GKE.account);
    const forged = `${first.status.token.slice(0, -2)}${first.status.token.endsWith('AA') ? 'AB' : 'AA'}`;
    assert.equal((await whoami(forged)).status, 401);
  });

  it('kubelogin prints an Entra token for the AKS server app, expiring at its exp, in the version asked', async () => {
    const cred = await plugin('aks-payments', V1);
    assert.equal(cred.kind, 'ExecCredential');
    assert.equal(cred.apiVersion, V1);
    assert.deepEqual(cred.spec, { interactive: false });
    const claims = claimsOf(cred.status.token);
    assert.equal(claims.aud, AKS.serverId);
    assert.equal(claims.iss, `https://sts.windows.net/${AKS.tenantId}/`);
    assert.equal(claims.tid, AKS.tenantId);
    assert.equal(claims.oid, AKS.oid);
    assert.equal(claims.upn, AKS.upn);
    assert.ok(typeof claims.iat === 'number' && typeof claims.nbf === 'number' && typeof claims.exp === 'number');
    const lifetime = claims.exp - claims.iat;
    assert.ok(lifetime >= 3600 && lifetime <= 3900, `lives ${lifetime}s`);
    assert.equal(cred.status.expirationTimestamp, rfc3339(claims.exp));
    assert.equal((await plugin('aks-payments', V1BETA1)).apiVersion, V1BETA1);
  });

  it('the cluster takes the Entra token as its upn and refuses it tampered', async () => {
    const token = (await plugin('aks-payments')).status.token;
    assert.equal((await whoami(token)).username, AKS.upn);
    assert.deepEqual(await whoami(tamper(token, 'upn', 'mallory@paymentsco.onmicrosoft.com')), { status: 401, reason: 'Unauthorized' });
    assert.equal((await whoami(tamper(token, 'aud', 'https://management.core.windows.net/'))).status, 401);
  });

  it('kubectl oidc-login prints an ID token for the client, expiring at its exp', async () => {
    const cred = await plugin('oidc-platform');
    assert.equal(cred.kind, 'ExecCredential');
    assert.equal(cred.apiVersion, V1BETA1);
    const claims = claimsOf(cred.status.token);
    assert.equal(claims.iss, OIDC.issuer);
    assert.equal(claims.aud, OIDC.clientId);
    assert.equal(claims.sub, OIDC.sub);
    assert.equal(claims.email, OIDC.email);
    assert.deepEqual(claims.groups, OIDC.groups);
    assert.ok(typeof claims.exp === 'number' && typeof claims.iat === 'number');
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(cred.status.expirationTimestamp, rfc3339(claims.exp));
    assert.equal((await whoami(tamper(cred.status.token, 'email', 'mallory@platform.example.com'))).status, 401);
  });

  it('login-required: kubectl waits at the device code until the sign-in completes, then is the user', async () => {
    const exec = execOf(login.path, LOGIN_REQUIRED.context);
    assert.equal(exec.apiVersion, V1);
    assert.equal(exec.interactiveMode, 'IfAvailable');
    login.resetLogin();
    const starts = login.starts();
    const child = spawn('kubectl', ['--kubeconfig', login.path, '--context', login.context, 'auth', 'whoami', '-o', 'json'], { env: kubectlEnv });
    const output = collect(child);
    try {
      await whenOutput(child, () => output.err().includes(LOGIN_REQUIRED.deviceCodeMessage));
      assert.equal(output.out(), '');
      assert.equal(child.exitCode, null, 'kubectl is still waiting');
      assert.equal(login.starts(), starts + 1);
      login.completeLogin();
      const end = await exited(child);
      assert.equal(end.code, 0, output.err());
      assert.equal((JSON.parse(output.out()) as { status: { userInfo: { username: string } } }).status.userInfo.username, login.username);
    } finally {
      child.kill();
    }
  });

  it('login-required: the plugin prints the code on stderr, nothing on stdout until the file appears, and dies when killed', async () => {
    const exec = execOf(login.path, LOGIN_REQUIRED.context);
    login.resetLogin();
    const starts = login.starts();
    const waiting = spawn(exec.command, exec.args ?? [], { env: execEnv(exec, V1) });
    const output = collect(waiting);
    await whenOutput(waiting, () => output.err().includes(LOGIN_REQUIRED.deviceCodeMessage));
    assert.equal(output.err(), `${LOGIN_REQUIRED.deviceCodeMessage}\n`);
    assert.equal(output.out(), '');
    assert.equal(login.starts(), starts + 1);
    waiting.kill('SIGTERM');
    const killed = await exited(waiting);
    assert.equal(killed.signal, 'SIGTERM');
    assert.equal(output.out(), '');

    const signingIn = spawn(exec.command, exec.args ?? [], { env: execEnv(exec, V1) });
    const second = collect(signingIn);
    await whenOutput(signingIn, () => second.err().includes(LOGIN_REQUIRED.deviceCodeMessage));
    assert.equal(login.starts(), starts + 2);
    login.completeLogin();
    const end = await exited(signingIn);
    assert.equal(end.code, 0, second.err());
    const cred = JSON.parse(second.out()) as ExecCredential;
    assert.equal(cred.apiVersion, V1);
    assert.equal(cred.status.expirationTimestamp, rfc3339(claimsOf(cred.status.token).exp as number));
    assert.equal((await whoami(cred.status.token)).username, AKS.upn);

    // Signed in, a new start answers at once, without asking again.
    const cached = await run(exec.command, exec.args ?? [], execEnv(exec, V1));
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(cached.stderr, '');
    assert.equal(login.starts(), starts + 3);
  });
});
