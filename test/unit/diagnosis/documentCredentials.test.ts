import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeconfigDocumentEvidence } from '../../../src/diagnosis/documentCredentials';

const S0 = 1_800_000_000;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (sub: string): string => `${b64url({ alg: 'RS256' })}.${b64url({ sub, iat: S0 - 60, exp: S0 + 3600 })}.c2lnbmF0dXJl`;

function kubeconfig(users: number, eol = '\n'): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster: {server: "https://x"}', 'users:'];
  for (let u = 0; u < users; u++) lines.push(`- name: u${u}`, '  user:', '    # refreshed by hand', `    token: ${jwt(`u${u}`)}`);
  return lines.join(eol) + eol;
}

describe('kubeconfigDocumentEvidence in large documents', () => {
  it('gives each token the line it is on, with LF and CRLF line ends', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = kubeconfig(3_000, eol);
      const evidence = kubeconfigDocumentEvidence(text, `/tmp/lines-${eol.length}.kubeconfig`, S0);
      assert.equal(evidence.length, 3_000);
      const lines = text.split(eol);
      for (const e of evidence) {
        assert.ok(e.line !== undefined && lines[e.line]?.startsWith('    token: '), `line ${e.line} of ${e.path}`);
      }
      assert.deepEqual([evidence[0]?.line, evidence[2_999]?.line, evidence[2_999]?.user], [9, 9 + 4 * 2_999, 'u2999']);
    }
  });

  it('answers the same after an edit as for the edited text asked first', () => {
    const text = kubeconfig(2_000);
    const file = '/tmp/edited.kubeconfig';
    kubeconfigDocumentEvidence(text, file, S0);
    const at = text.indexOf('- name: u1000\n');
    const edited = `${text.slice(0, at)}- name: added\n  user:\n    token: ${jwt('added')}\n${text.slice(at)}`;
    const afterEdit = kubeconfigDocumentEvidence(edited, file, S0);
    const fresh = kubeconfigDocumentEvidence(edited, '/tmp/fresh.kubeconfig', S0).map((e) => ({ ...e, file }));
    assert.deepEqual(afterEdit, fresh);
    assert.deepEqual(afterEdit.find((e) => e.user === 'added')?.path, 'users[1000].user.token');
    assert.equal(afterEdit.find((e) => e.user === 'u1000')?.path, 'users[1001].user.token');
  });
});
