/** The report embeds at most this much of one task's log; results.json keeps all of it. */
export const LOG_LIMITS = { lines: 400, lineChars: 2_000, chars: 64_000 } as const;

/**
 * The head and tail of a long log, with a marker line where lines were left out and a note; long
 * lines are cut. Short logs come back unchanged without a note.
 */
export function truncateLog(lines: readonly string[]): { log: string[]; note?: string } {
  const cut = lines.map((line) =>
    line.length > LOG_LIMITS.lineChars ? `${line.slice(0, LOG_LIMITS.lineChars)} … [line cut]` : line,
  );
  const linesCut = cut.some((line, index) => line !== lines[index]);
  let head = Math.min(cut.length, LOG_LIMITS.lines / 2);
  let tail = Math.min(cut.length - head, LOG_LIMITS.lines / 2);
  let size = 0;
  for (let i = 0; i < head; i += 1) size += (cut[i] as string).length + 1;
  for (let i = cut.length - tail; i < cut.length; i += 1) size += (cut[i] as string).length + 1;
  while (size > LOG_LIMITS.chars && head + tail > 2) {
    if (head > tail) {
      head -= 1;
      size -= (cut[head] as string).length + 1;
    } else {
      size -= (cut[cut.length - tail] as string).length + 1;
      tail -= 1;
    }
  }
  const omitted = cut.length - head - tail;
  if (omitted === 0 && !linesCut) return { log: cut };
  const log =
    omitted === 0 ? cut : [...cut.slice(0, head), `[… ${omitted} lines left out …]`, ...cut.slice(cut.length - tail)];
  return {
    log,
    note: `${omitted} of ${lines.length} lines left out of the report${linesCut ? ', long lines cut' : ''}; results.json has the full log`,
  };
}
