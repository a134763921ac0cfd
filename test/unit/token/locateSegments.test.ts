import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentEntries, documentMarkers } from '../../../src/token/locateSegments';

/** Each entry as `kind: first line`. */
function cut(text: string): string[] | undefined {
  const scan = documentEntries(text, 0, text.length);
  return scan?.starts.map((s, i) => `${scan.kinds[i]}: ${text.slice(s, text.indexOf('\n', s))}`);
}

describe('documentMarkers', () => {
  it('finds `---` lines, and only those', () => {
    const text = '---\na: 1\n--- # two\nb: |\n  ---\n----\nc: ---\n---\n';
    assert.deepEqual(documentMarkers(text), [0, text.indexOf('--- # two'), text.lastIndexOf('---\n')]);
    assert.deepEqual(documentMarkers('a: 1\n'), []);
    assert.deepEqual(documentMarkers('---'), [0]);
  });
});

describe('documentEntries', () => {
  it('cuts a kubeconfig before each top-level key and each user, comments going with what they follow', () => {
    const text = [
      '---',
      '# my clusters',
      'apiVersion: v1',
      'users:',
      '# first user',
      '- name: a',
      '  user:',
      '    token: x',
      '#    token: old',
      '- name: b',
      '  user: {}',
      'current-context: a',
      '',
    ].join('\n');
    assert.deepEqual(cut(text), ['head: ---', 'key: apiVersion: v1', 'key: users:', 'item: - name: a', 'item: - name: b', 'key: current-context: a']);
  });

  it('cuts a `kubectl get -o yaml` list at its items, and a root sequence at its items', () => {
    assert.deepEqual(cut('apiVersion: v1\nitems:\n- kind: Secret\n  data: {}\n- kind: Secret\nkind: List\n'), [
      'key: apiVersion: v1',
      'key: items:',
      'item: - kind: Secret',
      'item: - kind: Secret',
      'key: kind: List',
    ]);
    assert.deepEqual(cut('- a: 1\n-\n  b: 2\n- c\n'), ['item: - a: 1', 'item: -', 'item: - c']);
  });

  it('refuses to cut what yaml could read across a column-0 line', () => {
    // A key whose value is on its line cannot take a sequence after it.
    assert.equal(cut('users: x\n- name: a\n'), undefined);
    // Quoted keys, tabs in indentation, flow collections, document ends and lines without a key at column 0.
    for (const text of [
      'a: 1\n"b": 2\n',
      'a: 1\n\tb: 2\n',
      'a: |\n    x\n  \tb\nc: 1\n',
      'a: 1\n{b: 2}\n',
      'a: 1\n...\nb: 2\n',
      'a: 1\nplain words\nb: 2\n',
      'a: 1\nb #c: 2\n',
    ]) {
      assert.equal(cut(text), undefined, JSON.stringify(text));
    }
    // A sequence at the root cannot go on with keys, nor a map with items of no open key.
    assert.equal(cut('- a\nb: 1\n'), undefined);
    // Indented content before any column-0 line.
    assert.equal(cut('  a: 1\nb: 2\n'), undefined);
    // Content after the `---` marker.
    assert.equal(cut('--- |\n  text\n'), undefined);
  });

  it('after a column-0 comment, accepts only indented lines that start afresh', () => {
    // yaml's lexer may then read the next indented line at indentation 0: a multi-line scalar there could swallow the next key.
    assert.equal(cut('a:\n#x\n  "multi\nb: 1"\n'), undefined);
    assert.equal(cut('a:\n#x\n  plain\nb: 1\n'), undefined);
    assert.deepEqual(cut('a:\n#x\n  k: v\nb: 1\n'), ['key: a:', 'key: b: 1']);
    assert.deepEqual(cut('a:\n# x\n  - v\nb: 1\n'), ['key: a:', 'key: b: 1']);
  });

  it('keeps comments and blank lines inside the entry before them, and accepts CRLF', () => {
    const text = 'a: 1\r\n\r\n# about b\r\nb: 2\r\n';
    const scan = documentEntries(text, 0, text.length);
    assert.deepEqual(scan?.starts, [0, text.indexOf('b: 2')]);
  });
});
