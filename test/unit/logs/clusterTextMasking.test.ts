// The log masker is the one masker: error sentences and log details built from cluster answers and
// plugin output go through it too, capped before they are masked, and answer bodies are never logged whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerDetail, classifyError, classifyResponse, clusterError } from '../../../src/cluster/errors';
import { redactExcerpt, redactSecrets } from '../../../src/cluster/redact';

const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----\n';
const SHA_TOKEN = 'sha256~Zx8yK2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6y';
const EKS = 'k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5';

describe('cluster and plugin text', () => {
  it('is masked for every format the log masker knows', () => {
    const stderr = [
      `error: oc login --token ${SHA_TOKEN} failed`,
      `retrying https://admin:hunter2hunter2@proxy.internal:3128`,
      `token ${EKS} rejected`,
      `{"clientKeyData":${JSON.stringify(KEY)}}`,
      'Set-Cookie: session=9f8e7d6c; HttpOnly',
      'password: hunter2hunter2',
    ].join('\n');
    const out = redactSecrets(stderr);
    for (const leaked of [SHA_TOKEN.slice(7), 'hunter2hunter2', EKS.slice(11), 'MIIEpAIBAAKCAQEA', '9f8e7d6c']) {
      assert.ok(!out.includes(leaked), `${leaked} in ${out}`);
    }
  });

  it('masks what an error sentence and its detail carry', () => {
    const e = classifyResponse(500, { kind: 'Status', status: 'Failure', message: `webhook https://bob:s3cr3t-pw@hooks.internal failed` });
    assert.ok(!e.message.includes('s3cr3t-pw'), e.message);
    const c = classifyError(new Error(`exec plugin said: ${KEY}`));
    assert.ok(!(c.detail ?? '').includes('MIIEpAIBAAKCAQEA'), c.detail);
  });

  it('caps a huge detail before masking it (a 1 MiB hostile answer)', () => {
    const hostile = `authorization:${' '.repeat(1024 * 1024)},`;
    const e = clusterError({ kind: 'unknown', message: 'the answer was not JSON', detail: hostile });
    assert.equal(e.detail, `authorization:${' '.repeat(2000 - 14)}… [${hostile.length - 2000} more characters]`);
    assert.equal(redactExcerpt('Basic YWRtaW46cGFzc3dvcmQ= sent', 100), 'Basic [masked] sent');
  });
});

describe('answerDetail', () => {
  it('logs the content type, the length and a masked, capped excerpt, never the whole body', () => {
    const body = `{"kind":"Secret","data":{"token":"${'x'.repeat(30)}"},"padding":"${'p'.repeat(5000)}"}`;
    const detail = answerDetail(body, 'application/json');
    assert.match(detail, new RegExp(`^application/json body, ${body.length} characters: \\{"kind":"Secret","data":\\{"token":"\\[masked\\]"\\}`));
    assert.match(detail, /… \[\d+ more characters\]$/);
    assert.ok(detail.length < 1100, String(detail.length));
    assert.ok(!detail.includes('x'.repeat(30)));
  });

  it('says what a body looks like when the caller has no content type', () => {
    assert.equal(answerDetail({ kind: 'Status' }), 'JSON body, 17 characters: {"kind":"Status"}');
    assert.equal(answerDetail('<html>login</html>'), 'HTML body, 18 characters: <html>login</html>');
    assert.equal(answerDetail('upstream password=hunter2'), 'text body, 25 characters: upstream password=[masked]');
  });
});
