// What the manifest promises about when the extension runs and what an untrusted workspace may set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RESTRICTED_SETTINGS, SETTING_KEYS, SETTING_SECTION } from '../../../src/shared/settingKeys';

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
  it('does not activate at every start: only for documents, the view, its panel, its file system and commands', () => {
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
    assert.ok(!manifest.activationEvents.includes('*'));
    for (const e of manifest.activationEvents) assert.match(e, /^(onLanguage:|onView:|onWebviewPanel:|onFileSystem:|onCommand:)/);
  });

  it('supports untrusted workspaces in a limited way', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});

describe('settings in the manifest', () => {
  const properties = (
    JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    }
  ).contributes.configuration.properties;

  it('are exactly the keys the Settings class reads', () => {
    assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((k) => `${SETTING_SECTION}.${k}`).sort());
  });

  it('restrict, in untrusted workspaces, exactly the settings that choose a cluster or cause cluster traffic', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
    assert.deepEqual([...restricted].sort(), [...RESTRICTED_SETTINGS].map((k) => `${SETTING_SECTION}.${k}`).sort());
    for (const key of ['liveTokens.mode', 'liveTokens.concurrency', 'namespaces', 'logs.tailLines', 'probe.requests', 'kubeconfig'] as const)
      assert.ok(RESTRICTED_SETTINGS.has(key), key);
  });
});
