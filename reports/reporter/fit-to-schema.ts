import { consoleTail } from '../../core/results/console-tail.ts';
import { type CellResult, RESULTS_LIMITS, type RunError } from '../../core/results/results-schema.ts';

/**
 * What the reporter writes must be what every reader accepts (results-schema.ts): a client that prints
 * a megabyte on one line, or a million lines, must not make the run's own results.json unreadable.
 * Free text is cut at the schema's limit with a note; a log keeps its head and tail, a console its tail.
 */
export function fitText(text: string, max: number = RESULTS_LIMITS.maxTextChars): string {
  if (text.length <= max) return text;
  const note = ` … (${text.length - max} more characters cut by the reporter)`;
  return `${text.slice(0, max - note.length)}${note}`;
}

export function fitLog(lines: readonly string[], max: number = RESULTS_LIMITS.maxLogLines): string[] {
  const fitted = lines.map((line) => fitText(line));
  if (fitted.length <= max) return fitted;
  const half = Math.floor((max - 1) / 2);
  const cut = `… ${fitted.length - 2 * half} lines cut by the reporter (results.json keeps at most ${max})`;
  return [...fitted.slice(0, half), cut, ...fitted.slice(-half)];
}

export function fitCell(cell: CellResult): CellResult {
  const { evidence } = cell.actual;
  return {
    ...cell,
    expected: { ...cell.expected, statement: fitText(cell.expected.statement), source: fitText(cell.expected.source) },
    actual: { ...cell.actual, evidence: { ...evidence, decidedBy: fitText(evidence.decidedBy) } },
    details: {
      ...cell.details,
      ...(cell.details.stoppedReason === undefined ? {} : { stoppedReason: fitText(cell.details.stoppedReason) }),
      ...(cell.details.failures === undefined
        ? {}
        : {
            failures: cell.details.failures.map((failure) => ({
              ...failure,
              reason: fitText(failure.reason),
              ...(failure.detail === undefined ? {} : { detail: fitText(failure.detail) }),
            })),
          }),
      log: fitLog(cell.details.log),
      ...(cell.details.console === undefined ? {} : { console: consoleTail(cell.details.console) }),
    },
  };
}

export function fitError(error: RunError): RunError {
  return { ...error, message: fitText(error.message) };
}
