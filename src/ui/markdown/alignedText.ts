// Plain text for documents opened in a text editor, where markdown would show as its source: label/value
// rows in padded columns, and titles underlined. Values are flattened to one line so a column stays a column.

/** Line breaks, tabs and other control characters become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** `  Label     value` lines, the values starting in one column; a row with an empty value is left out. */
export function alignedRows(rows: readonly (readonly [label: string, value: string])[], indent = '  '): string {
  const shown = rows.map(([k, v]) => [oneLine(k), oneLine(v)] as const).filter(([, v]) => v !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}\n`).join('');
}

/** A title and a line of `=` (or `-`) under it as long as it. */
export function underlined(title: string, mark: '=' | '-' = '='): string {
  const t = oneLine(title);
  return `${t}\n${mark.repeat(t.length)}\n`;
}
