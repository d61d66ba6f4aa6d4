import type { RunResults } from '../../core/results/results-schema.ts';

/** A results file as given on the command line (or to the reporter), with where it came from. */
export interface LoadedRun {
  file: string;
  results: RunResults;
}

/** A run that is not part of the history, and why (said on stderr and in the report). */
export interface LeftOutRun {
  file: string;
  runId: string;
  reason: string;
}

export interface HistorySelection {
  /** Oldest first by the runs' start; the last is the run to report. */
  runs: RunResults[];
  leftOut: LeftOutRun[];
}

/**
 * The runs a report's history may hold: each run once (the same runId given twice — the same file, or a
 * copy — counts once), ordered by when each run started whatever the order given, and only runs of the
 * reported run's matrix. "The same matrix" is decided by content — the same set of cells — not by name:
 * a renamed matrix is the same, an edited one under the same name is not, and its outcomes would be
 * compared with cells that do not exist.
 */
export function selectHistory(given: readonly LoadedRun[]): HistorySelection {
  const leftOut: LeftOutRun[] = [];
  const byRunId = new Map<string, LoadedRun>();
  for (const run of given) {
    const { runId } = run.results.run;
    const first = byRunId.get(runId);
    if (first) {
      leftOut.push({ file: run.file, runId, reason: `the same run as ${first.file} (run ${runId}), counted once` });
    } else {
      byRunId.set(runId, run);
    }
  }
  const ordered = [...byRunId.values()].sort(
    (a, b) => Date.parse(a.results.run.startedAt) - Date.parse(b.results.run.startedAt),
  );
  const newest = ordered.at(-1);
  if (!newest) return { runs: [], leftOut };
  const matrix = cellIds(newest.results);
  const runs: RunResults[] = [];
  for (const run of ordered) {
    const difference = matrixDifference(matrix, cellIds(run.results));
    if (difference) {
      leftOut.push({
        file: run.file,
        runId: run.results.run.runId,
        reason: `a different matrix from the reported run ${newest.results.run.runId} (${difference})`,
      });
    } else {
      runs.push(run.results);
    }
  }
  return { runs, leftOut };
}

function cellIds(results: RunResults): Set<string> {
  return new Set(results.cells.map((cell) => cell.id));
}

/** '' when both runs hold the same cells, else how they differ, with one example each way. */
function matrixDifference(reported: Set<string>, other: Set<string>): string {
  const missing = [...reported].filter((id) => !other.has(id));
  const extra = [...other].filter((id) => !reported.has(id));
  if (missing.length === 0 && extra.length === 0) return '';
  const parts = [
    missing.length > 0 ? `${missing.length} of its cells not in that run, e.g. ${missing[0]}` : '',
    extra.length > 0 ? `${extra.length} cells it does not have, e.g. ${extra[0]}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}
