// kubectl is the reference for how a kubeconfig is read. Each row is a kubeconfig variant, run through the
// machine's kubectl (`kubectl auth whoami`) and through the extension's session (loadKubeconfig, the credential
// provider, the API clients, Who Am I) against the test cluster: both must name the same user (name, uid, groups,
// extra), or both must fail, each in its own words. The session's description of the credential is checked too.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { CredentialKind } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import type { CertAndKey } from '../../../cluster/ca';
import type { RecordedRequest } from '../../../cluster/requestCounter';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import {
  type Answer,
  type ConnectProxy,
  type OidcProvider,
  type OurAnswer,
  kubectl,
  kubectlMissing,
  kubectlWhoami,
  ourWhoami,
  signJwt,
  startConnectProxy,
  startOidcProvider,
  writeRecordingPlugin,
} from './support/kubectlConformance';

const API = 'system:serviceaccount:payments:api';
const APISIX = 'system:serviceaccount:gateway:apisix';
const CLIENT_ID = 'cluster-credentials-conformance';
const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

interface Fixtures {
  cluster: TestCluster;
  root: string;
  caB64: string;
  apiToken: string;
  apisixToken: string;
  jane: CertAndKey;
  oidc: OidcProvider;
  idToken(lifetimeSeconds: number): string;
  proxy: ConnectProxy;
}

interface Run {
  dir: string;
  kubeconfig: string;
  kubectl(): Promise<Answer>;
  ours(): Promise<OurAnswer>;
  /** Requests the cluster received while `fn` ran. */
  requestsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }>;
}

interface Row {
  name: string;
  /** Why this variant cannot be checked here. */
  skip?: string;
  /** Writes the variant's files under `dir`; returns the KUBECONFIG value. */
  kubeconfig(dir: string): string;
  /** Both name this user; the rest of the user (uid, groups, extra) must be equal too. */
  user?: string;
  /** Both refuse: kubectl's words and ours. */
  fails?: { kubectl: RegExp; ours: RegExp };
  /** The kind of credential the session describes. */
  kind?: CredentialKind;
  /** What else must hold once both ran. */
  then?(k: Answer, o: OurAnswer, run: Run): void | Promise<void>;
  /** Replaces the standard comparison (for variants where one side changes what the other reads). */
  custom?(run: Run): Promise<void>;
}

