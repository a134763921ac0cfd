// Property tests: malformed tokens, certificates and YAML never make the token core throw,
// and what it returns is always well formed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { decodeCertificate, decodeCertificateBundle } from '../../../src/token/certificate';
import { decodeToken } from '../../../src/token/jwt';
import { normalizeToken } from '../../../src/token/normalizeToken';
import { pemBlocks } from '../../../src/token/pem';
import { credentialAt, locateCredentials } from '../../../src/token/locate';
import type { CertificateResult, DecodeResult, LocatedCredential } from '../../../src/token/types';
import { allFixtureJwts, readFixture } from '../../support/fixtureTokens';
import { makeCa, makeCertificate, type MadeCertificate } from '../../support/forgeCertificates';

const RUNS = 10_000;
const jwts = [...new Set(allFixtureJwts().map((t) => t.trim()))];
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const b64u = (s: string): string => Buffer.from(s).toString('base64url');

type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'swap'; at: number; other: number; len: number };

const NASTY = [
  ':',
  ': ',
  '- ',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '\n',
  '\r\n',
  '\t',
  ' #',
  '|',
  '>-',
  '---\n',
  '...\n',
  '&a ',
  '*a',
  '!!binary ',
  '? ',
  '\\',
  '%YAML 1.2\n',
  '\uFEFF',
  '\u0000',
  '\uD800',
  'eyJ',
  '.',
  '..',
  '=',
  'ZXlK',
  'LS0tLS1CRUdJTi',
  '-----BEGIN CERTIFICATE-----',
  '-----END CERTIFICATE-----',
  '-----BEGIN RSA PRIVATE KEY-----',
  'Bearer ',
  'token: ',
  'client-key-data: ',
  'ca.crt: ',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 8 })),
  }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), other: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(base: string, mutations: Mutation[]): string {
  let s = base;
  for (const m of mutations) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    switch (m.op) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 'insert':
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case 'duplicate':
        s = s.slice(0, at) + s.slice(at, at + m.len) + s.slice(at);
        break;
      case 'swap': {
        const other = s.length === 0 ? 0 : m.other % (s.length + 1);
        const [a, b] = at < other ? [at, other] : [other, at];
        if (a + m.len <= b) s = s.slice(0, a) + s.slice(b, b + m.len) + s.slice(a + m.len, b) + s.slice(a, a + m.len) + s.slice(b + m.len);
        break;
      }
    }
  }
  return s;
}

function render(value: unknown, style: 'yaml' | 'json' | 'flow'): string {
  if (style === 'json') return JSON.stringify(value, null, 2);
  return stringify(value, style === 'flow' ? { collectionStyle: 'flow' } : {});
}

function mutated(bases: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([base, ms]) => mutate(base, ms));
}

function checkDecodeResult(input: string, r: DecodeResult): void {
  if (r.ok) {
    assert.match(r.token.fingerprint, /^[0-9a-f]{16}$/);
    assert.ok(Array.isArray(r.token.claims.aud) && r.token.claims.aud.every((a) => typeof a === 'string'));
    assert.equal(typeof r.token.claims.legacy, 'boolean');
    assert.equal(typeof r.token.header, 'object');
    for (const k of ['exp', 'iat', 'nbf'] as const) {
      const v = r.token.claims[k];
      assert.ok(v === undefined || Number.isFinite(v));
    }
  } else {
    assert.ok(typeof r.reason === 'string' && r.reason.length > 0);
    const token = normalizeToken(input);
    // A reason must never carry the token (or a long piece of it).
    if (token.length >= 24) assert.ok(!r.reason.includes(token.slice(0, 24)), r.reason);
  }
}

/** The labels of the PEM blocks in `input`, or in it once base64 is peeled off. */
function pemLabels(input: string): string[] {
  const peeled = Buffer.from(input.replace(/\s+/g, ''), 'base64').toString('latin1');
  const labels = new Set([...pemBlocks(input), ...pemBlocks(peeled)].map((b) => b.label).filter((l) => l.length > 0));
  // Longest first: a short label taken out first could cut a longer one and leave a run of its letters.
  return [...labels].sort((a, b) => b.length - a.length);
}

