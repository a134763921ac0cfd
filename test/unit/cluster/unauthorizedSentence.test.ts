// The one sentence of a 401, as a command and the explorer both show it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unauthorizedSentence } from '../../../src/cluster/unauthorizedSentence';

const NOW = 1_800_000_000;
const DAY = 86_400;

describe('unauthorizedSentence', () => {
  it('names how long ago and when the credential expired, and the fix', () => {
    assert.equal(
      unauthorizedSentence({ kind: 'token', expiresAtSec: NOW - 3 * DAY }, NOW),
      'the cluster rejected your credential (401 Unauthorized): your token expired 3 days ago (2027-01-12T08:00:00 UTC); log in again or run Reload Credentials to get a fresh one',
    );
    assert.match(unauthorizedSentence({ kind: 'clientCertificate', expiresAtSec: NOW - 7200 }, NOW), /: your client certificate expired 2 h ago \(/);
    assert.match(unauthorizedSentence({ kind: 'exec', expiresAtSec: NOW }, NOW), /: your exec plugin's credential expired just now \(/);
  });

  it('says a credential that has not expired was refused all the same', () => {
    assert.match(
      unauthorizedSentence({ kind: 'tokenFile', expiresAtSec: NOW + 3600 }, NOW),
      /^the cluster rejected your credential \(401 Unauthorized\) although your token is valid until 2027-01-15T09:00:00 UTC \(in .+\): it may have been revoked or be meant for another cluster, or a proxy in front of the API server refused it; run Reload Credentials/,
    );
  });

  it('gives the plain sentence when the expiry is not known', () => {
    const plain = 'the cluster rejected your credential (401 Unauthorized); run Reload Credentials or log in again to get a fresh one';
    assert.equal(unauthorizedSentence(undefined, NOW), plain);
    assert.equal(unauthorizedSentence({ kind: 'basicAuth' }, NOW), plain);
  });
});
