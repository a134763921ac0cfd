// Lines a cluster can write to hurt the masker (huge, or built to make a regex backtrack), and the
// secret formats the masker must recognise wherever cluster or plugin text is shown, logged or stored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePatterns, DEFAULT_PATTERNS, maskCapped, maskSecrets, scanText } from '../../../src/logs/index';

const defaults = compilePatterns(DEFAULT_PATTERNS);
const MIB = 1024 * 1024;

// A real-looking key and certificate body; only the labels matter to the masker.
const KEY_BODY = 'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB';
const pem = (label: string): string => `-----BEGIN ${label}-----\n${KEY_BODY}\n${KEY_BODY}\n-----END ${label}-----\n`;

describe('masking hostile lines', () => {
  it('masks a 1 MiB line of `authorization:` and spaces by capping it first (it took about an hour)', () => {
    const head = '401 Unauthorized authorization:';
    // Exactly 1 MiB: longer lines are scanned in pieces of maxLineBytes (1 MiB), each capped the same way.
    const line = `${head}${' '.repeat(MIB - head.length - 1)},`;
    const [m] = scanText(line, defaults);
    assert.deepEqual(m.patternIds, ['http-401', 'unauthorized']);
    assert.equal(m.line, `${head}${' '.repeat(2000 - head.length)}… [${line.length - 2000} more characters]`);
  });

  it('reads runs the rules cannot split two ways in one pass, capped or not', () => {
    // Each of these once made a rule try every split of the run: completing is the check.
    const runs = 256 * 1024;
    assert.equal(maskSecrets(`authorization:${' '.repeat(runs)},`), `authorization:${' '.repeat(runs)},`);
    assert.equal(maskSecrets(`authorization: ["${' '.repeat(runs)},`), `authorization: [masked]"${' '.repeat(runs)},`);
    assert.equal(maskSecrets(`Cookie:${' '.repeat(runs)}"`), `Cookie:${' '.repeat(runs)}"`);
    assert.equal(maskSecrets(`password:${' '.repeat(runs)},`), `password:${' '.repeat(runs)},`);
    const quotes = `"${'a'.repeat(runs)}`;
    assert.equal(maskSecrets(quotes), quotes);
    const urls = '://a'.repeat(runs / 4);
    assert.equal(maskSecrets(urls), urls);
    const headers = '-----BEGIN '.repeat(runs / 11);
    assert.equal(maskSecrets(headers), headers);
  });

  it('masks to the end a private key that the line ends in, or the cap cuts', () => {
    const line = `loaded ${pem('RSA PRIVATE KEY').slice(0, 60)}`;
    assert.equal(maskSecrets(line), 'loaded -----BEGIN RSA PRIVATE KEY-----[masked]');
    const long = `key ${pem('PRIVATE KEY').repeat(100)}`;
    const capped = maskCapped(long, 200);
    assert.ok(!capped.includes(KEY_BODY.slice(0, 16)), capped);
    assert.match(capped, /^key -----BEGIN PRIVATE KEY-----\[masked\]-----END PRIVATE KEY-----/);
  });

  it('looks past the cap, so a secret cut by it shows none of itself', () => {
    const pad = 'x'.repeat(1985);
    const capped = maskCapped(`${pad} https://admin:hunter2hunter2@db.internal/app`, 2000);
    assert.ok(!capped.includes('admin:h'), capped);
    assert.match(capped, /… \[\d+ more characters\]$/);
  });

  it('counts the cut in characters of the masked line and of the text never masked', () => {
    const text = `token=${'s'.repeat(10)} ${'y'.repeat(5000)}`;
    // `token=[masked] ` (15 characters, for 17 of the text) and five y fill the 20: every other y is cut.
    assert.equal(maskCapped(text, 20), `token=[masked] yyyyy… [${text.length - 17 - 5} more characters]`);
    assert.equal(maskCapped('short password=x', 2000), 'short password=[masked]');
  });
});

