import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeCertificate } from '../../../src/token/certificate';
import { decodeToken } from '../../../src/token/jwt';
import { credentialAt, locateCredentials } from '../../../src/token/locate';
import type { LocatedCredential } from '../../../src/token/types';
import { makeBigKubeconfig } from '../../support/bigKubeconfig';
import { fixtureToken, readFixture } from '../../support/fixtureTokens';
import { makeCa, makeCertificate, type MadeCertificate } from '../../support/forgeCertificates';

const jwtA = fixtureToken('v1.28', 'api-bound-pod-3607s.jwt').raw.trim();
const jwtB = fixtureToken('v1.32', 'api-bound-pod-on-node-a-3607s.jwt').raw.trim();
const jwtLegacy = fixtureToken('v1.28', 'patroni-legacy-secret.jwt').raw.trim();
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const indentBlock = (text: string, spaces: number): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');

function summary(found: LocatedCredential[]): string[] {
  return found.map((c) => `${c.kind} ${c.path}${c.key === undefined ? '' : ` (${c.key})`}`);
}

function assertWellFormed(text: string, found: LocatedCredential[]): void {
  let previousEnd = 0;
  for (const c of found) {
    assert.ok(c.start >= previousEnd, 'sorted and disjoint');
    assert.ok(c.start < c.end && c.end <= text.length, 'inside the text');
    previousEnd = c.end;
  }
}

function one(found: LocatedCredential[], path: string): LocatedCredential {
  const c = found.find((x) => x.path === path);
  assert.ok(c, `nothing at ${path}; found ${summary(found).join(', ')}`);
  return c;
}

let ca: MadeCertificate;
let client: MadeCertificate;

before(() => {
  const start = new Date(Date.UTC(2026, 0, 1));
  ca = makeCa('kubernetes', start, 3650);
  const notAfter = new Date(start.getTime() + 365 * 86_400_000);
  client = makeCertificate({ commonName: 'kubernetes-admin', organizations: ['system:masters'], notBefore: start, notAfter, issuer: ca });
});

