// The VSIX that `npm test` packaged: small, and holding only what the extension needs at run time.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { VSIX } from './support/paths';

/** Entry names from a zip's central directory (a VSIX is a zip). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'the VSIX is a zip');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

test('the VSIX is under 2 MB and ships only the bundle, its locating worker, the webview, media and docs', () => {
  const size = statSync(VSIX).size;
  assert.ok(size < 2 * 1024 * 1024, `VSIX is ${size} bytes`);
  const names = zipEntries(readFileSync(VSIX));
  assert.ok(names.includes('extension/dist/extension.js'), names.join(', '));
  assert.ok(names.includes('extension/dist/locateWorker.js'), names.join(', '));
  assert.ok(names.includes('extension/package.json'));
  const unexpected = names.filter(
    (n) =>
      !/^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|package\.nls(\.zh-cn)?\.json|readme\.md|LICENSE\.txt|changelog\.md|dist\/extension\.js|dist\/cluster\.js|dist\/locateWorker\.js|dist\/webview\/.+|media\/.+|l10n\/bundle\.l10n(\.zh-cn)?\.json))$/i.test(
        n,
      ),
  );
  assert.deepEqual(unexpected, [], 'no sources, tests, maps or node_modules in the package');
});
