/**
 * The last lines of a failed command's output on one line: what an error message quotes of it (the cause
 * is nearly always at the end, and the whole output would drown the message).
 */
export function outputTail(output: string, lines = 3): string {
  return output.trim().split('\n').slice(-lines).join(' ');
}