describe('locateCredentials in a kubeconfig', () => {
  let text: string;
  let found: LocatedCredential[];

  before(() => {
    text = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kind',
      '  cluster:',
      '    server: https://127.0.0.1:6443',
      `    certificate-authority-data: ${b64(ca.certPem)}`,
      'contexts:',
      '- name: kind',
      '  context: {cluster: kind, user: admin}',
      'current-context: kind',
      'users:',
      '- name: admin',
      '  user:',
      `    client-certificate-data: ${b64(client.certPem)}`,
      `    client-key-data: ${b64(client.keyPem)}`,
      '- name: sa',
      '  user:',
      `    token: ${jwtA}`,
      '- name: oidc',
      '  user:',
      '    auth-provider:',
      '      name: oidc',
      '      config:',
      '        client-id: kubernetes',
      `        id-token: '${jwtB}'`,
      '        refresh-token: ChlvcGFxdWUtcmVmcmVzaA',
      '- name: inline',
      '  user:',
      '    exec:',
      '      command: sh',
      `      args: ["-c", "curl -H 'Authorization: Bearer ${jwtA}' https://x", --token=${jwtB}]`,
      '- name: from-file',
      '  user:',
      '    tokenFile: /var/run/secrets/token',
      '',
    ].join('\n');
    found = locateCredentials(text);
  });

  it('finds each credential once, with its path and key, in document order', () => {
    assert.deepEqual(summary(found), [
      'certificate clusters[0].cluster.certificate-authority-data (certificate-authority-data)',
      'certificate users[0].user.client-certificate-data (client-certificate-data)',
      'privateKey users[0].user.client-key-data (client-key-data)',
      'jwt users[1].user.token (token)',
      'jwt users[2].user.auth-provider.config.id-token (id-token)',
      'jwt users[3].user.exec.args[1]',
      'jwt users[3].user.exec.args[2]',
    ]);
    assertWellFormed(text, found);
  });

  it('gives the exact range of each value in the text', () => {
    assert.equal(text.slice(one(found, 'users[1].user.token').start, one(found, 'users[1].user.token').end), jwtA);
    const idToken = one(found, 'users[2].user.auth-provider.config.id-token');
    assert.equal(text.slice(idToken.start, idToken.end), jwtB, 'inside the quotes');
    const caData = one(found, 'clusters[0].cluster.certificate-authority-data');
    assert.equal(text.slice(caData.start, caData.end), b64(ca.certPem));
    const key = one(found, 'users[0].user.client-key-data');
    assert.equal(text.slice(key.start, key.end), b64(client.keyPem));
  });

  it('points at the JWT only when it sits inside a longer string', () => {
    const inCurl = one(found, 'users[3].user.exec.args[1]');
    assert.equal(text.slice(inCurl.start, inCurl.end), jwtA);
    assert.equal(inCurl.value, jwtA);
    const inFlag = one(found, 'users[3].user.exec.args[2]');
    assert.equal(text.slice(inFlag.start - '--token='.length, inFlag.end), `--token=${jwtB}`);
  });

  it('gives decodable values: the JWT, the certificate PEM', () => {
    const token = decodeToken(one(found, 'users[1].user.token').value ?? '');
    assert.ok(token.ok);
    assert.equal(token.token.claims.sub, 'system:serviceaccount:payments:api');
    const cert = decodeCertificate(one(found, 'users[0].user.client-certificate-data').value ?? '');
    assert.ok(cert.ok);
    assert.equal(cert.certificate.commonName, 'kubernetes-admin');
    assert.deepEqual(cert.certificate.organizations, ['system:masters']);
  });

  it('never carries a private key value', () => {
    const key = one(found, 'users[0].user.client-key-data');
    assert.equal(key.value, undefined);
    const keyBody = client.keyPem.split('\n')[5] ?? 'missing';
    assert.ok(!JSON.stringify(found).includes(keyBody));
    assert.ok(!JSON.stringify(found).includes(b64(client.keyPem).slice(100, 160)));
  });

  it('credentialAt finds the credential under any offset of its range and nothing outside', () => {
    for (const c of found) {
      assert.equal(credentialAt(found, c.start), c);
      assert.equal(credentialAt(found, (c.start + c.end) >> 1), c);
      assert.equal(credentialAt(found, c.end - 1), c);
      assert.notEqual(credentialAt(found, c.end), c);
      assert.notEqual(credentialAt(found, c.start - 1), c);
    }
    assert.equal(credentialAt(found, 0), undefined);
    assert.equal(credentialAt([], 10), undefined);
  });

  it('finds a refresh-token only when it is a JWT', () => {
    const withJwtRefresh = text.replace('refresh-token: ChlvcGFxdWUtcmVmcmVzaA', `refresh-token: ${jwtLegacy}`);
    const again = locateCredentials(withJwtRefresh);
    const refresh = one(again, 'users[2].user.auth-provider.config.refresh-token');
    assert.equal(refresh.kind, 'jwt');
    assert.equal(refresh.key, 'refresh-token');
  });

  it('keeps offsets exact with CRLF line endings and a byte-order mark', () => {
    const crlf = '\uFEFF' + text.replace(/\n/g, '\r\n');
    const again = locateCredentials(crlf);
    assert.deepEqual(summary(again), summary(found));
    for (const c of again) if (c.kind === 'jwt') assert.equal(crlf.slice(c.start, c.end), c.value);
  });
});

describe('locateCredentials in recorded API objects (JSON)', () => {
  for (const version of ['v1.28', 'v1.32'] as const) {
    it(`${version} secret-list-db.json: the legacy token Secret, marked as a service-account-token Secret`, () => {
      const text = readFixture(version, 'secret-list-db.json');
      const found = locateCredentials(text);
      assertWellFormed(text, found);
      const token = one(found, 'response.body.items[0].data.token');
      assert.equal(token.kind, 'base64Jwt');
      assert.equal(token.inServiceAccountTokenSecret, true);
      assert.equal(token.value, fixtureToken(version, 'patroni-legacy-secret.jwt').raw.trim());
      assert.equal(text.slice(token.start - 1, token.end + 1), `"${b64(token.value ?? '')}"`);
      const caCrt = one(found, 'response.body.items[0].data["ca.crt"]');
      assert.equal(caCrt.kind, 'certificate');
      const cert = decodeCertificate(caCrt.value ?? '');
      assert.ok(cert.ok);
      assert.equal(cert.certificate.commonName, 'local-kube-ca');
      assert.deepEqual(
        found.map((c) => c.key),
        ['ca.crt', 'token'],
      );
    });
  }

  it('configmap-get-kube-root-ca.json: a PEM with \\n escapes inside a JSON string', () => {
    const text = readFixture('v1.28', 'configmap-get-kube-root-ca.json');
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
    const c = one(found, 'response.body.data["ca.crt"]');
    assert.equal(c.kind, 'certificate');
    assert.ok(text.slice(c.start).startsWith('-----BEGIN CERTIFICATE-----\\nMII'));
    assert.ok(text.slice(0, c.end).endsWith('-----END CERTIFICATE-----'));
    assert.ok(c.value?.includes('\nMII'), 'the value has real line breaks');
    const cert = decodeCertificate(c.value ?? '');
    assert.ok(cert.ok);
  });

  it('tokenreview-bound-pod-valid.json: the reviewed token in spec.token', () => {
    const text = readFixture('v1.28', 'tokenreview-bound-pod-valid.json');
    const found = locateCredentials(text);
    const c = one(found, 'request.body.spec.token');
    assert.equal(c.kind, 'jwt');
    assert.equal(c.inServiceAccountTokenSecret, undefined);
    assert.ok(decodeToken(c.value ?? '').ok);
  });
});