/** `input`: what was decoded; a reason may name a PEM label, never a run of the encoded bytes. */
function checkCertificateResult(r: CertificateResult, input: string): void {
  if (r.ok) {
    const c = r.certificate;
    assert.ok(Number.isFinite(c.notBeforeSec) && Number.isFinite(c.notAfterSec));
    assert.ok(typeof c.subject === 'string' && typeof c.issuer === 'string' && Array.isArray(c.organizations));
    assert.match(c.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  } else {
    assert.ok(typeof r.reason === 'string' && r.reason.length > 0);
    // The labels the parser read may be named, however their letters run on into the text around them.
    let reason = r.reason;
    for (const label of pemLabels(input)) reason = reason.split(label).join(' ');
    const body = input.replace(/-----(BEGIN|END) [^-\n]*-----/g, '\n');
    for (const run of body.match(/[A-Za-z0-9+/]{16,}/g) ?? []) {
      assert.ok(!reason.includes(run.slice(0, 16)), `no certificate bytes in the reason: ${r.reason}`);
    }
  }
}

const KINDS = new Set(['jwt', 'base64Jwt', 'certificate', 'privateKey']);

function checkLocated(text: string, found: LocatedCredential[]): void {
  assert.ok(Array.isArray(found));
  let previousEnd = 0;
  for (const c of found) {
    assert.ok(KINDS.has(c.kind));
    assert.ok(Number.isInteger(c.start) && Number.isInteger(c.end));
    assert.ok(c.start >= previousEnd, 'sorted and disjoint');
    assert.ok(c.start < c.end && c.end <= text.length, 'inside the text');
    assert.equal(typeof c.path, 'string');
    previousEnd = c.end;
    if (c.kind === 'privateKey') assert.equal(c.value, undefined);
    else assert.equal(typeof c.value, 'string');
    if (c.kind === 'jwt') assert.equal(text.slice(c.start, c.end), c.value, 'a raw JWT range is the JWT itself');
    if (c.value !== undefined) assert.ok(!/PRIVATE KEY-----/.test(c.value), 'no private key in a value');
  }
  // credentialAt agrees with a linear scan at a few offsets.
  for (const offset of [0, text.length >> 1, text.length - 1, found[0]?.start ?? 0, (found[0]?.end ?? 1) - 1]) {
    assert.equal(
      credentialAt(found, offset),
      found.find((c) => c.start <= offset && offset < c.end),
    );
  }
}

let ca: MadeCertificate;
let client: MadeCertificate;
let caPemFixture: string;
let documents: string[];

before(() => {
  const start = new Date(Date.UTC(2026, 0, 1));
  ca = makeCa('kubernetes', start, 3650);
  const notAfter = new Date(start.getTime() + 86_400_000);
  client = makeCertificate({ commonName: 'admin', organizations: ['system:masters'], notBefore: start, notAfter, issuer: ca });
  const configMap = JSON.parse(readFixture('v1.28', 'configmap-get-kube-root-ca.json')) as { response: { body: { data: { 'ca.crt': string } } } };
  caPemFixture = configMap.response.body.data['ca.crt'];
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(ca.certPem) } }],
    users: [
      { name: 'a', user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } },
      { name: 'b', user: { token: jwts[0] } },
      { name: 'c', user: { 'auth-provider': { name: 'oidc', config: { 'id-token': jwts[1], 'refresh-token': 'opaque' } } } },
      { name: 'd', user: { exec: { command: 'sh', args: ['-c', `echo Bearer ${jwts[2]}`] } } },
    ],
  });
  const manifest = [
    `kind: ConfigMap\ndata:\n  ca.crt: |\n${caPemFixture.trimEnd().replace(/^/gm, '    ')}\n`,
    stringify({ kind: 'Secret', type: 'kubernetes.io/service-account-token', data: { token: b64(jwts[3] ?? ''), 'ca.crt': b64(caPemFixture) } }),
    stringify({ kind: 'Secret', type: 'kubernetes.io/tls', stringData: { 'tls.crt': client.certPem, 'tls.key': client.keyPem } }),
  ].join('---\n');
  documents = [
    kubeconfig,
    manifest,
    readFixture('v1.28', 'secret-get-legacy-sa-token-filled.json'),
    readFixture('v1.32', 'tokenreview-bound-pod-valid.json'),
    readFixture('v1.28', 'configmap-get-kube-root-ca.json'),
    JSON.stringify({ users: [{ name: 'e', user: { token: jwts[4] } }] }, null, 2),
  ];
});

