// Entry of the extension-host test suite, in @vscode/test-electron's layout: VS Code (or code-server)
// loads this file in the extension host and awaits run(). The suites register through defineXxx()
// so that they can be bundled into one file and still see mocha's globals.
import Mocha from 'mocha';
import { defineExtensionTests } from './extension.test';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'suite', mocha);
  defineExtensionTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
