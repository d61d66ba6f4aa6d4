import { type Diagnosis, diagnose, type SharedFix, sharedFixes } from '../../core/diagnoses/diagnose.ts';
import type { CellResult } from '../../core/results/results-schema.ts';
import { countOf } from '../../core/text/plural.ts';
import { byVerdictThenId } from '../model/totals.ts';

/** Cells that broke (a deviation or no verdict) for the same primary cause, with the cause's fix. */
export interface DiagnosisGroup {
  verdict: 'fail' | 'infra';
  /** The primary cause: what the group's cells have in common. */
  diagnosis: Omit<Diagnosis, 'commands'>;
  cells: CellResult[];
  /** The fix's commands, per AMI profile (and task role) of the group's cells. */
  fixes: SharedFix[];
}

/**
 * "What broke": deviations, then cells without a verdict, grouped by the primary cause of their
 * diagnosis. Larger groups first within each verdict, then by diagnosis id; cells by id.
 */
export function groupByDiagnosis(cells: readonly CellResult[]): DiagnosisGroup[] {
  const groups = new Map<string, DiagnosisGroup>();
  for (const cell of [...cells].sort(byVerdictThenId)) {
    if (cell.verdict === 'pass') continue;
    const primary = diagnose(cell).items[0];
    if (!primary) continue;
    const key = `${cell.verdict}\u0000${primary.id}`;
    let group = groups.get(key);
    if (!group) {
      const { commands: _commands, ...diagnosis } = primary;
      group = { verdict: cell.verdict, diagnosis, cells: [], fixes: [] };
      groups.set(key, group);
    }
    group.cells.push(cell);
  }
  const rank = (group: DiagnosisGroup) => (group.verdict === 'fail' ? 0 : 1);
  return [...groups.values()]
    .map((group) => ({ ...group, fixes: sharedFixes(group.diagnosis.id, group.cells) }))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        b.cells.length - a.cells.length ||
        (a.diagnosis.id < b.diagnosis.id ? -1 : a.diagnosis.id > b.diagnosis.id ? 1 : 0),
    );
}

/** "2 deviations: <checklist item>", "1 cell without a verdict (TIMEOUT)": how every report names a group. */
export function groupTitle(group: DiagnosisGroup): string {
  const count = group.cells.length;
  if (group.verdict === 'infra') {
    const outcomes = [...new Set(group.cells.map((cell) => cell.actual.outcome))].join(', ');
    return `${countOf(count, 'cell', 'cells')} without a verdict (${outcomes})`;
  }
  const what =
    group.diagnosis.id === 'working' ? 'unexpected success, the rule expected a failure' : group.diagnosis.checklist;
  return `${countOf(count, 'deviation', 'deviations')}: ${what}`;
}
