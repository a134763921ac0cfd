import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIgnoredKubeconfigKeys } from '../../../src/diagnosis/kubeconfigKeys';

const KUBECONFIG = `apiVersion: v1
kind: Config
users:
- name: ci
  user:
    token-file: /var/run/secrets/token
- name: good
  user: {tokenFile: /var/run/secrets/token}
- name: flow
  user: {"token-file": x, token: abc}
`;

describe('findIgnoredKubeconfigKeys', () => {
  it('finds each token-file key of a user, with its range, and not tokenFile', () => {
    const found = findIgnoredKubeconfigKeys(KUBECONFIG);
    assert.deepEqual(
      found.map((p) => [p.user, KUBECONFIG.slice(p.start, p.end)]),
      [
        ['ci', 'token-file'],
        ['flow', '"token-file"'],
      ],
    );
    assert.equal(found[0]?.message, '"token-file" is not a kubeconfig field; kubectl ignores it: did you mean "tokenFile"?');
  });

  it('ignores token-file outside a user, in text that is not a kubeconfig, and in a file without it', () => {
    assert.deepEqual(findIgnoredKubeconfigKeys('token-file: /x\nclusters: []\n'), []);
    assert.deepEqual(findIgnoredKubeconfigKeys('{{{ token-file ]]'), []);
    assert.deepEqual(findIgnoredKubeconfigKeys('- token-file\n'), []);
    assert.deepEqual(findIgnoredKubeconfigKeys('users:\n- name: a\n  user: {tokenFile: x}\n'), []);
  });
});
