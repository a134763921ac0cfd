// One cold measurement in a fresh process: `node measure.cjs <bundle> <extensionDir>` prints
// {"loadMs":…,"activateMs":…}. Loading is require() of the bundle (the `vscode` module is the stub beside this
// file); activation is activate() with a made-up extension context.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const [bundle, extensionDir] = process.argv.slice(2);
const stub = path.join(__dirname, 'vscodeStub.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
require(stub);

const memento = () => {
  const values = new Map();
  return {
    get: (k, d) => (values.has(k) ? values.get(k) : d),
    update: (k, v) => (values.set(k, v), Promise.resolve()),
    keys: () => [...values.keys()],
    setKeysForSync: () => undefined,
  };
};
const context = {
  subscriptions: [],
  extensionPath: extensionDir,
  asAbsolutePath: (p) => path.join(extensionDir, p),
  globalState: memento(),
  workspaceState: memento(),
  globalStorageUri: { fsPath: path.join(extensionDir, '.bench-storage'), scheme: 'file', path: path.join(extensionDir, '.bench-storage') },
  extension: { id: 'cluster-credentials.cluster-credentials', packageJSON: { version: '0.0.0' } },
  secrets: { get: () => Promise.resolve(undefined), store: () => Promise.resolve(), delete: () => Promise.resolve(), onDidChange: () => ({ dispose() {} }) },
};

const t0 = performance.now();
const extension = require(bundle);
const t1 = performance.now();
extension.activate(context);
const t2 = performance.now();
for (const d of context.subscriptions) d.dispose();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1 }));
