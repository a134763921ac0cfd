// Every context of a kubeconfig described offline and ranked worst first: real kubeconfig files, real
// certificates and tokens on disk, and exec plugins that would leave a mark if anything ran them.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  contextCredentialRows,
  contextsNeedingAttention,
  describeContexts,
  type ContextCredentialRow,
  type LoadedKubeconfig,
} from '../../../../src/cluster/auth/contextCredentials';
import { ExecRuns, execRunKey } from '../../../../src/cluster/auth/execRuns';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { type TempDir, fakeJwt, tempDir } from './support/fixtures';
import { type TestCa, createTestCa } from './support/recordingServer';

// Certificates are signed with real dates, so "now" is the test's start and every date is set from it.
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;
const OPTIONS = { windowSeconds: 24 * 3600, windowFraction: 0.2 };

let tmp: TempDir;
let kubeadmCa: TestCa;
let otherCa: TestCa;

before(() => {
  kubeadmCa = createTestCa('kubernetes');
  otherCa = createTestCa('corp-issuing-ca');
});
beforeEach(() => {
  tmp = tempDir('cc-contexts-');
});
afterEach(() => tmp.remove());

interface Ctx {
  name: string;
  user?: Record<string, unknown>;
  /** A context that names this user without defining it. */
  userName?: string;
}

function load(contexts: Ctx[], current = contexts[0]?.name): LoadedKubeconfig {
  const file = tmp.file(
    'config',
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443' } }],
      users: contexts.flatMap((c) => (c.user ? [{ name: `u-${c.name}`, user: c.user }] : [])),
      contexts: contexts.map((c) => ({
        name: c.name,
        context: { cluster: 'c', ...(c.user ? { user: `u-${c.name}` } : c.userName ? { user: c.userName } : {}) },
      })),
      'current-context': current,
    }),
  );
  const loaded = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.message);
  return loaded;
}

function rows(l: LoadedKubeconfig, runs = new ExecRuns(), now = NOW): ContextCredentialRow[] {
  return contextCredentialRows(l, runs, now, OPTIONS);
}

