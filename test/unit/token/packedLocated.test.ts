// The worker thread's answer, packed and unpacked, is the list of credentials it located: every member,
// and no member that was absent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateCredentials } from '../../../src/token/locate';
import { packLocated, unpackLocated } from '../../../src/token/packedLocated';
import type { LocatedCredential } from '../../../src/token/types';
import { makeBigKubeconfig } from '../../support/bigKubeconfig';

describe('packLocated / unpackLocated', () => {
  it('gives back what a large kubeconfig holds, member for member', () => {
    const { text } = makeBigKubeconfig({ users: 300, seed: 7 });
    const located = locateCredentials(text);
    assert.ok(located.length >= 300);
    assert.deepStrictEqual(unpackLocated(packLocated(located)), located);
  });

  it('keeps optional members absent, false apart from absent, and strings of every length', () => {
    const located: LocatedCredential[] = [
      { kind: 'jwt', start: 0, end: 5, path: '' },
      { kind: 'privateKey', start: 5, end: 9, path: 'users[0].user.client-key-data', key: 'client-key-data', documentIndex: 2 },
      { kind: 'base64Jwt', start: 9, end: 20, path: 'data.token', key: 'token', value: 'eyJ.é.€', inServiceAccountTokenSecret: true },
      { kind: 'certificate', start: 20, end: 30, path: 'ca.crt', key: '', value: '', inServiceAccountTokenSecret: false, documentIndex: 0 },
    ];
    const back = unpackLocated(packLocated(located));
    assert.deepStrictEqual(back, located);
    assert.equal('value' in (back[1] ?? {}), false, 'a private key has no value, packed or not');
    assert.deepStrictEqual(unpackLocated(packLocated([])), []);
  });
});
