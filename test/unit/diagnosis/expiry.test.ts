// expired, expiringSoon and staleTokenInUse on hand-built evidence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DIAGNOSE_OPTIONS } from '../../../src/diagnosis/ruleKit';
import { expiredRule } from '../../../src/diagnosis/rules/expired';
import { expiringSoonRule } from '../../../src/diagnosis/rules/expiringSoon';
import { staleTokenInUseRule } from '../../../src/diagnosis/rules/staleTokenInUse';
import { HOUR, MIN, S0, T0, evidenceWith, observation, pod, unauthorized } from './builders';

const opts = DEFAULT_DIAGNOSE_OPTIONS;

describe('expired rule', () => {
  it('reports a pod whose current token is past exp, with the 401 lines after it', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', S0, 3600, T0, T0 + 2 * HOUR));
      ev.unauthorized.push(unauthorized(p, T0 + HOUR + MIN, 'token has expired', 'token-expired'));
    });
    const [f, ...rest] = expiredRule(e, T0 + 2 * HOUR, opts);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.equal(f.title, 'Token of gateway/apisix-7d9f-abcde expired');
    assert.match(f.explanation, /expired 1 h ago \(2026-01-10 09:00:00 UTC\)/);
    assert.deepEqual(
      f.actions.map((a) => a.command),
      ['clusterCredentials.restartPod', 'clusterCredentials.rolloutRestart', 'clusterCredentials.showTokenHealth'],
    );
    assert.equal(f.actions[0]?.target?.kind, 'pod');
    assert.ok(f.evidence.some((x) => x.text.includes('token has expired')));
  });

  it('is silent for a valid token, an older expired token already replaced, and a pod that is gone', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'old', S0, 3600, T0, T0 + 50 * MIN), observation(p, 'new', S0 + 2880, 3600, T0 + 49 * MIN, T0 + 70 * MIN));
      ev.observations.push(observation(pod({ name: 'gone', uid: 'uid-gone' }), 'x', S0, 60, T0));
    });
    assert.deepEqual(expiredRule(e, T0 + 70 * MIN, opts), []);
  });
});

describe('expiringSoon rule', () => {
  it('warns inside the window and names the time left', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', S0, 3600, T0, T0 + 55 * MIN));
    });
    const [f] = expiringSoonRule(e, T0 + 55 * MIN, opts);
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.match(f.explanation, /expires in 5 min/);
    assert.deepEqual(expiringSoonRule(e, T0 + 10 * MIN, opts), []);
  });
});

describe('staleTokenInUse rule', () => {
  it('warns for an extended token seen in the file past warnafter', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'ext', S0, 365 * 86400, T0, T0 + 2 * HOUR, S0 + 3607));
    });
    const [f] = staleTokenInUseRule(e, T0 + 2 * HOUR, opts);
    assert.ok(f);
    assert.equal(f.rule, 'staleTokenInUse');
    assert.match(f.explanation, /past its warnafter \(2026-01-10 09:00:07 UTC\)/);
  });

  it('does not warn when the token was last seen before warnafter', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'ext', S0, 365 * 86400, T0, T0 + 30 * MIN, S0 + 3607));
    });
    assert.deepEqual(staleTokenInUseRule(e, T0 + 2 * HOUR, opts), []);
  });
});
