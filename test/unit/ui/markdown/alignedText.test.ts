// Plain text in columns, for documents a text editor shows as they are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignedRows, oneLine, underlined } from '../../../../src/ui/markdown/alignedText';

describe('alignedRows', () => {
  it('starts every value in one column, two spaces past the longest label', () => {
    assert.equal(
      alignedRows([
        ['Fingerprint', 'sha256:f1f2'],
        ['Lifetime granted', '3600 s'],
        ['Bound to', 'Pod api-1'],
      ]),
      '  Fingerprint       sha256:f1f2\n  Lifetime granted  3600 s\n  Bound to          Pod api-1\n',
    );
  });

  it('leaves out rows without a value, and keeps a value with line breaks on its row', () => {
    assert.equal(
      alignedRows([
        ['Reason', ''],
        ['User', 'a\nb\r\nc\td'],
      ]),
      '  User  a b c d\n',
    );
    assert.equal(alignedRows([]), '');
  });
});

describe('underlined and oneLine', () => {
  it('underlines a title as long as it is', () => {
    assert.equal(underlined('Token for payments/api'), 'Token for payments/api\n======================\n');
    assert.equal(underlined('Claims', '-'), 'Claims\n------\n');
  });
  it('flattens control characters and line separators to spaces', () => {
    assert.equal(oneLine('a\u2028b\u0007c\u0085d'), 'a b c d');
  });
});
