/**
 * A cell whose expectation is the team's own (a matrix `expect` entry with its `because`): a deviation
 * there says the team's expectation and this environment disagree, not that AWS misbehaved. Every place
 * that explains a deviation leads with the override and its reason.
 */
import type { CellResult } from '../results/results-schema.ts';
import { isOverride } from '../rules/expect.ts';

/** Longest `because` quoted in a one-line explanation (the matrix caps it; a results file may not). */
const MAX_BECAUSE_CHARS = 300;

/** `expect[0] ("site policy")`: the override and its reason, as every explanation names it. */
export function overrideName(cell: CellResult): string {
  const because = cell.expected.statement.replace(/\s+/g, ' ').trim();
  const shown = because.length > MAX_BECAUSE_CHARS ? `${because.slice(0, MAX_BECAUSE_CHARS)}…` : because;
  return `your matrix's ${cell.expected.rule} ("${shown}")`;
}

/** A diagnosis item (diagnose.ts's `Diagnosis`) without a documented source: the team's own rule. */
export interface OverrideDiagnosis {
  id: string;
  checklist: string;
  problem: string;
  fix: string;
  commands: string[];
}

/** The first item of a deviation's diagnosis when the team's own `expect` set what was expected. */
export function overrideDiagnosis(cell: CellResult): OverrideDiagnosis | undefined {
  if (cell.verdict !== 'fail' || !isOverride(cell.expected)) return undefined;
  const { expected, actual } = cell;
  const working =
    actual.outcome === 'TASK_ROLE' ? ' The task used its task role: this is the known-good behaviour.' : '';
  return {
    id: `override:${expected.rule}`,
    checklist: `Your matrix's expectation ${expected.rule}: ${expected.outcome}`,
    problem:
      `This deviation comes from ${overrideName(cell)}, which expects ${expected.outcome}; ` +
      `this configuration gave ${actual.outcome}.${working}`,
    fix:
      `If ${actual.outcome} is right here, change or remove ${expected.rule} in your matrix file; if your expectation ` +
      'is right, this environment differs from it: read the evidence' +
      (actual.outcome === 'TASK_ROLE' ? '.' : ' and the diagnosis of what actually happened below.'),
    commands: [],
  };
}

/** The verdict line of a cell whose expectation is the team's own; undefined for a rule's. */
export function overrideVerdictNote(cell: CellResult): string | undefined {
  if (!isOverride(cell.expected) || cell.verdict === 'infra') return undefined;
  const { expected, actual } = cell;
  if (cell.verdict === 'pass') return `As expected by ${overrideName(cell)}: ${actual.outcome}.`;
  return `Deviation from ${overrideName(cell)}: expected ${expected.outcome}, got ${actual.outcome}. Your matrix set this expectation, not a documented rule.`;
}

/** `expect[0], your matrix: "site policy"` for an override, the rule's id otherwise: where a table names the rule. */
export function ruleText(cell: CellResult): string {
  return isOverride(cell.expected) ? overrideName(cell) : cell.expected.rule;
}