function rowOf(all: ContextCredentialRow[], name: string): ContextCredentialRow {
  const r = all.find((x) => x.credential.context === name);
  assert.ok(r, `a row for ${name} (rows: ${all.map((x) => x.credential.context).join(', ')})`);
  return r;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** An exec stanza whose command leaves `marker` behind if it is ever run. */
function markingPlugin(marker: string, args: string[] = []): Record<string, unknown> {
  const script = path.join(tmp.dir, `plugin-${path.basename(marker)}`);
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\necho '{}'\n`);
  chmodSync(script, 0o755);
  return { apiVersion: 'client.authentication.k8s.io/v1', command: script, args, interactiveMode: 'Never' };
}

describe('contextCredentialRows', () => {
  it('ranks worst first: expired, login needed, expiring, not known, fine; ties by time left, then name', () => {
    const marker = path.join(tmp.dir, 'ran');
    const failing = markingPlugin(`${marker}-failing`);
    const l = load([
      { name: 'fine-later', user: { token: fakeJwt({ sub: 'a', exp: NOW + 30 * DAY, iat: NOW - DAY }) } },
      { name: 'fine-sooner', user: { token: fakeJwt({ sub: 'b', exp: NOW + 10 * DAY, iat: NOW - DAY }) } },
      { name: 'expiring', user: { token: fakeJwt({ sub: 'c', exp: NOW + 600, iat: NOW - 3000 }) } },
      { name: 'expired-long-ago', user: { token: fakeJwt({ sub: 'd', exp: NOW - 2 * DAY, iat: NOW - 3 * DAY }) } },
      { name: 'expired-just-now', user: { token: fakeJwt({ sub: 'e', exp: NOW - 60, iat: NOW - 3600 }) } },
      { name: 'not-run', user: { exec: markingPlugin(`${marker}-not-run`) } },
      { name: 'b-login', user: { exec: failing } },
      { name: 'a-login', user: { exec: failing } },
      { name: 'legacy', user: { token: fakeJwt({ sub: 'system:serviceaccount:ci:bot', iss: 'kubernetes/serviceaccount' }) } },
    ]);
    const runs = new ExecRuns();
    for (const name of ['a-login', 'b-login']) {
      runs.record(execRunKey(`u-${name}`, { command: String(failing.command), args: [] }), {
        outcome: 'failed',
        atMs: NOW * 1000,
        message: 'the plugin exited with code 1',
      });
    }
    const all = rows(l, runs);
    assert.deepEqual(
      all.map((r) => `${r.credential.context}:${r.state}`),
      [
        'expired-long-ago:expired',
        'expired-just-now:expired',
        'a-login:loginNeeded',
        'b-login:loginNeeded',
        'expiring:expiring',
        'not-run:unknown',
        'fine-sooner:valid',
        'fine-later:valid',
        'legacy:noExpiry',
      ],
    );
    assert.equal(rowOf(all, 'fine-later').active, true, 'the current context is the active row');
    assert.equal(all.filter((r) => r.active).length, 1);
    assert.ok(!existsSync(`${marker}-not-run`) && !existsSync(`${marker}-failing`), 'no exec plugin was run');
  });

  it('decodes inline tokens and token files offline: subject, issuer, time left; never keeps the token', () => {
    const inline = fakeJwt({ sub: 'system:serviceaccount:ci:deployer', iss: 'https://kubernetes.default.svc', exp: NOW + 3 * 3600, iat: NOW - 21 * 3600 });
    const inFile = fakeJwt({ sub: 'system:serviceaccount:payments:api', iss: 'https://oidc.example', exp: NOW - 3 * 3600, iat: NOW - 4 * 3600 });
    const tokenFile = tmp.file('token', `${inFile}\n`);
    const all = rows(
      load([
        { name: 'inline', user: { token: inline } },
        { name: 'file', user: { tokenFile } },
        { name: 'missing-file', user: { tokenFile: path.join(tmp.dir, 'nope') } },
        { name: 'opaque', user: { token: 'abcdef.0123456789abcdef' } },
      ]),
    );
    const a = rowOf(all, 'inline');
    assert.equal(a.credential.kind, 'bearer token');
    assert.equal(a.credential.who, 'system:serviceaccount:ci:deployer');
    assert.equal(a.credential.issuer, 'https://kubernetes.default.svc');
    assert.equal(a.state, 'expiring', '3 h left of a 24 h token is inside 20% of its lifetime');
    assert.equal(a.stateText, 'expires in 3 h');
    assert.equal(a.secondsLeft, 3 * 3600);
    const f = rowOf(all, 'file');
    assert.equal(f.credential.kind, 'token file');
    assert.equal(f.credential.who, 'system:serviceaccount:payments:api');
    assert.equal(f.state, 'expired');
    assert.equal(f.stateText, 'expired 3 h ago');
    const m = rowOf(all, 'missing-file');
    assert.equal(m.state, 'problem');
    assert.match(m.stateText, /the token file .*nope cannot be read \(ENOENT\)/);
    const o = rowOf(all, 'opaque');
    assert.equal(o.state, 'unknown');
    assert.equal(o.stateText, 'expiry not readable (opaque token)');
    const json = JSON.stringify(all);
    for (const token of [inline, inFile, 'abcdef.0123456789abcdef']) assert.ok(!json.includes(token), 'no row holds a token');
  });

  it('reads client certificates: subject, groups, issuer, expiry; names the kubeadm one-year certificate', () => {
    const notBefore = new Date((NOW - 345 * DAY) * 1000);
    const kubeadm = kubeadmCa.issue('kubernetes-admin', {
      organizations: ['kubeadm:cluster-admins'],
      notBefore,
      notAfter: new Date(notBefore.getTime() + (365 * DAY + 300) * 1000),
    });
    const shortLived = kubeadmCa.issue('jane', { notBefore: new Date((NOW - DAY) * 1000), notAfter: new Date((NOW + 29 * DAY) * 1000) });
    const corp = otherCa.issue('ops', { organizations: ['system:masters'], notBefore, notAfter: new Date(notBefore.getTime() + 365 * DAY * 1000) });
    const certFile = tmp.file('corp.crt', corp.certPem);
    const all = rows(
      load([
        { name: 'kubeadm', user: { 'client-certificate-data': b64(kubeadm.certPem), 'client-key-data': b64(kubeadm.keyPem) } },
        { name: 'short', user: { 'client-certificate-data': b64(shortLived.certPem) } },
        { name: 'corp', user: { 'client-certificate': certFile } },
      ]),
    );
    const k = rowOf(all, 'kubeadm');
    assert.equal(k.credential.kubeadm, true);
    assert.equal(k.credential.kind, 'client certificate');
    assert.equal(k.credential.who, 'kubernetes-admin (kubeadm, 1 year)');
    assert.match(k.credential.whoLong ?? '', /kubeadm client certificate \(1 year; renew with kubeadm certs renew\)/);
    assert.equal(k.credential.issuer, 'CN=kubernetes');
    assert.deepEqual(k.credential.groups, ['kubeadm:cluster-admins']);
    assert.equal(k.state, 'valid');
    assert.equal(k.stateText, 'expires in 20 d');
    assert.ok(!JSON.stringify(k).includes(b64(kubeadm.keyPem)), 'the private key is never kept');
    assert.equal(rowOf(all, 'short').credential.kubeadm, false, 'signed by "kubernetes" but for 30 days');
    const c = rowOf(all, 'corp');
    assert.equal(c.credential.kubeadm, false, 'one year, but not signed by the cluster CA "kubernetes"');
    assert.equal(c.credential.who, 'ops');
    assert.deepEqual(c.credential.groups, ['system:masters']);
    assert.equal(c.credential.issuer, 'CN=corp-issuing-ca');
  });

  it('reads an OIDC auth-provider id-token (exp, iss, email, groups) and whether a refresh-token is there', () => {
    const idToken = fakeJwt({
      iss: 'https://dex.example',
      sub: 'CgVhbGljZQ',
      email: 'alice@example.com',
      groups: ['devs', 'oncall'],
      exp: NOW - 3 * 3600,
      iat: NOW - 4 * 3600,
    });
    const fresh = fakeJwt({ iss: 'https://dex.example', sub: 'bob-sub', exp: NOW + 1800, iat: NOW - 1800 });
    const provider = (config: Record<string, string>): Record<string, unknown> => ({
      'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': 'https://dex.example', 'client-id': 'kubectl', ...config } },
    });
    const all = rows(
      load([
        { name: 'alice', user: provider({ 'id-token': idToken, 'refresh-token': 'r-secret' }) },
        { name: 'bob', user: provider({ 'id-token': fresh }) },
      ]),
    );
    const a = rowOf(all, 'alice');
    assert.equal(a.credential.kind, 'OIDC id-token');
    assert.equal(a.credential.who, 'alice@example.com');
    assert.equal(a.credential.issuer, 'https://dex.example');
    assert.deepEqual(a.credential.groups, ['devs', 'oncall']);
    assert.equal(a.state, 'expired');
    assert.equal(a.stateText, 'expired 3 h ago');
    assert.deepEqual(a.extras, ['refresh token present']);
    const b = rowOf(all, 'bob');
    assert.equal(b.credential.who, 'bob-sub', 'sub when there is no email');
    assert.deepEqual(b.extras, ['no refresh token']);
    const json = JSON.stringify(all);
    assert.ok(!json.includes(idToken) && !json.includes('r-secret'), 'neither token is kept');
  });

  it('shows an exec plugin by what it last answered in this process, and never runs one', () => {
    const marker = path.join(tmp.dir, 'eks-ran');
    const eks = (cluster: string): Record<string, unknown> => ({
      exec: { ...markingPlugin(marker), command: 'aws', args: ['eks', 'get-token', '--cluster-name', cluster, '--region', 'eu-west-1'] },
    });
    const l = load([
      { name: 'prod', user: eks('prod-eu') },
      { name: 'failed', user: eks('failed-eu') },
      { name: 'cancelled', user: eks('cancelled-eu') },
      { name: 'no-expiry', user: eks('forever-eu') },
      { name: 'never', user: { exec: markingPlugin(marker, ['get-token']) } },
    ]);
    const runs = new ExecRuns();
    const key = (name: string, cluster: string): string =>
      execRunKey(`u-${name}`, { command: 'aws', args: ['eks', 'get-token', '--cluster-name', cluster, '--region', 'eu-west-1'] });
    runs.record(key('prod', 'prod-eu'), { outcome: 'ok', atMs: (NOW - 360) * 1000, issuedAtSec: NOW - 360, expiresAtSec: NOW + 540 });
    runs.record(key('failed', 'failed-eu'), { outcome: 'failed', atMs: NOW * 1000, message: 'aws: the SSO session has expired; run aws sso login' });
    runs.record(key('cancelled', 'cancelled-eu'), { outcome: 'cancelled', atMs: NOW * 1000 });
    runs.record(key('no-expiry', 'forever-eu'), { outcome: 'ok', atMs: NOW * 1000 });
    const all = rows(l, runs);

    const p = rowOf(all, 'prod');
    assert.equal(p.credential.kind, 'AWS EKS token');
    assert.equal(p.credential.who, 'prod-eu');
    assert.match(p.credential.whoLong ?? '', /^AWS EKS token for cluster prod-eu \(region eu-west-1\)/);
    assert.equal(p.state, 'valid', '9 min left of a 15 min token is outside its warning window');
    assert.equal(p.stateText, 'expires in 9 min');
    assert.equal(p.lastRun?.outcome, 'ok');
    const f = rowOf(all, 'failed');
    assert.equal(f.state, 'loginNeeded');
    assert.equal(f.stateText, 'login needed');
    assert.equal(f.note, 'aws: the SSO session has expired; run aws sso login');
    assert.equal(rowOf(all, 'cancelled').stateText, 'login needed (cancelled)');
    const n = rowOf(all, 'no-expiry');
    assert.equal(n.state, 'noExpiry');
    assert.equal(n.stateText, 'no expiry given: cached until a 401');
    const never = rowOf(all, 'never');
    assert.equal(never.state, 'unknown');
    assert.equal(never.stateText, 'not run yet');
    assert.match(never.note ?? '', /runs when you switch to this context/);
    assert.ok(!existsSync(marker), 'no plugin ran');

    // A new answer is read on the next redraw: the description itself is cached per load.
    runs.record(key('failed', 'failed-eu'), { outcome: 'ok', atMs: NOW * 1000, expiresAtSec: NOW + 60 });
    assert.equal(rowOf(rows(l, runs), 'failed').stateText, 'expires in 1 min');
  });

  it('names who an AKS or OIDC plugin speaks for: the tenant or issuer from its stanza, the signed-in user once it answered', () => {
    const marker = path.join(tmp.dir, 'aks-ran');
    const aksArgs = ['get-token', '--login', 'devicecode', '--server-id', 'srv', '--tenant-id', 'tid-1'];
    const oidcArgs = ['oidc-login', 'get-token', '--oidc-issuer-url=https://dex.example.com', '--oidc-client-id=kubernetes'];
    const l = load([
      { name: 'aks', user: { exec: { ...markingPlugin(marker), command: 'kubelogin', args: aksArgs } } },
      { name: 'oidc', user: { exec: { ...markingPlugin(marker), command: 'kubectl', args: oidcArgs } } },
    ]);
    const runs = new ExecRuns();
    const before = rows(l, runs);
    assert.equal(rowOf(before, 'aks').credential.who, 'tenant tid-1');
    assert.equal(rowOf(before, 'oidc').credential.who, 'https://dex.example.com');
    runs.record(execRunKey('u-aks', { command: 'kubelogin', args: aksArgs }), {
      outcome: 'ok',
      atMs: NOW * 1000,
      expiresAtSec: NOW + 3000,
      identity: 'alice@contoso.com (Entra ID tenant tid-1)',
    });
    const aks = rowOf(rows(l, runs), 'aks');
    assert.deepEqual([aks.stateText, aks.extras], ['expires in 50 min', ['signed in as alice@contoso.com (Entra ID tenant tid-1)']]);
    // An opaque token (no issue time in it) is as old as the plugin's answer: an hour's token is not "expiring" all hour.
    runs.record(execRunKey('u-oidc', { command: 'kubectl', args: oidcArgs }), { outcome: 'ok', atMs: (NOW - 60) * 1000, expiresAtSec: NOW + 3540 });
    const opaque = rowOf(rows(l, runs), 'oidc');
    assert.deepEqual([opaque.state, opaque.stateText], ['valid', 'expires in 59 min']);
    // Another context's plugin renews its token when the context is next used: a last token that ran out is said,
    // not ranked first or warned of, and one about to run out is not "expiring"; the active context keeps its state.
    const expiredRun = { outcome: 'ok' as const, atMs: (NOW - 7200) * 1000, issuedAtSec: NOW - 7200, expiresAtSec: NOW - 3600 };
    runs.record(execRunKey('u-oidc', { command: 'kubectl', args: oidcArgs }), expiredRun);
    runs.record(execRunKey('u-aks', { command: 'kubelogin', args: aksArgs }), expiredRun);
    const later = rows(l, runs);
    const other = rowOf(later, 'oidc');
    assert.equal(other.active, false);
    assert.deepEqual([other.state, other.stateText], ['unknown', 'last token expired 1 h ago']);
    assert.match(other.note ?? '', /asks for a new token when you switch to this context/);
    assert.deepEqual(contextsNeedingAttention(later, 'all'), []);
    const current = rowOf(later, 'aks');
    assert.deepEqual([current.active, current.state], [true, 'expired']);
    runs.record(execRunKey('u-oidc', { command: 'kubectl', args: oidcArgs }), {
      outcome: 'ok',
      atMs: (NOW - 3500) * 1000,
      issuedAtSec: NOW - 3500,
      expiresAtSec: NOW + 100,
    });
    assert.equal(rowOf(rows(l, runs), 'oidc').state, 'valid');
    assert.ok(!existsSync(marker), 'no plugin ran');
  });

  it("uses the session's own description for the active context", () => {
    const l = load([
      { name: 'active', user: { exec: markingPlugin(path.join(tmp.dir, 'active-ran')) } },
      { name: 'other', user: { token: fakeJwt({ sub: 'x', exp: NOW + 30 * DAY, iat: NOW }) } },
    ]);
    const credential = { ...describeContexts(l)[0].description, expiresAtSec: NOW + 120, issuedAtSec: NOW - 3480, expirySource: 'exec' as const };
    const all = contextCredentialRows(l, new ExecRuns(), NOW, OPTIONS, { context: 'active', credential });
    const a = rowOf(all, 'active');
    assert.equal(a.active, true);
    assert.equal(a.state, 'expiring');
    assert.equal(a.stateText, 'expires in 2 min');
    assert.equal(all[0], a);
  });

  it('says when a context names no user, or a user the kubeconfig does not define', () => {
    const all = rows(
      load([
        { name: 'ok', user: { token: fakeJwt({ sub: 'x', exp: NOW + DAY * 30, iat: NOW }) } },
        { name: 'anonymous' },
        { name: 'ghost', userName: 'nobody' },
      ]),
    );
    const anonymous = rowOf(all, 'anonymous');
    assert.equal(anonymous.state, 'none');
    assert.equal(anonymous.stateText, 'anonymous: the context names no user');
    const ghost = rowOf(all, 'ghost');
    assert.equal(ghost.state, 'problem');
    assert.match(ghost.stateText, /the user "nobody" of context "ghost" is not defined/);
  });

  it('merges the files of KUBECONFIG as kubectl does: the first file to define a user wins', () => {
    const first = fakeJwt({ sub: 'from-first', exp: NOW + DAY * 30, iat: NOW });
    const second = fakeJwt({ sub: 'from-second', exp: NOW + DAY * 30, iat: NOW });
    const file = (name: string, token: string, context: string): string =>
      tmp.file(
        name,
        stringify({
          clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1' } }],
          users: [{ name: 'shared', user: { token } }],
          contexts: [{ name: context, context: { cluster: 'c', user: 'shared' } }],
          'current-context': context,
        }),
      );
    const a = file('a', first, 'ctx-a');
    const b = file('b', second, 'ctx-b');
    const l = loadKubeconfig({ env: { KUBECONFIG: `${a}${path.delimiter}${b}` }, home: tmp.dir });
    assert.ok(l.ok);
    const all = rows(l);
    assert.deepEqual(
      all.map((r) => [r.credential.context, r.credential.who, r.credential.summary.file]),
      [
        ['ctx-a', 'from-first', a],
        ['ctx-b', 'from-first', b],
      ],
    );
  });

  it('describes 10,000 contexts once per load, whatever the number of redraws', () => {
    const n = 10_000;
    const users: unknown[] = [];
    const contexts: unknown[] = [];
    for (let i = 0; i < n; i++) {
      users.push({ name: `user-${i}`, user: { token: i % 1000 === 0 ? fakeJwt({ sub: `s${i}`, exp: NOW - i, iat: NOW - DAY }) : `opaque-token-${i}` } });
      contexts.push({ name: `context-${i}`, context: { cluster: 'c', user: `user-${i}` } });
    }
    const file = tmp.file(
      'big',
      stringify({ clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1' } }], users, contexts, 'current-context': 'context-5' }),
    );
    const l = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(l.ok);
    const first = describeContexts(l);
    assert.equal(first.length, n);
    // The file changes under the load: the load's descriptions stay those of the load.
    writeFileSync(file, 'garbage: [');
    const all = rows(l);
    assert.equal(describeContexts(l), first, 'the same descriptions, not described again');
    assert.equal(all.length, n);
    assert.deepEqual(
      all.slice(0, 10).map((r) => r.credential.context),
      Array.from({ length: 10 }, (_, i) => `context-${(9 - i) * 1000}`),
      'the ten expired ones first, longest expired first',
    );
  });
});

describe('contextsNeedingAttention', () => {
  it('lists the other contexts that expired or expire inside the warning window, worst first; none for "active"', () => {
    const all = rows(
      load(
        [
          { name: 'active-expired', user: { token: fakeJwt({ sub: 'a', exp: NOW - 60, iat: NOW - 3600 }) } },
          { name: 'expiring', user: { token: fakeJwt({ sub: 'b', exp: NOW + 3600, iat: NOW - 23 * 3600 }) } },
          { name: 'expired', user: { token: fakeJwt({ sub: 'c', exp: NOW - 3600, iat: NOW - 7200 }) } },
          { name: 'fine', user: { token: fakeJwt({ sub: 'd', exp: NOW + 30 * DAY, iat: NOW }) } },
          { name: 'unknown', user: { token: 'opaque' } },
        ],
        'active-expired',
      ),
    );
    assert.deepEqual(
      contextsNeedingAttention(all, 'all').map((r) => r.credential.context),
      ['expired', 'expiring'],
    );
    assert.deepEqual(contextsNeedingAttention(all, 'active'), []);
  });
});