// Rows are independent (each its own folder and files), so a few run at once.
describe('kubeconfig conformance with kubectl', { skip: kubectlMissing, concurrency: 6 }, () => {
  let fx: Fixtures;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  before(async () => {
    const cluster = await startTestCluster({ scenarios: ['healthy'] });
    const root = mkdtempSync(path.join(tmpdir(), 'cc-conformance-'));
    mkdirSync(path.join(root, 'elsewhere'));
    const saToken = (namespace: string, name: string): string => {
      const sa = cluster.store.peek(R.serviceAccounts, namespace, name);
      assert.ok(sa, `the healthy scenario has ${namespace}/${name}`);
      const issued = cluster.issuer.issue({
        namespace,
        serviceAccount: { name, uid: sa.metadata.uid },
        expirationSeconds: 3600,
        nowSeconds: cluster.clock.nowSeconds(),
      });
      assert.ok(issued.ok);
      return issued.issued.token;
    };
    const oidcKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // kubectl judges an id-token by the wall clock; the cluster's clock starts at it and is not moved here.
    const idToken = (lifetimeSeconds: number): string => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(oidcKey.privateKey, {
        iss: oidc.issuer,
        aud: CLIENT_ID,
        sub: 'jane-oidc',
        groups: ['oidc-devs'],
        iat: now - 60,
        exp: now + lifetimeSeconds,
      });
    };
    const oidc = await startOidcProvider(cluster.pki.server, () => idToken(3600));
    cluster.addOidcIssuer({ issuer: oidc.issuer, audiences: [CLIENT_ID], publicKey: oidcKey.publicKey, groupsClaim: 'groups' });
    fx = {
      cluster,
      root,
      caB64: b64(cluster.pki.ca.certPem),
      apiToken: saToken('payments', 'api'),
      apisixToken: saToken('gateway', 'apisix'),
      jane: cluster.pki.issueClientCert({ commonName: 'jane', organizations: ['dev'] }),
      oidc,
      idToken,
      proxy: await startConnectProxy(),
    };
  });

  after(async () => {
    await fx.proxy.close();
    await fx.oidc.close();
    await fx.cluster.stop();
    rmSync(fx.root, { recursive: true, force: true });
  });

  // ---- building kubeconfigs ----

  type Fields = Record<string, unknown>;

  /** One kubeconfig document: cluster `test` (the test cluster, CA inline unless overridden), user `me`, context `ctx`. */
  const doc = (user: Fields | undefined, cluster: Fields = {}): Fields => {
    const c: Fields = { server: fx.cluster.url, 'certificate-authority-data': fx.caB64, ...cluster };
    for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
    return {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: c }],
      users: user ? [{ name: 'me', user }] : [],
      contexts: [{ name: 'ctx', context: { cluster: 'test', user: 'me' } }],
      'current-context': 'ctx',
    };
  };

  /** Written as YAML 1.1, so strings Go would read as booleans are quoted. */
  const write = (dir: string, name: string, content: Fields): string => {
    const file = path.join(dir, name);
    writeFileSync(file, stringify(content, { version: '1.1', lineWidth: 0 }), { mode: 0o600 });
    return file;
  };
  const config = (dir: string, user: Fields | undefined, cluster?: Fields): string => write(dir, 'config', doc(user, cluster));
  const file = (dir: string, rel: string, text: string): string => {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const oidcProvider = (config: Fields): Fields => ({
    'auth-provider': {
      name: 'oidc',
      config: { 'idp-issuer-url': fx.oidc.issuer, 'client-id': CLIENT_ID, 'idp-certificate-authority-data': fx.caB64, ...config },
    },
  });
  const plugin = (dir: string, status: Fields, stanza: Fields = {}, apiVersion = V1) => {
    const p = writeRecordingPlugin(dir, { apiVersion, status, ...(stanza.provideClusterInfo === true ? { requireServer: fx.cluster.url } : {}) });
    return { plugin: p, exec: { apiVersion, ...p.exec, interactiveMode: 'Never', ...stanza } };
  };

  // ---- the table ----

  const rows: Row[] = [
    // Bearer tokens
    { name: 'token', kubeconfig: (d) => config(d, { token: fx.apiToken }), user: API, kind: 'token' },
    {
      name: 'token the cluster rejects',
      kubeconfig: (d) => config(d, { token: 'not-a-token-the-cluster-knows' }),
      fails: { kubectl: /Unauthorized/, ours: /401|rejected your credential/ },
      kind: 'token',
    },
    {
      name: 'tokenFile, absolute path',
      kubeconfig: (d) => config(d, { tokenFile: file(d, 'tokens/api', `${fx.apiToken}\n`) }),
      user: API,
      kind: 'tokenFile',
    },
    {
      name: 'tokenFile, relative to the kubeconfig',
      kubeconfig: (d) => {
        file(d, 'tokens/api', `${fx.apiToken}\n`);
        return config(d, { tokenFile: 'tokens/api' });
      },
      user: API,
      kind: 'tokenFile',
    },
    {
      name: 'tokenFile next to token: the file wins',
      kubeconfig: (d) => {
        file(d, 'tokens/api', fx.apiToken);
        return config(d, { token: fx.apisixToken, tokenFile: 'tokens/api' });
      },
      user: API,
      kind: 'tokenFile',
    },
    {
      name: 'tokenFile missing next to token: the token is used',
      kubeconfig: (d) => config(d, { token: fx.apiToken, tokenFile: 'tokens/missing' }),
      user: API,
      kind: 'tokenFile',
    },
    {
      name: 'tokenFile missing, no token',
      kubeconfig: (d) => config(d, { tokenFile: 'tokens/missing' }),
      fails: { kubectl: /tokens\/missing: no such file or directory/, ours: /tokens\/missing cannot be read \(ENOENT\)/ },
      kind: 'tokenFile',
    },
    {
      name: 'token-file (not a kubeconfig field): no credential',
      kubeconfig: (d) => config(d, { 'token-file': file(d, 'tokens/api', fx.apiToken) }),
      // kubectl finds no credential and asks for a user name; we send none, and the cluster refuses the anonymous request.
      fails: { kubectl: /Please enter Username/, ours: /system:anonymous|forbidden/i },
      kind: 'none',
      then: (_k, o) => assert.match(o.description?.problem ?? '', /did you mean "tokenFile"/),
    },

    // Client certificates
    {
      name: 'client-certificate and client-key files (relative)',
      kubeconfig: (d) => {
        file(d, 'pki/jane.crt', fx.jane.certPem);
        file(d, 'pki/jane.key', fx.jane.keyPem);
        return config(d, { 'client-certificate': 'pki/jane.crt', 'client-key': 'pki/jane.key' });
      },
      user: 'jane',
      kind: 'clientCertificate',
      then: (_k, o) => assert.equal(o.description?.clientCertificate?.commonName, 'jane'),
    },
    {
      name: 'client-certificate-data and client-key-data',
      kubeconfig: (d) => config(d, { 'client-certificate-data': b64(fx.jane.certPem), 'client-key-data': b64(fx.jane.keyPem) }),
      user: 'jane',
      kind: 'clientCertificate',
    },
    {
      name: 'client-certificate and client-certificate-data both',
      kubeconfig: (d) =>
        config(d, {
          'client-certificate': file(d, 'pki/jane.crt', fx.jane.certPem),
          'client-certificate-data': b64(fx.jane.certPem),
          'client-key-data': b64(fx.jane.keyPem),
        }),
      fails: { kubectl: /client-cert-data and client-cert are both specified for me/, ours: /client-cert-data and client-cert are both specified for me/ },
    },
    {
      name: 'client certificate without a key',
      kubeconfig: (d) => config(d, { 'client-certificate-data': b64(fx.jane.certPem) }),
      fails: { kubectl: /client-key-data or client-key must be specified for me/, ours: /client-key-data or client-key must be specified for me/ },
    },
    {
      name: 'client certificate file missing',
      kubeconfig: (d) => config(d, { 'client-certificate': 'pki/missing.crt', 'client-key-data': b64(fx.jane.keyPem) }),
      fails: { kubectl: /unable to read client-cert .*pki\/missing\.crt/, ours: /unable to read client-cert .*pki\/missing\.crt/ },
    },
    {
      name: 'client certificate next to a token: the cluster takes the certificate',
      kubeconfig: (d) => config(d, { token: fx.apiToken, 'client-certificate-data': b64(fx.jane.certPem), 'client-key-data': b64(fx.jane.keyPem) }),
      user: 'jane',
    },

    // Exec plugins
    {
      name: 'exec v1, interactiveMode Never, no expirationTimestamp',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }).exec }),
      user: API,
      kind: 'exec',
      then: (_k, o) => assert.equal(o.description?.expirySource, 'jwt'),
    },
    {
      name: 'exec v1 with expirationTimestamp',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken, expirationTimestamp: new Date(Date.now() + 600_000).toISOString() }).exec }),
      user: API,
      kind: 'exec',
      then: (_k, o) => assert.equal(o.description?.expirySource, 'exec'),
    },
    {
      name: 'exec v1beta1 without interactiveMode (IfAvailable by default)',
      kubeconfig: (d) => {
        const { exec } = plugin(d, { token: fx.apiToken }, {}, V1BETA1);
        const { interactiveMode: _dropped, ...rest } = exec;
        return config(d, { exec: rest });
      },
      user: API,
      kind: 'exec',
    },
    {
      name: 'exec v1 without interactiveMode',
      kubeconfig: (d) => {
        const { interactiveMode: _dropped, ...rest } = plugin(d, { token: fx.apiToken }).exec;
        return config(d, { exec: rest });
      },
      fails: { kubectl: /interactiveMode must be specified for me/, ours: /interactiveMode must be specified for me/ },
    },
    {
      name: 'exec interactiveMode IfAvailable, without a terminal',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }, { interactiveMode: 'IfAvailable' }).exec }),
      user: API,
      kind: 'exec',
      then: (_k, _o, run) => {
        const runs = readRuns(run.dir);
        assert.equal(runs.length, 2);
        for (const r of runs) assert.equal((r as { spec: { interactive: boolean } }).spec.interactive, false);
      },
    },
    {
      name: 'exec interactiveMode Always, without a terminal',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }, { interactiveMode: 'Always' }).exec }),
      fails: { kubectl: /standard input is not a terminal/, ours: /needs a terminal \(interactiveMode: Always\)/ },
      kind: 'exec',
    },
    {
      name: 'exec command not installed, with installHint',
      kubeconfig: (d) =>
        config(d, {
          exec: {
            apiVersion: V1,
            command: 'cc-conformance-login-not-installed',
            interactiveMode: 'Never',
            installHint: 'Install it with:\n  brew install cc-conformance-login',
          },
        }),
      fails: { kubectl: /brew install cc-conformance-login/, ours: /was not found \(ENOENT\); Install it with: brew install cc-conformance-login/ },
      kind: 'exec',
    },
    {
      name: 'exec provideClusterInfo: the plugin is handed the same cluster',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }, { provideClusterInfo: true }).exec }, { 'tls-server-name': 'kubernetes' }),
      user: API,
      kind: 'exec',
      then: (_k, _o, run) => {
        const [fromKubectl, fromUs] = readRuns(run.dir);
        assert.ok(fromKubectl !== undefined && fromUs !== undefined, 'both ran the plugin');
        assert.deepEqual(fromUs, fromKubectl);
        assert.equal((fromKubectl as { spec: { cluster: { 'tls-server-name': string } } }).spec.cluster['tls-server-name'], 'kubernetes');
      },
    },
    {
      name: 'exec without provideClusterInfo: no cluster handed over',
      kubeconfig: (d) => {
        const { exec } = plugin(d, { token: fx.apiToken }, { provideClusterInfo: true });
        return config(d, { exec: { ...exec, provideClusterInfo: false } });
      },
      fails: { kubectl: /failed with exit code 3/, ours: /failed with exit code 3: no cluster information/ },
      kind: 'exec',
    },
    {
      name: 'exec returning a client certificate',
      kubeconfig: (d) => config(d, { exec: plugin(d, { clientCertificateData: fx.jane.certPem, clientKeyData: fx.jane.keyPem }).exec }),
      user: 'jane',
      kind: 'exec',
    },
    {
      name: 'exec apiVersion v1alpha1 (removed)',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }, {}, 'client.authentication.k8s.io/v1alpha1').exec }),
      fails: {
        kubectl: /exec plugin: invalid apiVersion "client.authentication.k8s.io\/v1alpha1"/,
        ours: /invalid apiVersion "client.authentication.k8s.io\/v1alpha1"/,
      },
    },
    {
      name: 'exec next to a token: the token is used, the plugin never runs',
      kubeconfig: (d) => config(d, { token: fx.apisixToken, exec: plugin(d, { token: fx.apiToken }).exec }),
      user: APISIX,
      kind: 'token',
      then: (_k, _o, run) => assert.equal(readRuns(run.dir).length, 0),
    },
    {
      name: 'exec next to a client certificate: the certificate is used, the plugin never runs',
      kubeconfig: (d) =>
        config(d, { 'client-certificate-data': b64(fx.jane.certPem), 'client-key-data': b64(fx.jane.keyPem), exec: plugin(d, { token: fx.apiToken }).exec }),
      user: 'jane',
      kind: 'clientCertificate',
      then: (_k, _o, run) => assert.equal(readRuns(run.dir).length, 0),
    },
    {
      name: 'exec and auth-provider together',
      kubeconfig: (d) => config(d, { exec: plugin(d, { token: fx.apiToken }).exec, ...oidcProvider({ 'id-token': fx.idToken(3600) }) }),
      fails: { kubectl: /authProvider cannot be provided in combination with an exec plugin for me/, ours: /authProvider cannot be provided in combination/ },
    },

    // auth-provider: kubectl 1.32 still has oidc; gcp and azure are gone
    {
      name: 'auth-provider oidc, valid id-token',
      kubeconfig: (d) => config(d, oidcProvider({ 'id-token': fx.idToken(3600) })),
      user: '<oidc>#jane-oidc',
      kind: 'authProvider',
    },
    {
      name: 'auth-provider oidc, expired id-token and no refresh-token',
      kubeconfig: (d) => config(d, oidcProvider({ 'id-token': fx.idToken(-60) })),
      fails: { kubectl: /No valid id-token, and cannot refresh without refresh-token/, ours: /No valid id-token, and cannot refresh without refresh-token/ },
      kind: 'authProvider',
    },
    {
      name: 'auth-provider oidc, expired id-token with a refresh-token: kubectl renews it, then we agree',
      kubeconfig: (d) => config(d, oidcProvider({ 'id-token': fx.idToken(-60), 'refresh-token': fx.oidc.refreshToken })),
      custom: async (run) => {
        // We do not write the kubeconfig: we say how kubectl renews the token...
        const before = await run.ours();
        assert.equal(before.answer.ok, false);
        assert.match(before.answer.ok ? '' : before.answer.message, /kubectl renews it with the refresh-token .*run any kubectl command/);
        assert.equal(before.description?.kind, 'authProvider');
        // ...kubectl trades the refresh-token at the provider and writes the new id-token into the file...
        const refreshes = fx.oidc.refreshes();
        const k = await run.kubectl();
        assert.ok(k.ok, !k.ok ? k.message : '');
        assert.equal(fx.oidc.refreshes(), refreshes + 1);
        assert.equal(k.user.username, `${fx.oidc.issuer}#jane-oidc`);
        // ...after which the kubeconfig we read again names the same user.
        const after = await run.ours();
        assert.deepEqual(after.answer, k);
      },
    },
    {
      name: 'auth-provider oidc, id-token that is not a JWT',
      kubeconfig: (d) => config(d, oidcProvider({ 'id-token': 'not-a-jwt' })),
      fails: { kubectl: /ID Token is not a valid JWT/, ours: /ID Token is not a valid JWT/ },
    },
    {
      name: 'auth-provider oidc without idp-issuer-url',
      kubeconfig: (d) => config(d, { 'auth-provider': { name: 'oidc', config: { 'client-id': CLIENT_ID, 'id-token': fx.idToken(3600) } } }),
      fails: { kubectl: /Must provide idp-issuer-url/, ours: /Must provide idp-issuer-url/ },
    },
    {
      name: 'auth-provider oidc next to a token: the token is used',
      kubeconfig: (d) => config(d, { token: fx.apiToken, ...oidcProvider({ 'id-token': 'not-a-jwt' }) }),
      user: API,
      kind: 'token',
    },
    {
      name: 'auth-provider gcp (removed from kubectl)',
      kubeconfig: (d) => config(d, { 'auth-provider': { name: 'gcp', config: { 'access-token': fx.apiToken } } }),
      fails: { kubectl: /The gcp auth plugin has been removed/, ours: /The gcp auth plugin has been removed/ },
    },
    {
      name: 'auth-provider with a name kubectl does not know',
      kubeconfig: (d) => config(d, { 'auth-provider': { name: 'keystone', config: {} } }),
      fails: { kubectl: /no Auth Provider found for name "keystone"/, ours: /no Auth Provider found for name "keystone"/ },
    },

    // Basic authentication: like kube-apiserver since 1.19 the cluster has none, so the request is anonymous.
    {
      name: 'username and password',
      kubeconfig: (d) => config(d, { username: 'alice', password: 'conformance-password' }),
      fails: { kubectl: /do not have permission/, ours: /system:anonymous|forbidden/i },
      kind: 'basicAuth',
      custom: async (run) => {
        const k = await run.requestsDuring(() => run.kubectl());
        const o = await run.requestsDuring(() => run.ours());
        assert.equal(k.result.ok, false);
        assert.equal(o.result.answer.ok, false);
        assert.match(o.result.answer.ok ? '' : o.result.answer.message, /system:anonymous|forbidden/i);
        assert.equal(o.result.description?.kind, 'basicAuth');
        // Both sent the same Basic credential on the review (rows run side by side: only this one sends Basic).
        const basicUsers = (rs: RecordedRequest[]) =>
          rs
            .filter((r) => r.info.kind === 'resource' && r.info.resource === 'selfsubjectreviews' && r.authScheme === 'Basic')
            .map((r) => [r.authScheme, r.basicUser]);
        assert.deepEqual(basicUsers(k.requests), [['Basic', 'alice']]);
        assert.deepEqual(basicUsers(o.requests), [['Basic', 'alice']]);
      },
    },
    {
      name: 'username next to a token',
      kubeconfig: (d) => config(d, { token: fx.apiToken, username: 'alice', password: 'conformance-password' }),
      fails: {
        kubectl: /more than one authentication method found for me; found \[token basicAuth\]/,
        ours: /more than one authentication method found for me/,
      },
    },

    // Impersonation (the admin token may impersonate anyone, as system:masters)
    {
      name: 'as: impersonate a user',
      kubeconfig: (d) => config(d, { token: fx.cluster.adminToken, as: 'jane' }),
      user: 'jane',
      kind: 'token',
      then: (_k, o) => assert.equal(o.description?.impersonate, 'jane'),
    },
    {
      name: 'as with as-groups, as-uid and as-user-extra',
      kubeconfig: (d) =>
        config(d, {
          token: fx.cluster.adminToken,
          as: 'jane',
          'as-uid': 'uid-1234',
          'as-groups': ['dev', 'ops'],
          'as-user-extra': { scopes: ['read', 'write'], 'example.com/team name': ['blue'] },
        }),
      user: 'jane',
      then: (k) => {
        assert.ok(k.ok);
        assert.deepEqual(k.user.groups, ['dev', 'ops', 'system:authenticated']);
        assert.deepEqual(k.user.extra, { scopes: ['read', 'write'], 'example.com/team name': ['blue'] });
      },
    },
    {
      name: 'as a service account',
      kubeconfig: (d) => config(d, { token: fx.cluster.adminToken, as: APISIX }),
      user: APISIX,
    },
    {
      name: 'as-groups without as',
      kubeconfig: (d) => config(d, { token: fx.cluster.adminToken, 'as-groups': ['dev'] }),
      fails: { kubectl: /requesting uid, groups or user-extra for me without impersonating a user/, ours: /without impersonating a user/ },
    },
    {
      name: 'as without the right to impersonate',
      kubeconfig: (d) => config(d, { token: fx.apiToken, as: 'jane' }),
      // kubectl auth whoami words every 403 alike; the server's reason shows with a request that prints it.
      fails: { kubectl: /do not have permission/, ours: /cannot impersonate users .*payments\/api lacks the impersonate verb on users/ },
      then: async (_k, _o, run) => {
        const raw = await kubectl(['get', '--raw', '/api'], {
          kubeconfig: run.kubeconfig,
          home: path.join(run.dir, 'home'),
          cwd: path.join(fx.root, 'elsewhere'),
        });
        assert.match(
          raw.stderr,
          /users "jane" is forbidden: User "system:serviceaccount:payments:api" cannot impersonate resource "users" in API group "" at the cluster scope/,
        );
      },
    },

    // The connection
    {
      name: 'proxy-url (an HTTP CONNECT proxy)',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'proxy-url': fx.proxy.url }),
      user: API,
      custom: async (run) => {
        const target = new URL(fx.cluster.url).host;
        const seen = fx.proxy.connects.length;
        const k = await run.kubectl();
        const viaKubectl = fx.proxy.connects.slice(seen);
        const o = await run.ours();
        const viaUs = fx.proxy.connects.slice(seen + viaKubectl.length);
        assert.ok(k.ok, !k.ok ? k.message : '');
        assert.deepEqual(o.answer, k);
        assert.equal(k.user.username, API);
        assert.ok(viaKubectl.length > 0 && viaKubectl.every((c) => c === target), `kubectl went through the proxy: ${viaKubectl.join(', ')}`);
        assert.ok(viaUs.length > 0 && viaUs.every((c) => c === target), `we went through the proxy: ${viaUs.join(', ')}`);
      },
    },
    {
      name: 'proxy-url with a scheme kubectl does not support',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'proxy-url': 'ftp://127.0.0.1:1' }),
      fails: { kubectl: /unsupported scheme "ftp", must be http, https, or socks5/, ours: /unsupported scheme "ftp", must be http, https, or socks5/ },
    },
    {
      name: 'tls-server-name in the serving certificate',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'tls-server-name': 'kubernetes.default' }),
      user: API,
    },
    {
      name: 'tls-server-name not in the serving certificate',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'tls-server-name': 'not-the-apiserver.example' }),
      fails: { kubectl: /certificate is valid for .*not not-the-apiserver\.example/, ours: /not-the-apiserver\.example/ },
    },
    {
      name: 'insecure-skip-tls-verify without a CA',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }),
      user: API,
    },
    {
      name: 'insecure-skip-tls-verify next to a CA',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'insecure-skip-tls-verify': true }),
      fails: {
        kubectl: /specifying a root certificates file with the insecure flag is not allowed/,
        ours: /specifying a root certificates file with the insecure flag is not allowed/,
      },
    },
    {
      name: 'no CA and no insecure-skip-tls-verify',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'certificate-authority-data': undefined }),
      fails: { kubectl: /certificate signed by unknown authority/, ours: /certificate|unable to verify/i },
    },
    {
      name: 'certificate-authority file (relative)',
      kubeconfig: (d) => {
        file(d, 'pki/ca.crt', fx.cluster.pki.ca.certPem);
        return config(d, { token: fx.apiToken }, { 'certificate-authority-data': undefined, 'certificate-authority': 'pki/ca.crt' });
      },
      user: API,
    },
    {
      name: 'certificate-authority file missing',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'certificate-authority-data': undefined, 'certificate-authority': 'pki/missing.crt' }),
      fails: { kubectl: /unable to read certificate-authority .*pki\/missing\.crt/, ours: /unable to read certificate-authority .*pki\/missing\.crt/ },
    },
    {
      name: 'certificate-authority and certificate-authority-data both',
      kubeconfig: (d) => config(d, { token: fx.apiToken }, { 'certificate-authority': file(d, 'pki/ca.crt', fx.cluster.pki.ca.certPem) }),
      fails: {
        kubectl: /certificate-authority-data and certificate-authority are both specified for test/,
        ours: /certificate-authority-data and certificate-authority are both specified for test/,
      },
    },

    // Several files in KUBECONFIG
    {
      name: 'KUBECONFIG of several files: the first defines each name, current-context from the first file that sets it',
      kubeconfig: (d) => {
        // a.yaml: no current-context; the user and the cluster that win.
        const a = write(d, 'a.yaml', { ...doc({ token: fx.apiToken }), contexts: [], 'current-context': undefined });
        // b.yaml: the first current-context, its context, and a user and cluster of the same names that lose.
        const b = write(d, 'b.yaml', {
          ...doc({ token: fx.apisixToken }, { server: 'https://127.0.0.1:1' }),
          contexts: [{ name: 'ctx-b', context: { cluster: 'test', user: 'me', namespace: 'payments' } }],
          'current-context': 'ctx-b',
        });
        // c.yaml: a later current-context, which loses.
        const c = write(d, 'c.yaml', {
          ...doc({ token: fx.apisixToken }),
          contexts: [{ name: 'ctx-c', context: { cluster: 'test', user: 'me' } }],
          'current-context': 'ctx-c',
        });
        return [a, b, c].join(path.delimiter);
      },
      user: API,
      kind: 'token',
      then: async (_k, _o, run) => {
        const view = await kubectl(['config', 'view', '--minify', '-o', 'json'], {
          kubeconfig: run.kubeconfig,
          home: path.join(run.dir, 'home'),
          cwd: path.join(fx.root, 'elsewhere'),
        });
        assert.equal(view.code, 0, view.stderr);
        const v = JSON.parse(view.stdout) as {
          'current-context': string;
          contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
          clusters: { cluster: { server: string } }[];
        };
        const load = loadKubeconfig({ env: { KUBECONFIG: run.kubeconfig }, home: run.dir });
        assert.ok(load.ok, !load.ok ? load.message : '');
        const summary = load.contexts.find((c) => c.name === load.currentContext);
        assert.equal(load.currentContext, v['current-context']);
        assert.equal(summary?.cluster, v.contexts[0]?.context.cluster);
        assert.equal(summary?.user, v.contexts[0]?.context.user);
        assert.equal(summary?.namespace, v.contexts[0]?.context.namespace);
        assert.equal(summary?.server, v.clusters[0]?.cluster.server);
        assert.equal(v['current-context'], 'ctx-b');
      },
    },
    {
      name: 'KUBECONFIG with a missing file',
      kubeconfig: (d) => [path.join(d, 'missing.yaml'), config(d, { token: fx.apiToken })].join(path.delimiter),
      user: API,
    },
    {
      name: 'KUBECONFIG where no file exists',
      kubeconfig: (d) => [path.join(d, 'missing-1.yaml'), path.join(d, 'missing-2.yaml')].join(path.delimiter),
      // kubectl falls back to its built-in default (http://localhost:8080), where nothing listens here.
      fails: { kubectl: /localhost:8080/, ours: /none of the files in KUBECONFIG exist/ },
    },
  ];

  function readRuns(dir: string): unknown[] {
    return readFileSync(path.join(dir, 'runs.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l): unknown => JSON.parse(l));
  }

  /** The user's name as the cluster gives it (`<oidc>` stands for the OIDC issuer, known once it listens). */
  const expectedUser = (name: string): string => name.replace('<oidc>', fx.oidc.issuer);

  for (const row of rows) {
    it(row.name, { skip: row.skip ?? false }, async () => {
      const dir = mkdtempSync(path.join(fx.root, 'row-'));
      const home = path.join(dir, 'home');
      mkdirSync(home);
      const kubeconfig = row.kubeconfig(dir);
      const run: Run = {
        dir,
        kubeconfig,
        kubectl: () => kubectlWhoami({ kubeconfig, home, cwd: path.join(fx.root, 'elsewhere') }),
        ours: () => ourWhoami(kubeconfig, home),
        requestsDuring: async (fn) => {
          const from = fx.cluster.requests.all().length;
          const result = await fn();
          return { result, requests: fx.cluster.requests.all().slice(from) };
        },
      };
      if (row.custom) return row.custom(run);

      const k = await run.kubectl();
      const o = await run.ours();
      if (row.user !== undefined) {
        assert.ok(k.ok, `kubectl: ${k.ok ? '' : k.message}`);
        assert.ok(o.answer.ok, `ours: ${o.answer.ok ? '' : o.answer.message}`);
        assert.equal(k.user.username, expectedUser(row.user));
        assert.deepEqual(o.answer.user, k.user);
      } else {
        assert.ok(row.fails, 'a row names a user or how both fail');
        assert.ok(!k.ok, `kubectl named ${k.ok ? k.user.username : ''}`);
        assert.ok(!o.answer.ok, `we named ${o.answer.ok ? o.answer.user.username : ''}`);
        assert.match(k.message, row.fails.kubectl);
        assert.match(o.answer.message, row.fails.ours);
      }
      if (row.kind !== undefined) assert.equal(o.description?.kind, row.kind);
      await row.then?.(k, o, run);
    });
  }
});
