// The proxy kubectl would use: the kubeconfig's proxy-url, else HTTPS_PROXY/NO_PROXY as Go reads them (never for
// localhost or loopback addresses), else VS Code's http.proxy. Checked by rule, and over a real CONNECT proxy.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { type ApiClients, type ApiClientsOptions, createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { chooseProxy, useProxy } from '../../../../src/cluster/auth/proxy';
import { type TempDir, tempDir } from './support/fixtures';
import { type RecordingServer, startRecordingServer } from './support/recordingServer';

// The NO_PROXY of Go's own httpproxy tests, and what they expect for a request to http://<host> (port 80).
const GO_NO_PROXY =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';
const GO_CASES: [string, boolean][] = [
  ['localhost', false],
  ['127.0.0.1', false],
  ['127.0.0.2', false],
  ['[::1]', false],
  ['[::2]', true],
  ['192.168.1.1', false],
  ['192.168.1.2', true],
  ['192.168.1.3', false],
  ['192.168.1.4', true],
  ['10.0.0.2', false],
  ['[2001:db8::52:0:1]', false],
  ['[2001:db8::52:0:2]', true],
  ['[2001:db8::52:0:3]', false],
  ['[2002:db8:a::123]', false],
  ['[fe80::424b:c8be:1643:a1b6]', true],
  ['barbaz.net', true],
  ['www.barbaz.net', false],
  ['foobar.com', false],
  ['www.foobar.com', false],
  ['foofoobar.com', true],
  ['baz.com', true],
  ['localhost.net', true],
  ['local.localhost', true],
  ['barbarbaz.net', true],
  ['wildcard.io', true],
  ['nested.wildcard.io', false],
  ['awildcard.io', true],
];

describe('NO_PROXY as Go reads it', () => {
  it("agrees with Go's httpproxy test table", () => {
    const got = GO_CASES.map(([host]) => [host, useProxy(new URL(`http://${host}`), GO_NO_PROXY)]);
    assert.deepEqual(got, GO_CASES);
  });

  it('takes ports, a lone *, and never lets a domain entry match an IP', () => {
    assert.equal(useProxy(new URL('https://api.corp:6443'), 'api.corp:443'), true);
    assert.equal(useProxy(new URL('https://api.corp:6443'), 'api.corp:6443'), false);
    assert.equal(useProxy(new URL('https://api.corp'), 'api.corp:443'), false);
    assert.equal(useProxy(new URL('https://anything.example'), ' , * '), false);
    // Older Go let the domain entry "2.3" match 10.1.2.3 as a suffix; current Go does not.
    assert.equal(useProxy(new URL('https://10.1.2.3'), '2.3'), true);
    assert.equal(useProxy(new URL('https://10.1.2.3'), '10.1.2.0/24'), false);
  });
});

describe('choosing the proxy', () => {
  const env = { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'plain:8080' };

  it('prefers the kubeconfig proxy-url, for every host and whatever NO_PROXY says', () => {
    assert.deepEqual(chooseProxy('https://127.0.0.1:6443', { kubeconfigProxyUrl: 'socks5://jump:1080', env: { ...env, NO_PROXY: '*' } }), {
      url: 'socks5://jump:1080',
      source: 'kubeconfig',
      display: 'socks5://jump:1080',
    });
  });

  it('reads the upper-case variable first, the scheme-specific one, and takes host:port as http', () => {
    assert.equal(chooseProxy('https://api.corp:6443', { env })?.url, 'http://upper:3128');
    assert.equal(chooseProxy('https://api.corp:6443', { env: { https_proxy: 'http://lower:3128' } })?.url, 'http://lower:3128');
    assert.equal(chooseProxy('http://api.corp:8080', { env })?.url, 'http://plain:8080');
    assert.equal(chooseProxy('https://api.corp:6443', { env: { HTTP_PROXY: 'http://only-http:3128' } }), undefined);
  });

  it('falls back to the VS Code setting only when the environment names no proxy', () => {
    assert.equal(chooseProxy('https://api.corp', { env: {}, settingProxy: 'http://vscode:3128' })?.source, 'setting');
    assert.equal(chooseProxy('https://api.corp', { env, settingProxy: 'http://vscode:3128' })?.source, 'environment');
    // NO_PROXY excluding the host means a direct connection, not the setting.
    assert.equal(chooseProxy('https://api.corp', { env: { ...env, NO_PROXY: '.corp' }, settingProxy: 'http://vscode:3128' }), undefined);
    assert.equal(chooseProxy('https://api.corp', { env: {}, settingProxy: 'http://vscode:3128', settingNoProxy: ['api.corp'] }), undefined);
    assert.equal(chooseProxy('https://localhost:6443', { env: {}, settingProxy: 'http://vscode:3128' }), undefined);
  });

  it('keeps user name and password out of what is shown', () => {
    const c = chooseProxy('https://api.corp', { env: { HTTPS_PROXY: 'http://me:s3cret@proxy.corp:3128' } });
    assert.equal(c?.url, 'http://me:s3cret@proxy.corp:3128');
    assert.equal(c?.display, 'http://proxy.corp:3128');
  });
});

