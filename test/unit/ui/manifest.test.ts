// What the manifest promises about when the extension runs and what an untrusted workspace may set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

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

  it('keeps the workspace value of the kubeconfig and log pattern settings out of untrusted workspaces', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.deepEqual([...(u.restrictedConfigurations ?? [])].sort(), ['clusterCredentials.kubeconfig', 'clusterCredentials.logs.patterns']);
  });
});
