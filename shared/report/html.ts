/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shortens a label for a chart axis, keeping its start and end. */
export function shorten(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, Math.ceil((max - 1) / 2))}…${text.slice(-Math.floor((max - 1) / 2))}`;
}

/**
 * Renders an HTML table of text cells, escaped. The header row is left out when every
 * header is empty. Columns whose index is in `numericColumns` are right-aligned.
 */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  className: string,
  numericColumns: readonly number[] = [],
): string {
  const cell = (tag: 'th' | 'td', text: string, column: number) =>
    numericColumns.includes(column)
      ? `<${tag} class="number">${escapeHtml(text)}</${tag}>`
      : `<${tag}>${escapeHtml(text)}</${tag}>`;
  const head = header.some((h) => h !== '')
    ? `<thead><tr>${header.map((h, j) => cell('th', h, j)).join('')}</tr></thead>`
    : '';
  const body = rows
    .map((row) => `<tr>${row.map((text, j) => cell('td', text, j)).join('')}</tr>`)
    .join('\n');
  return `<table class="${className}">${head}<tbody>\n${body}\n</tbody></table>`;
}
