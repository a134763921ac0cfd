// Property tests: the incremental locator gives exactly what a full locateCredentials gives, on generated
// kubeconfigs, Secret lists, manifests and streams of them, after every one of a series of random edits
// (the locator keeps its pieces from one version to the next, as it does for an open document).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { locateCredentials } from '../../../src/token/locate';
import { IncrementalLocator } from '../../../src/token/locateIncremental';
import { allFixtureJwts } from '../../support/fixtureTokens';
import { makeCa, makeCertificate, type MadeCertificate } from '../../support/forgeCertificates';

const jwts = [...new Set(allFixtureJwts().map((t) => t.trim()))];
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const jwt = fc.constantFrom(...jwts);

let ca: MadeCertificate;
let client: MadeCertificate;

before(() => {
  const start = new Date(Date.UTC(2026, 0, 1));
  ca = makeCa('kubernetes', start, 3650);
  client = makeCertificate({
    commonName: 'admin',
    organizations: ['system:masters'],
    notBefore: start,
    notAfter: new Date(start.getTime() + 86_400_000),
    issuer: ca,
  });
});

// Comments and blank lines where people leave them, some holding a token.
const between = fc.constantFrom(
  '',
  '',
  '',
  '\n',
  '# note\n',
  '#note\n',
  '  # note\n',
  '    # note\n',
  ' # odd\n',
  `# ${jwts[0] ?? ''}\n`,
  `#    token: ${jwts[1] ?? ''}\n`,
  `  # ${jwts[2] ?? ''}\n`,
);

const userBody = fc.oneof(
  fc
    .tuple(jwt, fc.constantFrom('plain', 'double', 'single'))
    .map(([t, q]) => `    token: ${q === 'plain' ? t : q === 'double' ? JSON.stringify(t) : `'${t}'`}\n`),
  jwt.map((t) => `    auth-provider:\n      name: oidc\n      config:\n        id-token: ${t}\n        refresh-token: opaque\n`),
  jwt.map((t) => `    exec:\n      command: sh\n      args: ["-c", "echo --token=${t}"]\n`),
  jwt.map((t) => `    token: |\n      ${t}\n\n    note: >-\n      folded\n`),
  fc.constant('@CERT@'),
  fc.constant('    username: admin\n    password: secret\n'),
);

const user = fc.tuple(fc.nat(99), userBody, between, between).map(([n, body, c1, c2]) => `${c1}- name: user-${n}\n  user:\n${c2}${body}`);
const cluster = fc
  .tuple(fc.nat(9), between)
  .map(([n, c]) => `- name: c${n}\n${c}  cluster:\n    server: https://10.0.0.${n}:6443\n    certificate-authority-data: @CA@\n`);

const kubeconfig = fc
  .tuple(fc.array(cluster, { maxLength: 3 }), fc.array(user, { minLength: 1, maxLength: 10 }), between, fc.boolean())
  .map(
    ([clusters, users, c, current]) =>
      `apiVersion: v1\nkind: Config\n${c}clusters:\n${clusters.join('')}users:\n${users.join('')}${current ? 'current-context: c0\n' : ''}`,
  );

const secretItem = fc
  .tuple(jwt, fc.constantFrom('kubernetes.io/service-account-token', 'Opaque', 'kubernetes.io/tls'), fc.nat(99), between)
  .map(
    ([t, type, n, c]) =>
      `${c}- apiVersion: v1\n  data:\n    ca.crt: @CA@\n    token: ${b64(t)}\n  kind: Secret\n  metadata:\n    name: s${n}\n  type: ${type}\n`,
  );
const secretList = fc
  .array(secretItem, { minLength: 1, maxLength: 8 })
  .map((items) => `apiVersion: v1\nitems:\n${items.join('')}kind: List\nmetadata:\n  resourceVersion: ""\n`);

// A Secret whose `type`, a sibling of `data`, decides whether its token is a service-account token.
const secret = fc
  .tuple(jwt, fc.constantFrom('kubernetes.io/service-account-token', 'Opaque'), fc.boolean(), fc.nat(20))
  .map(([t, type, typeFirst, padding]) => {
    const typeLine = `type: ${type}\n`;
    const labels = Array.from({ length: padding }, (_, i) => `  l${i}: v${i}\n`).join('');
    return `${typeFirst ? typeLine : ''}apiVersion: v1\nkind: Secret\nmetadata:\n  labels:\n${labels}data:\n  token: ${b64(t)}\nstringData:\n  token: ${t}\n${typeFirst ? '' : typeLine}`;
  });

const rootSequence = fc
  .array(fc.tuple(jwt, between), { minLength: 1, maxLength: 6 })
  .map((xs) => xs.map(([t, c]) => `${c}- token: ${t}\n  note: x\n`).join(''));

