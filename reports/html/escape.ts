/** Text for HTML element content and quoted attribute values: nothing in it can open a tag or end a quote. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] as string);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` become \u escapes, so no log
 * line can close the script element (`</script>`) or open a comment (`<!--`); U+2028/2029 too, for old
 * parsers. JSON.parse restores the exact text.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
