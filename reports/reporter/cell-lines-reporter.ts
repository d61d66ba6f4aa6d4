import type { FullConfig, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import type { CellResult } from '../../core/results/results-schema.ts';
import { terminalText } from '../../core/text/safe-text.ts';
import { VERDICT_LABELS } from '../model/labels.ts';
import { redactSecrets } from '../redact/redact-text.ts';
import { cellIdOf, errorText, reportedCell } from './cell-from-test.ts';

/** Longest evidence or error text on a line; the report and results.json hold all of it. */
const MAX_DETAIL = 200;

/**
 * The live output of a conformance run, in the matrix's words rather than a test runner's: one line per
 * cell as it ends — its verdict, its id, its actual outcome and, when it deviates, what was expected and
 * the line that decided it. No file names, no `expect(received)` frames (the cell test's assertion is
 * only how Playwright learns the verdict). Failures outside any cell get one line each.
 * Used by conformance runs instead of `list` (playwright.config.ts); the project's own checks keep `list`.
 */
export default class CellLinesReporter implements Reporter {
  private total = 0;
  private done = 0;
  private readonly write: (text: string) => void;

  constructor(options: { write?: (text: string) => void } = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.total = suite.allTests().filter((test) => cellIdOf(test) !== undefined).length;
    const workers = config.workers === 1 ? '1 worker' : `${config.workers} workers`;
    this.line(`running ${this.total} ${this.total === 1 ? 'cell' : 'cells'} with ${workers}`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const id = cellIdOf(test);
    if (id === undefined) {
      this.otherTest(test, result);
      return;
    }
    // A retry replaces an attempt: count the cell once, on its last attempt.
    if (result.status !== 'passed' && result.retry < test.retries && result.status !== 'interrupted') return;
    this.done += 1;
    this.line(`${this.progress()} ${cellLine(id, result)}`);
  }

  /**
   * Claiming stdio means Playwright prints nothing of the tests' own output: what the setup and teardown
   * projects log (provisioning, the teardown, the `--keep` sweep hint) and any cell's stderr pass through
   * here, redacted and stripped of control characters, as `list` printed them.
   */
  onStdOut(chunk: string | Buffer): void {
    this.passThrough(chunk);
  }

  onStdErr(chunk: string | Buffer): void {
    this.passThrough(chunk);
  }

  onError(error: TestError): void {
    this.line(`error outside any cell: ${firstLine(error.message ?? error.value ?? 'unknown error')}`);
  }

  private otherTest(test: TestCase, result: TestResult): void {
    const where = test.titlePath().filter(Boolean).join(' › ');
    if (result.status === 'passed' || result.status === 'skipped') return;
    this.line(`${where}: ${result.status}: ${firstLine(errorText(result)[0] ?? 'no error message')}`);
  }

  private progress(): string {
    const width = String(this.total).length;
    return `[${String(this.done).padStart(width)}/${this.total}]`;
  }

  private passThrough(chunk: string | Buffer): void {
    const text = String(chunk);
    if (text.trim() === '') return;
    this.write(terminalText(redactSecrets(text.endsWith('\n') ? text : `${text}\n`)));
  }

  private line(text: string): void {
    this.write(`${terminalText(redactSecrets(text))}\n`);
  }
}

/** `= as expected  id: TASK_ROLE (12 s)`, `≠ deviation  id: got X, expected Y (rule): evidence (3 s)`. */
export function cellLine(id: string, result: TestResult): string {
  const cell = reportedCell(result);
  const seconds = `(${Math.round(result.duration / 1000)} s)`;
  if (!cell) {
    const label = VERDICT_LABELS.infra;
    const outcome = result.status === 'timedOut' ? 'TIMEOUT' : 'INFRA_ERROR';
    const why = firstLine(errorText(result)[0] ?? `the cell's test ${result.status}`);
    return `${label.glyph} ${label.text.padEnd(11)} ${id}: ${outcome}: ${why} ${seconds}`;
  }
  return `${verdictLabel(cell)} ${id}: ${outcomeText(cell)} ${seconds}`;
}

function verdictLabel(cell: CellResult): string {
  const label = VERDICT_LABELS[cell.verdict];
  return `${label.glyph} ${label.text.padEnd(11)}`;
}

function outcomeText(cell: CellResult): string {
  const { actual, expected } = cell;
  if (cell.verdict === 'pass') return actual.outcome;
  const evidence = firstLine(actual.evidence.decidedBy);
  if (cell.verdict === 'infra') return `${actual.outcome}: ${evidence}`;
  const metadata = expected.imdsMetadata;
  if (metadata && actual.outcome === expected.outcome) {
    const read = cell.details.imdsMetadata?.result ?? 'no report';
    return `${actual.outcome}, but IMDS metadata ${read}, expected ${metadata.result} (rule ${metadata.rule})`;
  }
  return `got ${actual.outcome}, expected ${expected.outcome} (rule ${expected.rule}): ${evidence}`;
}

/** Redacted before it is cut: a secret cut in half would no longer match its pattern. */
function firstLine(text: string): string {
  const line =
    redactSecrets(text)
      .split('\n')
      .find((part) => part.trim() !== '') ?? '';
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}
