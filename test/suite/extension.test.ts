// Runs inside a real VS Code extension host against the real `vscode` API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cluster-credentials.cluster-credentials';

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

async function openSample(glob: string): Promise<vscode.TextDocument> {
  const [uri] = await vscode.workspace.findFiles(glob, undefined, 1);
  assert.ok(uri, `the test workspace has ${glob}`);
  return vscode.workspace.openTextDocument(uri);
}

/** Position just inside the first occurrence of `needle` on the line that has `key`. */
function positionOf(doc: vscode.TextDocument, key: string, needle: string): vscode.Position {
  const text = doc.getText();
  const keyAt = text.indexOf(key);
  assert.ok(keyAt >= 0, `document has ${key}`);
  const at = text.indexOf(needle, keyAt);
  assert.ok(at >= 0, `document has ${needle} after ${key}`);
  return doc.positionAt(at + 5);
}

export function defineExtensionTests(): void {
  suite('Cluster Credentials in the extension host', () => {
    test('activates and registers every contributed command', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is installed`);
      await ext.activate();
      assert.equal(ext.isActive, true);
      const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
      assert.ok(contributed.length > 0);
      const registered = new Set(await vscode.commands.getCommands(true));
      for (const id of contributed) assert.ok(registered.has(id), `${id} is registered`);
    });

    test('registers the commands that fix and probe, each in the Cluster Credentials category', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext);
      await ext.activate();
      const ids = ['reloadCredentials', 'restartPod', 'rolloutRestart', 'requestToken', 'copyToken', 'reviewToken', 'whoAmI', 'probeConcurrency'].map(
        (c) => `clusterCredentials.${c}`,
      );
      const registered = new Set(await vscode.commands.getCommands(true));
      const declared = (ext.packageJSON as { contributes: { commands: { command: string; category?: string }[] } }).contributes.commands;
      for (const id of ids) {
        assert.ok(registered.has(id), `${id} is registered`);
        assert.equal(declared.find((c) => c.command === id)?.category, 'Cluster Credentials', `${id} has the category`);
      }
      // Copy Token with nothing held says so and copies nothing.
      assert.equal(await vscode.commands.executeCommand('clusterCredentials.copyToken', 'sha256:0000000000000000'), false);
    });

    test('kubeconfig without an extension opens as YAML', async () => {
      for (const glob of ['**/.kube/config', '**/kubeconfigs/kubeconfig']) {
        const doc = await openSample(glob);
        assert.equal(doc.languageId, 'yaml', `${glob} opens as YAML`);
      }
    });

    test('executeHoverProvider decodes the expired token in a kubeconfig', async () => {
      const doc = await openSample('**/demo.kubeconfig');
      const pos = positionOf(doc, 'name: payments-api\n', 'token: eyJ');
      const text = await waitFor('a hover', async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos.translate(0, 8));
        const t = hoverText(hovers ?? []);
        return t.includes('Service-account token') ? t : undefined;
      });
      assert.match(text, /expired/);
      assert.match(text, /payments\/api/);
      assert.match(text, /Expires/);
      assert.match(text, /417a4f39-f895-4c59-92ab-e2371fa62b70/, 'shows the jti');
      assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{20,}\.eyJ/, 'never echoes the raw token');
    });

    test('hover on client-key-data says the private key is not shown', async () => {
      const doc = await openSample('**/demo.kubeconfig');
      const pos = positionOf(doc, 'client-key-data:', 'client-key-data: ');
      // Asked until our provider answers: this test does not count on another having activated the extension.
      const text = await waitFor('the private-key hover', async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos.translate(0, 20));
        const t = hoverText(hovers ?? []);
        return /Private key/.test(t) ? t : undefined;
      });
      assert.match(text, /Private key, not shown/);
      assert.doesNotMatch(text, /BEGIN/);
    });

    test('an expired token and an expired certificate are errors in Problems, on the exact value', async () => {
      const doc = await openSample('**/demo.kubeconfig');
      await vscode.window.showTextDocument(doc);
      const diagnostics = await waitFor('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'Cluster Credentials');
        return d.length >= 2 ? d : undefined;
      });
      const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      const tokenError = errors.find((d) => d.code === 'token-expired');
      assert.ok(tokenError, 'the expired token is an error');
      assert.ok(doc.getText(tokenError.range).startsWith('eyJ'), 'the range covers the token value');
      assert.ok(
        errors.some((d) => d.code === 'certificate-expired'),
        'the expired client certificate is an error',
      );
    });

    test('a token-file key, which kubectl ignores, is a warning in Problems on the key', async () => {
      const doc = await vscode.workspace.openTextDocument({
        language: 'yaml',
        content: 'apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token-file: /var/run/token\n',
      });
      await vscode.window.showTextDocument(doc);
      const warning = await waitFor('the token-file warning', () =>
        vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'Cluster Credentials' && d.code === 'ignored-key-token-file'),
      );
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(doc.getText(warning.range), 'token-file');
      assert.match(warning.message, /did you mean "tokenFile"\?/);
    });

    test('Decode Token opens a read-only document with the claims and without the raw token', async () => {
      const doc = await openSample('**/demo.kubeconfig');
      const text = doc.getText();
      const start = text.indexOf('eyJ', text.indexOf('name: payments-api\n'));
      const token = text.slice(start, text.indexOf('\n', start)).trim();
      const uri = await vscode.commands.executeCommand<string>('clusterCredentials.decodeToken', token);
      assert.ok(uri, 'the command returns the document it opened');
      const decoded = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      assert.match(decoded.getText(), /"sub": "system:serviceaccount:payments:api"/);
      assert.ok(!decoded.getText().includes(token), 'the raw token is not in the document');
    });

    test('exports the services (loading the cluster layer) and the explorer answers without throwing, whatever the kubeconfig', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext);
      const api = (await ext.activate()) as
        { services(): Promise<{ sessions?: { current(): unknown; problem: string | undefined }; explorer?: { refresh(): void } }> } | undefined;
      assert.ok(api, 'activate() returns the API');
      // The cluster layer loads on this first call, as on the first use of the explorer.
      const services = await api.services();
      assert.ok(services.sessions && services.explorer, 'the API gives the services');
      assert.ok(services.sessions.current() !== undefined || typeof services.sessions.problem === 'string', 'a session or a sentence saying why there is none');
      await vscode.commands.executeCommand('clusterCredentials.refresh');
      await vscode.commands.executeCommand('clusterCredentials.revealContext');
    });
  });
}
