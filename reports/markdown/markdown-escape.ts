/**
 * Untrusted text for a GitHub-flavoured Markdown table cell: one line, nothing that opens HTML, a link,
 * an image, emphasis or code, or ends the cell. Backslash escapes render as the plain character.
 */
export function escapeMarkdownCell(text: string, maxChars = 300): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const cut = oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
  return cut.replace(/[\\`*_[\]<>|&~]/g, '\\$&');
}
