/**
 * Text that came from a user's file or a task's output is shown in one-line messages and on terminals:
 * control characters (ESC sequences can clear the screen or set the window title), NUL and bidi
 * overrides (text that reads differently than it is) are made visible, and length is capped.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, plus newline and tab.
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (char: string) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;

/** True when the text holds a character `escapeControls` would change (newline and tab allowed). */
export function hasUnsafeCharacters(text: string, { oneLine = false } = {}): boolean {
  return new RegExp((oneLine ? UNSAFE_ONE_LINE : UNSAFE).source).test(text);
}

/** Control, NUL and bidi characters as `\u001b`-style escapes; with oneLine, newlines and tabs too. */
export function escapeControls(text: string, { oneLine = false } = {}): string {
  return text.replace(oneLine ? UNSAFE_ONE_LINE : UNSAFE, visible);
}

/** At most `max` characters, with the count of those cut off. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** One field of data for a message line: capped first (bounded work), then escaped. */
export function quoteForMessage(text: string, max = 80): string {
  return escapeControls(capText(text, max), { oneLine: true });
}

/** Data for a terminal: lines kept, everything else that could drive the terminal escaped. */
export function terminalText(text: string): string {
  return escapeControls(text);
}

/**
 * A JSON document for a terminal: JSON.stringify already escapes C0 controls; DEL, C1 controls and bidi
 * characters are escaped the same way (`\u202e`), so the document parses to the same value.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, visible);
}
