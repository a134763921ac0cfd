// Which value of a setting is in force, trusted or not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSetting } from '../../../src/shared/settingKeys';

describe('effectiveSetting', () => {
  const inspected = { defaultValue: 'onDemand', globalValue: 'off', workspaceValue: 'auto' };

  it('takes the workspace value over the user value over the default when trusted', () => {
    assert.equal(effectiveSetting('liveTokens.mode', inspected, true), 'auto');
    assert.equal(effectiveSetting('liveTokens.mode', { defaultValue: 'onDemand', globalValue: 'off' }, true), 'off');
    assert.equal(effectiveSetting('liveTokens.mode', { defaultValue: 'onDemand' }, true), 'onDemand');
  });

  it('ignores an untrusted workspace value of a setting that causes cluster traffic', () => {
    assert.equal(effectiveSetting('liveTokens.mode', inspected, false), 'off');
    assert.equal(effectiveSetting('liveTokens.mode', { defaultValue: 'onDemand', workspaceValue: 'auto' }, false), 'onDemand');
    assert.deepEqual(effectiveSetting('namespaces', { defaultValue: [], workspaceValue: ['kube-system'] }, false), []);
    assert.equal(effectiveSetting('probe.requests', { defaultValue: 20, workspaceValue: 1000 }, false), 20);
  });

  it('keeps an untrusted workspace value of a display setting', () => {
    assert.equal(effectiveSetting('hover.enabled', { defaultValue: true, workspaceValue: false }, false), false);
  });

  it('answers undefined when the setting is unknown to VS Code', () => {
    assert.equal(effectiveSetting('kubeconfig', undefined, true), undefined);
  });
});