interface CountingProxy {
  url: string;
  /** The host:port of each CONNECT. */
  connects: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy on 127.0.0.1 that sends every tunnel to 127.0.0.1, so `kube.test` reaches our server. */
async function startCountingProxy(): Promise<CountingProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe('requests through a proxy', () => {
  const TOKEN = 'proxy-test-token';
  let api: RecordingServer;
  let proxyA: CountingProxy;
  let proxyB: CountingProxy;
  let tmp: TempDir;
  const open: ApiClients[] = [];

  before(async () => {
    api = await startRecordingServer({ acceptTokens: [TOKEN] });
    proxyA = await startCountingProxy();
    proxyB = await startCountingProxy();
  });
  after(async () => {
    await Promise.all([api.close(), proxyA.close(), proxyB.close()]);
  });
  beforeEach(() => {
    tmp = tempDir('cc-proxy-');
    api.requests.length = 0;
    proxyA.connects.length = 0;
    proxyB.connects.length = 0;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.dispose()));
    tmp.remove();
  });

  /** `kube.test` does not resolve: only a proxy can reach it. The certificate is checked for localhost. */
  function clients(host: string, options: ApiClientsOptions, proxyUrl?: string): ApiClients {
    const cluster: Record<string, unknown> = {
      server: `https://${host}:${api.port}`,
      'certificate-authority-data': Buffer.from(api.ca.caPem).toString('base64'),
      'tls-server-name': 'localhost',
    };
    if (proxyUrl) cluster['proxy-url'] = proxyUrl;
    const file = tmp.file(
      'config',
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster }],
        users: [{ name: 'u', user: { token: TOKEN } }],
        contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'test',
      }),
    );
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok, !load.ok ? load.message : '');
    const c = createApiClients(new CredentialProvider(load.kc, 'test', { trustExecPlugins: false }), { requestTimeoutSeconds: 5, ...options });
    open.push(c);
    return c;
  }

  const target = (): string => `kube.test:${api.port}`;

  it('goes through HTTPS_PROXY from the environment, for API calls and for Watch/Log/Exec configs', async () => {
    const c = clients('kube.test', { env: { HTTPS_PROXY: proxyA.url } });
    assert.equal(c.proxy?.source, 'environment');
    const list = await c.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(proxyA.connects, [target()]);

    const kc = await c.kubeConfig();
    assert.ok(kc.ok);
    await kc.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.deepEqual(proxyA.connects, [target(), target()]);
  });

  it('honours the lower-case form and NO_PROXY', async () => {
    const viaLower = clients('kube.test', { env: { https_proxy: proxyA.url } });
    assert.ok((await viaLower.rawRequest('/api/v1/namespaces/payments/pods')).ok);
    assert.equal(proxyA.connects.length, 1);

    const excluded = clients('kube.test', { env: { https_proxy: proxyA.url, no_proxy: `.test:${api.port}` } });
    assert.equal(excluded.proxy, undefined);
    const res = await excluded.rawRequest('/api/v1/namespaces/payments/pods');
    assert.ok(!res.ok, 'kube.test cannot be reached without the proxy');
    assert.equal(proxyA.connects.length, 1);
  });

  it('connects to a loopback address directly, as Go does', async () => {
    const c = clients('127.0.0.1', { env: { HTTPS_PROXY: proxyA.url } });
    assert.ok((await c.rawRequest('/api/v1/namespaces/payments/pods')).ok);
    assert.deepEqual(proxyA.connects, []);
    assert.equal(api.requests.length, 1);
  });

  it("prefers the kubeconfig's proxy-url to the environment", async () => {
    const c = clients('kube.test', { env: { HTTPS_PROXY: proxyB.url } }, proxyA.url);
    assert.ok((await c.rawRequest('/api/v1/namespaces/payments/pods')).ok);
    assert.deepEqual([proxyA.connects.length, proxyB.connects.length], [1, 0]);
  });

  it('uses the VS Code http.proxy setting when the environment names no proxy, and not past it', async () => {
    const fromSetting = clients('kube.test', { env: {}, httpProxy: proxyA.url });
    assert.ok((await fromSetting.rawRequest('/api/v1/namespaces/payments/pods')).ok);
    const envWins = clients('kube.test', { env: { HTTPS_PROXY: proxyB.url }, httpProxy: proxyA.url });
    assert.ok((await envWins.rawRequest('/api/v1/namespaces/payments/pods')).ok);
    assert.deepEqual([proxyA.connects.length, proxyB.connects.length], [1, 1]);
  });
});