describe('masking the secret formats clusters and plugins print', () => {
  const cases: Array<[string, string, string]> = [
    ['URL userinfo', 'dial postgres://app:s3cr3t-pw@db:5432/orders failed', 'dial postgres://app:[masked]@db:5432/orders failed'],
    ['URL with a port, no userinfo', 'GET https://10.96.0.1:443/api/v1/pods 401', 'GET https://10.96.0.1:443/api/v1/pods 401'],
    ['password: x', 'db password: hunter2 rejected', 'db password: [masked] rejected'],
    ['password=x', 'connect user=app password=hunter2 host=db', 'connect user=app password=[masked] host=db'],
    ['"password":"x"', '{"user":"app","password":"hun\\"ter2"}', '{"user":"app","password":"[masked]"}'],
    ["'password': 'x'", "{'password': 'hunter2'}", "{'password': '[masked]'}"],
    [
      'oc --token sha256~',
      'oc login --token sha256~Zx8yK2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6y --server=https://api.ocp:6443',
      'oc login --token [masked] --server=https://api.ocp:6443',
    ],
    ['a bare sha256~ token', 'rejected sha256~Zx8yK2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6y', 'rejected sha256~[masked]'],
    ['--password=x', 'helper --username=bob --password=hunter2', 'helper --username=bob --password=[masked]'],
    ['EKS token', 'token: k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5', 'token: k8s-aws-v1.[masked]'],
    ['Cookie header', '> Cookie: session=9f8e7d; csrftoken=abc', '> Cookie: [masked]'],
    ['Set-Cookie header', '< Set-Cookie: id=a3fWa; Path=/; HttpOnly', '< Set-Cookie: [masked]'],
    ['cookies in a JSON header dump', '{"Cookie":["session=9f8e7d"],"Accept":["*/*"]}', '{"Cookie":["[masked]"],"Accept":["*/*"]}'],
    ['a PEM private key', `key:\n${pem('EC PRIVATE KEY')}done`, 'key:\n-----BEGIN EC PRIVATE KEY-----[masked]-----END EC PRIVATE KEY-----\ndone'],
    [
      'a PEM key inside JSON (ExecCredential clientKeyData)',
      `{"clientKeyData":${JSON.stringify(pem('RSA PRIVATE KEY'))},"expirationTimestamp":"2026-11-22T03:40:01Z"}`,
      '{"clientKeyData":"[masked]","expirationTimestamp":"2026-11-22T03:40:01Z"}',
    ],
    ['kubeconfig client-key-data', `client-key-data: ${Buffer.from(pem('RSA PRIVATE KEY')).toString('base64')}`, 'client-key-data: [masked]'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(maskSecrets(input), expected);
    });
  }

  it('masks a base64 private key under any key name, and leaves certificates readable', () => {
    const key = Buffer.from(pem('OPENSSH PRIVATE KEY')).toString('base64');
    assert.equal(maskSecrets(`blob ${key} end`), 'blob LS0tLS1CRUdJTi…[masked] end');
    const cert = `client-certificate-data: ${Buffer.from(pem('CERTIFICATE')).toString('base64')}`;
    assert.equal(maskSecrets(cert), cert);
  });

  it('keeps prose that only names secrets', () => {
    for (const line of ['invalid token: signature mismatch', 'error getting secret: secrets "db" not found', 'no cookie', 'ssh://git@github.com/org/repo']) {
      assert.equal(maskSecrets(line), line);
    }
  });

  it('is stable on what it already masked', () => {
    const more = ['Authorization: Bearer abc.def-123', '{"Authorization":["Bearer sha256~opaque-openshift-token"]}', `Bearer ${'x'.repeat(40)}`];
    for (const input of [...cases.map(([, i]) => i), ...more]) {
      const once = maskSecrets(input);
      assert.equal(maskSecrets(once), once);
    }
  });
});
