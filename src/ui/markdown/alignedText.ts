// Plain text for documents opened in a text editor, where markdown would show as its source: label/value
// rows in padded columns, and titles underlined. Values are flattened to one line so a column stays a column.

/** Line breaks, tabs and other control characters become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

// East Asian wide and full-width characters (Chinese labels, full-width punctuation) take two columns.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/gu;

/** The columns a text takes in a monospaced editor font. */
export function displayWidth(text: string): number {
  return [...text].length + (text.match(WIDE)?.length ?? 0);
}

/** `  Label     value` lines, the values starting in one column; a row with an empty value is left out. */
export function alignedRows(rows: readonly (readonly [label: string, value: string])[], indent = '  '): string {
  const shown = rows.map(([k, v]) => [oneLine(k), oneLine(v)] as const).filter(([, v]) => v !== '');
  const width = Math.max(0, ...shown.map(([k]) => displayWidth(k)));
  return shown.map(([k, v]) => `${indent}${k}${' '.repeat(width - displayWidth(k))}  ${v}\n`).join('');
}

/** A title and a line of `=` (or `-`) under it as long as it. */
export function underlined(title: string, mark: '=' | '-' = '='): string {
  const t = oneLine(title);
  return `${t}\n${mark.repeat(displayWidth(t))}\n`;
}