describe('locateCredentials in manifests', () => {
  it('a multi-document stream: block-scalar PEM, SA Secret, Bearer in an env value, TLS Secret', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: ca}',
      'data:',
      '  ca.crt: |',
      indentBlock(ca.certPem, 4),
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: patroni-token',
      '  annotations: {kubernetes.io/service-account.name: patroni}',
      'type: kubernetes.io/service-account-token',
      'data:',
      `  token: ${b64(jwtLegacy)}`,
      `  ca.crt: ${b64(ca.certPem)}`,
      '  namespace: ZGI=',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        env:',
      '        - name: AUTH',
      `          value: "Bearer ${jwtB}"`,
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${b64(client.certPem)}`,
      `  tls.key: ${b64(client.keyPem)}`,
      '',
    ].join('\n');
    const found = locateCredentials(text);
    assertWellFormed(text, found);
    assert.deepEqual(
      found.map((c) => `${c.documentIndex} ${c.kind} ${c.path}`),
      [
        '0 certificate data["ca.crt"]',
        '1 base64Jwt data.token',
        '1 certificate data["ca.crt"]',
        '2 jwt spec.template.spec.containers[0].env[0].value',
        '3 certificate data["tls.crt"]',
        '3 privateKey data["tls.key"]',
      ],
    );
    const pem = found[0];
    assert.ok(pem);
    assert.equal(text.slice(pem.start, pem.end), indentBlock(ca.certPem, 4).trimStart());
    assert.equal(pem.value, ca.certPem.trimEnd());
    assert.equal(found[1]?.inServiceAccountTokenSecret, true);
    const bearer = found[3];
    assert.ok(bearer);
    assert.equal(text.slice(bearer.start - 'Bearer '.length, bearer.end + 1), `Bearer ${jwtB}"`);
    assert.equal(found[5]?.value, undefined);
  });

  it('marks Secret tokens by the Secret type: stringData of a token Secret yes, an Opaque Secret or a ConfigMap no', () => {
    const saSecret = `kind: Secret\ntype: kubernetes.io/service-account-token\nstringData:\n  token: ${jwtA}\n`;
    const [raw] = locateCredentials(saSecret);
    assert.equal(raw?.kind, 'jwt');
    assert.equal(raw?.inServiceAccountTokenSecret, true);
    const opaque = `kind: Secret\ntype: Opaque\ndata:\n  token: ${b64(jwtA)}\n`;
    const [other] = locateCredentials(opaque);
    assert.equal(other?.kind, 'base64Jwt');
    assert.equal(other?.inServiceAccountTokenSecret, undefined);
    const notASecret = `kind: ConfigMap\ntype: kubernetes.io/service-account-token\ndata:\n  token: ${b64(jwtA)}\n`;
    const [inConfigMap] = locateCredentials(notASecret);
    assert.equal(inConfigMap?.kind, 'base64Jwt');
    assert.equal(inConfigMap?.inServiceAccountTokenSecret, undefined);
  });

  it('a raw PEM private key is a privateKey with no value, whatever the key is called', () => {
    const text = `apiVersion: v1\nkind: Config\nusers:\n- name: x\n  user:\n    embedded: |\n${indentBlock(client.keyPem, 6)}\n`;
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.kind, 'privateKey');
    assert.equal(found[0]?.value, undefined);
    assert.ok(text.slice(found[0]?.start).startsWith('-----BEGIN RSA PRIVATE KEY-----'));
  });

  it('a PEM with a certificate and its key together is reported as a private key only', () => {
    const text = `bundle: |\n${indentBlock(client.certPem + client.keyPem, 2)}\n`;
    const found = locateCredentials(text);
    assert.deepEqual(summary(found), ['privateKey bundle (bundle)']);
  });

  it('a bundle of certificates is one credential whose value holds every certificate', () => {
    const text = `ca.crt: |\n${indentBlock(ca.certPem + client.certPem, 2)}\n`;
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
    assert.equal((found[0]?.value ?? '').match(/BEGIN CERTIFICATE/g)?.length, 2);
  });

  it('a private key stored under a certificate key, with text before its BEGIN line, is still a private key', () => {
    const found = locateCredentials(`tls.crt: ${b64(`key for x\n${client.keyPem}`)}\n`);
    assert.deepEqual(summary(found), ['privateKey ["tls.crt"] (tls.crt)']);
    assert.equal(found[0]?.value, undefined);
  });

  it('a certificate key with something unreadable still yields a certificate so the reason can be shown', () => {
    const found = locateCredentials('certificate-authority-data: not*base64\n');
    assert.equal(found[0]?.kind, 'certificate');
    assert.equal(found[0]?.value, 'not*base64');
    const r = decodeCertificate(found[0]?.value ?? '');
    assert.equal(r.ok, false);
  });

  it('ignores look-alikes: a JWE, eyJ glued to other text, base64 that is not a JWT, a file path', () => {
    const text = [
      `jwe: eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d`,
      `glued: xeyJhbGciOiJSUzI1NiJ9.a.b`,
      `notjwt: ZXlKbm90IGEgand0`,
      `headerNotJson: eyJub3Q.abc.def`,
      `client-certificate: /etc/kubernetes/pki/admin.crt`,
    ].join('\n');
    assert.deepEqual(locateCredentials(text), []);
  });

  it('finds a token in a comment, as a pasted-and-commented-out token still is one', () => {
    const text = `users:\n- name: old\n  user:\n    # token: ${jwtA}\n    tokenFile: /x\n`;
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0]?.start, found[0]?.end), jwtA);
    assert.equal(found[0]?.path, 'users[0].user');
  });

  it('returns nothing for empty text and text without credentials', () => {
    assert.deepEqual(locateCredentials(''), []);
    assert.deepEqual(locateCredentials('apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a}]}\n'), []);
  });
});