describe('decodeToken on malformed tokens', () => {
  it(`never throws and always gives a well-formed result (${RUNS} inputs)`, () => {
    const structured = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.string({ unit: 'binary-ascii', maxLength: 40 }))
      .map(([h, p, s]) => `${b64u(JSON.stringify(h) ?? '')}.${b64u(JSON.stringify(p) ?? '')}.${s}`);
    const tokens = fc.oneof(
      { weight: 5, arbitrary: mutated(jwts) },
      { weight: 2, arbitrary: structured },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      { weight: 1, arbitrary: mutated(jwts).map((t) => `Bearer ${t}`) },
    );
    fc.assert(
      fc.property(tokens, (t) => {
        checkDecodeResult(t, decodeToken(t));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('decodeCertificate on malformed certificates', () => {
  it(`never throws and always gives a well-formed result (${RUNS} inputs)`, () => {
    const bases = [ca.certPem, client.certPem, caPemFixture, b64(ca.certPem), b64(caPemFixture)];
    bases.push(client.keyPem, b64(client.keyPem), `${ca.certPem}${client.certPem}`);
    const inputs = fc.oneof({ weight: 6, arbitrary: mutated(bases) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) });
    fc.assert(
      fc.property(inputs, (input) => {
        checkCertificateResult(decodeCertificate(input), input);
        for (const r of decodeCertificateBundle(input)) checkCertificateResult(r, input);
      }),
      {
        numRuns: RUNS,
        // Once found: a PEM label made of certificate-looking letters is named; no bytes are.
        examples: [
          // A short label that is part of a longer one.
          ['-----BEGIN Q-----\n-----BEGIN x-----BEGIN ABCDEFGHIJKLMNOPQ-----\n'],
          // A label whose letters run on into the next BEGIN line.
          [`:-----BEGIN CERTICERTIFICATE-----BEGIN CERTICERTIFICATE-----\n${b64(ca.certPem).slice(0, 64)}\n-----END CERTIFICATE-----\n`],
          [
            `-----BEGIN MIITIFICATE-----\nCERQAwFTETMBEGA1UEAxMKa3Vi\n-----BEGIN CERTIFICATE-----\n${b64(ca.certPem).slice(0, 64)}\n-----END CERTIFICATE-----\n`,
          ],
        ],
      },
    );
  });
});

describe('locateCredentials on malformed and random YAML', () => {
  it(`never throws and always gives well-formed, exact ranges (${RUNS} documents)`, () => {
    const leaf = fc.oneof(
      fc.constantFrom(...jwts),
      fc.constantFrom(...jwts.map(b64)),
      fc.constantFrom(ca.certPem, b64(ca.certPem), client.keyPem, b64(client.keyPem), `Bearer ${jwts[0]}`, `--token=${jwts[1]}`),
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
    );
    const knownKeys = ['token', 'data', 'type', 'kind', 'ca.crt', 'client-key-data', 'certificate-authority-data', 'id-token', 'users'];
    const key = fc.oneof(fc.constantFrom(...knownKeys), fc.string({ maxLength: 8 }));
    const inner = fc.oneof(leaf, fc.dictionary(key, leaf, { maxKeys: 4 }));
    const node = fc.oneof(leaf, fc.array(leaf, { maxLength: 4 }), fc.dictionary(key, inner, { maxKeys: 5 }));
    const generated = fc.tuple(fc.dictionary(key, node, { maxKeys: 6 }), fc.constantFrom('yaml', 'json', 'flow')).map(([value, style]) => render(value, style));
    const inputs = fc.oneof(
      { weight: 4, arbitrary: mutated(documents) },
      { weight: 2, arbitrary: generated },
      { weight: 2, arbitrary: fc.tuple(generated, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([d, ms]) => mutate(d, ms)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    );
    fc.assert(
      fc.property(inputs, (text) => {
        checkLocated(text, locateCredentials(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('finds every JWT written as a value in a generated document', () => {
    const holder = fc.constantFrom('token', 'id-token', 'value', 'x y', 'kubernetes.io');
    const docs = fc
      .tuple(fc.array(fc.tuple(holder, fc.constantFrom(...jwts)), { minLength: 1, maxLength: 5 }), fc.constantFrom('yaml', 'json', 'flow'))
      .map(([pairs, style]) => {
        const value = { items: pairs.map(([k, jwt]) => ({ [k]: jwt, note: 'n' })) };
        return { text: render(value, style), expected: pairs.map(([, jwt]) => jwt) };
      });
    fc.assert(
      fc.property(docs, ({ text, expected }) => {
        const found = locateCredentials(text);
        assert.deepEqual(
          found.map((c) => c.value),
          expected,
        );
        found.forEach((c, i) => {
          const key = c.key ?? '';
          assert.equal(c.path, /^[A-Za-z_][\w-]*$/.test(key) ? `items[${i}].${key}` : `items[${i}][${JSON.stringify(key)}]`);
        });
      }),
      { numRuns: 500 },
    );
  });
});
