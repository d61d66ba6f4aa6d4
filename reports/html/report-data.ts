import { type CellDiagnosis, diagnose } from '../../core/diagnoses/diagnose.ts';
import { DIMENSION_NAMES, DIMENSIONS, type Dimension } from '../../core/matrix/dimensions.ts';
import { INFRA_OUTCOMES, OUTCOME_MEANINGS, OUTCOMES, type Outcome } from '../../core/outcome.ts';
import { imdsMetadataSummary } from '../../core/results/imds-metadata.ts';
import type { CellResult, RunError, RunMetadata, RunResults, Verdict } from '../../core/results/results-schema.ts';
import { seedInstallSummary } from '../../core/results/seed-install.ts';
import { linkSources, type SourcePart } from '../../core/rules/sources.ts';
import type { CellHistory, HistoryChange } from '../history/history.ts';
import { OUTCOME_LABELS, VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { truncateLog } from './truncate-log.ts';

/**
 * What the page's script receives: the results in a compact, de-duplicated form (a 2,000-cell run
 * with 30 runs of history must stay a few MB). Indexes point into the tables next to them.
 */
export interface ReportData {
  run: RunMetadata;
  /** Oldest first; the last is this run. One entry when there is no history. */
  runs: { runId: string; startedAt: string }[];
  /** `varies`: more than one value occurs among the cells (only those get a filter or an axis). */
  dimensions: { name: Dimension; describe: string; values: string[]; baseline: string; varies: boolean }[];
  /** The default layout: the two varying dimensions with the most values (rows, then columns). */
  pivot: { rows: string; cols: string };
  outcomes: { name: Outcome; glyph: string; short: string; meaning: string; infra: boolean }[];
  verdicts: { name: Verdict; glyph: string; text: string; meaning: string }[];
  /** `links`: the source split into its parts, each with a link where it names a known document. */
  rules: { rule: string; statement: string; source: string; links: SourcePart[]; inferred: boolean; chain: string[] }[];
  diagnoses: CellDiagnosis[];
  /** Instance console tails, each once: every cell of an instance carries the same one. */
  consoles: string[];
  cells: ReportCell[];
  errors: RunError[];
}

export interface ReportCell {
  id: string;
  /** Value index per dimension, in `dimensions` order. */
  d: number[];
  /** Expected and actual outcome indexes, verdict, rule and diagnosis indexes. */
  e: number;
  a: number;
  v: Verdict;
  r: number;
  g: number;
  by: string;
  arn?: string;
  ms: number;
  /** History: outcome and verdict index per run (-1: the run lacked the cell), flips between same-configuration runs. */
  h?: number[];
  hv?: number[];
  flips?: number;
  /** Against the run before: new deviation, still deviating, fixed, flaky. */
  c?: HistoryChange;
  /** The task's own checks beside the credentials, one line each: its IMDS metadata read, the seed's install. */
  checks?: { name: string; text: string }[];
  x: {
    instanceGroup: string;
    instanceId?: string;
    amiId?: string;
    taskArn?: string;
    stoppedReason?: string;
    exitCode?: number;
    failures?: CellResult['details']['failures'];
    taskDefinition?: unknown;
    log: string[];
    logNote?: string;
    /** Index into `consoles`. */
    console?: number;
  };
}

export function buildReportData(
  results: RunResults,
  history?: { runs: readonly RunResults[]; cells: Map<string, CellHistory> },
): ReportData {
  const dimensions = reportDimensions(results.cells);
  const tables: CompactTables = {
    valueIndex: dimensions.map((dimension) => new Map(dimension.values.map((value, index) => [value, index]))),
    outcomeIndex: new Map(OUTCOMES.map((outcome, index) => [outcome, index])),
    rules: new Interner<ReportData['rules'][number]>(),
    diagnoses: new Interner<CellDiagnosis>(),
    consoles: new Interner<string>(),
  };
  const cells = results.cells.map((cell) => compactCell(cell, tables, history?.cells.get(cell.id)));
  return {
    run: results.run,
    runs: (history?.runs ?? [results]).map(({ run }) => ({ runId: run.runId, startedAt: run.startedAt })),
    dimensions,
    pivot: defaultPivot(dimensions),
    outcomes: OUTCOMES.map((name) => ({
      name,
      ...OUTCOME_LABELS[name],
      meaning: OUTCOME_MEANINGS[name],
      infra: INFRA_OUTCOMES.has(name),
    })),
    verdicts: VERDICT_ORDER.map((name) => ({ name, ...VERDICT_LABELS[name] })),
    rules: tables.rules.values,
    diagnoses: tables.diagnoses.values,
    consoles: tables.consoles.values,
    cells,
    errors: results.errors ?? [],
  };
}

/** The lookups and de-duplicating tables the compact cells index into, shared by all cells of one report. */
interface CompactTables {
  /** Value index per dimension, in `DIMENSION_NAMES` order. */
  valueIndex: Map<string, number>[];
  outcomeIndex: Map<Outcome, number>;
  rules: Interner<ReportData['rules'][number]>;
  diagnoses: Interner<CellDiagnosis>;
  consoles: Interner<string>;
}

function reportDimensions(cells: readonly CellResult[]): ReportData['dimensions'] {
  return DIMENSION_NAMES.map((name) => {
    const values = valuesOf(name, cells);
    return {
      name,
      describe: DIMENSIONS[name].describe,
      values,
      baseline: DIMENSIONS[name].values[0] as string,
      varies: values.length > 1,
    };
  });
}

function compactCell(cell: CellResult, tables: CompactTables, past: CellHistory | undefined): ReportCell {
  const { log, note } = truncateLog(cell.details.log);
  const { expected } = cell;
  const compact: ReportCell = {
    id: cell.id,
    d: DIMENSION_NAMES.map((name, index) => tables.valueIndex[index]?.get(cell.dimensions[name]) ?? -1),
    e: tables.outcomeIndex.get(expected.outcome) ?? -1,
    a: tables.outcomeIndex.get(cell.actual.outcome) ?? -1,
    v: cell.verdict,
    r: tables.rules.index({
      rule: expected.rule,
      statement: expected.statement,
      source: expected.source,
      links: linkSources(expected.source),
      inferred: expected.inferred,
      chain: expected.chain,
    }),
    g: tables.diagnoses.index(diagnose(cell)),
    by: cell.actual.evidence.decidedBy,
    ms: cell.durationMs,
    x: {
      ...details(cell),
      log,
      ...(note ? { logNote: note } : {}),
      ...(cell.details.console === undefined ? {} : { console: tables.consoles.index(cell.details.console) }),
    },
  };
  if (cell.actual.evidence.callerArn) compact.arn = cell.actual.evidence.callerArn;
  const checks = taskChecks(cell);
  if (checks.length > 0) compact.checks = checks;
  if (past && past.points.length > 1) addHistory(compact, past, tables.outcomeIndex);
  return compact;
}

function addHistory(compact: ReportCell, past: CellHistory, outcomeIndex: Map<Outcome, number>): void {
  compact.h = past.points.map((point) => (point ? (outcomeIndex.get(point.outcome) ?? -1) : -1));
  compact.hv = past.points.map((point) => (point ? VERDICT_ORDER.indexOf(point.verdict) : -1));
  compact.flips = past.flips;
  if (past.change) compact.c = past.change;
}

/** The two varying dimensions with the most values (the matrix's order breaks ties); '' where fewer vary. */
export function defaultPivot(dimensions: ReportData['dimensions']): ReportData['pivot'] {
  const [rows, cols] = dimensions
    .filter((dimension) => dimension.varies)
    .map((dimension, order) => ({ dimension, order }))
    .sort((a, b) => b.dimension.values.length - a.dimension.values.length || a.order - b.order)
    .map(({ dimension }) => dimension.name);
  return { rows: rows ?? '', cols: cols ?? '' };
}

/** The dimension's known values that occur (canonical order), then values the tool does not know. */
function valuesOf(name: Dimension, cells: readonly CellResult[]): string[] {
  const present = new Set(cells.map((cell) => cell.dimensions[name]));
  const known = (DIMENSIONS[name].values as readonly string[]).filter((value) => present.has(value));
  const extra = [...present].filter((value) => !known.includes(value)).sort();
  return [...known, ...extra];
}

function details(cell: CellResult): Omit<ReportCell['x'], 'log' | 'logNote' | 'console'> {
  const { log: _log, console: _console, imdsMetadata: _metadata, seedInstall: _seed, ...rest } = cell.details;
  return rest;
}

/**
 * The lines of the task's own checks: what its metadata read got against what the rule expects, and what the
 * seed's literal install did (on AWS whatever dnf said; in the lab its refusal and why).
 */
function taskChecks(cell: CellResult): NonNullable<ReportCell['checks']> {
  const checks: NonNullable<ReportCell['checks']> = [];
  const expected = cell.expected.imdsMetadata;
  const read = cell.details.imdsMetadata;
  if (expected || read) {
    const got = read ? imdsMetadataSummary(read) : 'the reader printed no result';
    const rule = expected ? ` — expected ${expected.result} (rule ${expected.rule}: ${expected.statement})` : '';
    checks.push({ name: 'IMDS metadata read', text: `${got}${rule}` });
  }
  if (cell.details.seedInstall) {
    checks.push({ name: "Seed's own install", text: seedInstallSummary(cell.details.seedInstall) });
  }
  return checks;
}

/** Stores each distinct value once (by its JSON) and hands out its index. */
class Interner<T> {
  readonly values: T[] = [];
  private readonly seen = new Map<string, number>();
  index(value: T): number {
    const key = JSON.stringify(value);
    let index = this.seen.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.seen.set(key, index);
    }
    return index;
  }
}