describe('locateCredentials on broken YAML', () => {
  it('still finds the tokens around a broken part', () => {
    const text = [
      'users:',
      '- name: a',
      '  user:',
      `    token: ${jwtA}`,
      '  - bad: [unclosed, {',
      '\tmixed: tabs',
      `- name: b`,
      '  user:',
      `    token: "${jwtB}`,
      '',
    ].join('\n');
    const found = locateCredentials(text);
    assertWellFormed(text, found);
    const values = found.map((c) => text.slice(c.start, c.end));
    assert.ok(values.includes(jwtA));
    assert.ok(values.includes(jwtB));
  });

  it('finds a token on a line that lost its colon', () => {
    const text = `users:\n- name: a\n  user:\n    token ${jwtA}\n`;
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0]?.start, found[0]?.end), jwtA);
  });

  it('survives stray flow indicators, directives and unterminated quotes', () => {
    for (const text of [`}}}: ${jwtA}\n`, `%YAML 9\n---\n: ${jwtA}\n...\n`, `a: '${jwtA}\n`, `[[[[${jwtA}`, `"${jwtA}`]) {
      const found = locateCredentials(text);
      assertWellFormed(text, found);
      assert.equal(found.length, 1, JSON.stringify(text.slice(0, 12)));
      assert.equal(text.slice(found[0]?.start, found[0]?.end), jwtA);
    }
  });

  it('survives nesting too deep for a recursive walk', () => {
    const depth = 20000;
    const text = `${'['.repeat(depth)}${jwtA}${']'.repeat(depth)}`;
    const found = locateCredentials(text);
    assert.equal(found.length, 1);
  });
});

describe('locateCredentials on the synthetic 1 MB kubeconfig', () => {
  it('finds every credential the generator wrote, and credentialAt agrees with a linear scan', () => {
    const { text, tokenOffsets } = makeBigKubeconfig({ users: 120, seed: 3 });
    const found = locateCredentials(text);
    assertWellFormed(text, found);
    assert.deepEqual(
      found.map((c) => c.start),
      tokenOffsets,
    );
    for (let offset = 0; offset < text.length; offset += 997) {
      const linear = found.find((c) => c.start <= offset && offset < c.end);
      assert.equal(credentialAt(found, offset), linear);
    }
  });
});