const knownKeys = ['token', 'data', 'type', 'kind', 'ca.crt', 'client-key-data', 'certificate-authority-data', 'id-token', 'users', 'items'];
const leaf = fc.oneof(jwt, jwt.map(b64), fc.constantFrom(`Bearer ${jwts[0] ?? ''}`, '@CA@', '@KEY@'), fc.string({ maxLength: 12 }), fc.integer(), fc.boolean());
const key = fc.oneof(fc.constantFrom(...knownKeys), fc.string({ maxLength: 8 }));
const node = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 4 }),
  fc.dictionary(key, fc.oneof(leaf, fc.array(fc.dictionary(key, leaf, { maxKeys: 3 }), { maxLength: 3 })), { maxKeys: 4 }),
);
const generated = fc
  .tuple(fc.dictionary(key, node, { minKeys: 1, maxKeys: 6 }), fc.constantFrom('block', 'flow', 'json'))
  .map(([value, style]) => (style === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringify(value, style === 'flow' ? { collectionStyle: 'flow' } : {})));

const document = fc.oneof(
  { weight: 4, arbitrary: kubeconfig },
  { weight: 2, arbitrary: secretList },
  { weight: 1, arbitrary: secret },
  { weight: 1, arbitrary: rootSequence },
  { weight: 2, arbitrary: generated },
);
const separator = fc.constantFrom('---\n', '---\n', '--- # next\n', '...\n---\n', '---\n\n');
const stream = fc.tuple(fc.array(fc.tuple(document, separator), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean()).map(([docs, leading, crlf]) => {
  const text = (leading ? '---\n' : '') + docs.map(([d, sep], i) => (i === 0 ? d : sep + d)).join('');
  return crlf ? text.replace(/\n/g, '\r\n') : text;
});

function withMaterial(text: string): string {
  return text
    .replace(/@CERT@/g, () => `    client-certificate-data: ${b64(client.certPem)}\n    client-key-data: ${b64(client.keyPem)}\n`)
    .replace(/@CA@/g, () => b64(ca.certPem))
    .replace(/@KEY@/g, () => client.keyPem);
}

const NASTY = [
  ':',
  ': ',
  '- ',
  '-',
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
  '#',
  '|',
  '>-',
  '---\n',
  '...\n',
  '&a ',
  '*a',
  '!!str ',
  '? ',
  '\\',
  '\uFEFF',
  'eyJ',
  ' ',
  '  ',
  '\n  ',
  '\n- ',
  '\n#',
  '\nx: ',
  '\nx:\n',
  'token: ',
  `${jwts[3] ?? ''}`,
  `\n# ${jwts[4] ?? ''}\n`,
  'x',
  'q',
];

type Edit = { at: number; remove: number; insert: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  remove: fc.oneof(fc.constant(0), fc.constant(0), fc.nat(3), fc.nat(40)),
  insert: fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary-ascii', maxLength: 3 }), fc.constant('')),
});

function applyEdit(text: string, e: Edit): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.remove);
}

/** Every version after every edit, located by one locator that keeps its pieces, equals a full locate. */
function checkSeries(locator: IncrementalLocator, base: string, edits: readonly Edit[]): void {
  let text = base;
  for (let step = 0; ; step++) {
    assert.deepStrictEqual(locator.locate(text), locateCredentials(text), `after ${step} edits`);
    const e = edits[step];
    if (e === undefined) break;
    text = applyEdit(text, e);
  }
}

describe('IncrementalLocator equals locateCredentials', () => {
  it('on generated documents and streams, cut as finely as possible, after each of a series of random edits', () => {
    fc.assert(
      fc.property(stream, fc.array(edit, { maxLength: 8 }), (base, edits) => {
        checkSeries(new IncrementalLocator({ minTextChars: 0, minDocumentChars: 0 }), withMaterial(base), edits);
      }),
      { numRuns: 1500 },
    );
  });

  it('when the edits undo themselves and come back', () => {
    fc.assert(
      fc.property(stream, edit, (base, e) => {
        const text = withMaterial(base);
        const edited = applyEdit(text, e);
        const locator = new IncrementalLocator({ minTextChars: 0, minDocumentChars: 0 });
        for (const version of [text, edited, text, edited, edited]) assert.deepStrictEqual(locator.locate(version), locateCredentials(version));
      }),
      { numRuns: 300 },
    );
  });

  it('with the default sizes, on streams large enough to be cut', () => {
    const bigKubeconfig = fc.array(user, { minLength: 40, maxLength: 80 }).map((users) => `apiVersion: v1\nkind: Config\nusers:\n${users.join('')}`);
    const bigList = fc.array(secretItem, { minLength: 20, maxLength: 40 }).map((items) => `apiVersion: v1\nitems:\n${items.join('')}kind: List\n`);
    const large = fc.array(fc.oneof(bigKubeconfig, bigList, document), { minLength: 2, maxLength: 4 }).map((docs) => docs.join('---\n'));
    fc.assert(
      fc.property(large, fc.array(edit, { maxLength: 4 }), (base, edits) => {
        checkSeries(new IncrementalLocator(), withMaterial(base), edits);
      }),
      { numRuns: 25 },
    );
  });
});
