import { RESULTS_LIMITS } from './results-schema.ts';

/** CSI sequences (colours, cursor moves) and other two-byte escapes: a serial console is full of them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes start with ESC.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;

/**
 * The end of an instance's console as `details.console` holds it: line breaks as `\n`, terminal escapes
 * removed, at most `maxConsoleLines` lines and `maxConsoleChars` characters, cut at a line start. The end
 * is kept because that is where a failed boot (user data, the agent's service) shows.
 */
export function consoleTail(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n').replace(ESCAPES, '').replace(/\n+$/, '');
  if (text === '') return '';
  let tail = text.split('\n').slice(-RESULTS_LIMITS.maxConsoleLines).join('\n');
  if (tail.length > RESULTS_LIMITS.maxConsoleChars) {
    tail = tail.slice(-RESULTS_LIMITS.maxConsoleChars);
    const firstBreak = tail.indexOf('\n');
    // A line cut in the middle is dropped, unless it is the only one.
    if (firstBreak >= 0 && firstBreak < tail.length - 1) tail = tail.slice(firstBreak + 1);
  }
  return tail;
}
