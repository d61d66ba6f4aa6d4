import type { CellResult } from '../results/results-schema.ts';
import type { DocLink } from '../rules/sources.ts';
import { AMI_COMMANDS } from './ami-commands.ts';
import { type CommandContext, DIAGNOSES, type DiagnosisEntry } from './diagnosis-table.ts';
import { overrideDiagnosis, overrideVerdictNote } from './override-diagnosis.ts';

export interface Diagnosis {
  id: string;
  checklist: string;
  problem: string;
  fix: string;
  /** Where the checklist item is documented (absent for the harness's own failures). */
  source?: DocLink;
  /** Exact commands for the cell's AMI, in order; `#` lines are comments. */
  commands: string[];
}

export interface CellDiagnosis {
  /** How to read the cell: as expected, a deviation, an unexpected success, or no verdict. */
  verdictNote: string;
  /** The OS the commands are for. */
  os: string;
  /** The primary cause first; never empty. */
  items: Diagnosis[];
}

/** The diagnosis of one cell: every specific table entry that matches, else the fallback entries. */
export function diagnose(cell: CellResult): CellDiagnosis {
  const matching = DIAGNOSES.filter((entry) => applies(entry, cell));
  const specific = matching.filter((entry) => !entry.fallback);
  const override = overrideDiagnosis(cell);
  // Led by the team's own expectation, a deviation with the known-good outcome has nothing else to fix.
  const chosen = (specific.length > 0 ? specific : matching).filter((entry) => !(override && entry.id === 'working'));
  const context = commandContext(cell);
  const items: Diagnosis[] = chosen.map((entry) => ({
    id: entry.id,
    checklist: entry.checklist,
    problem: entry.problem,
    fix: entry.fix,
    ...(entry.source ? { source: entry.source } : {}),
    commands: entry.commands(context),
  }));
  if (override) items.unshift(override);
  if (items.length === 0) {
    items.push({
      id: 'no-entry',
      checklist: 'No checklist item',
      problem: `No diagnosis is known for ${cell.actual.outcome} in this configuration.`,
      fix: 'Read the evidence and the task log below.',
      commands: [],
    });
  }
  return { verdictNote: verdictNote(cell), os: AMI_COMMANDS[context.ami]?.os ?? cell.dimensions.ami, items };
}

/** The commands of one diagnosis for several cells at once, per AMI profile and task role. */
export interface SharedFix {
  os: string;
  commands: string[];
  /** Ids of the cells these commands are for (their `--grep` patterns joined into one). */
  cells: string[];
}

/**
 * One command list per (AMI profile, task role) among `cells`, for the diagnosis `id`; a rerun command
 * selects all of the list's cells at once. Empty when the entry is unknown or has no commands.
 */
export function sharedFixes(id: string, cells: readonly CellResult[]): SharedFix[] {
  const entry = DIAGNOSES.find((candidate) => candidate.id === id);
  if (!entry) return [];
  const byContext = new Map<string, { context: CommandContext; cells: CellResult[] }>();
  for (const cell of cells) {
    const context = commandContext(cell);
    const key = `${context.ami}\u0000${context.taskRoleName}`;
    const group = byContext.get(key) ?? { context, cells: [] };
    group.cells.push(cell);
    byContext.set(key, group);
  }
  return [...byContext.values()]
    .map(({ context, cells: group }) => ({
      os: AMI_COMMANDS[context.ami]?.os ?? context.ami,
      commands: entry.commands({ ...context, cellPattern: group.map((cell) => cellPattern(cell.id)).join('|') }),
      cells: group.map((cell) => cell.id),
    }))
    .filter((fix) => fix.commands.length > 0);
}

function applies(entry: DiagnosisEntry, cell: CellResult): boolean {
  if (!entry.outcomes.includes(cell.actual.outcome)) return false;
  const wanted = Object.entries(entry.dimensions ?? {}) as [keyof CellResult['dimensions'], readonly string[]][];
  if (!wanted.every(([name, values]) => values.includes(cell.dimensions[name]))) return false;
  const read = cell.details.imdsMetadata?.result;
  return !entry.imdsMetadata || (read !== undefined && entry.imdsMetadata.includes(read));
}

function verdictNote(cell: CellResult): string {
  const own = overrideVerdictNote(cell);
  if (own) return own;
  const { expected, actual } = cell;
  const rule = `rule ${expected.rule}`;
  if (cell.verdict === 'infra') {
    return `No verdict: the harness or backend failed (${actual.outcome}), so nothing is known about this configuration. Expected ${expected.outcome} (${rule}).`;
  }
  const metadata = expected.imdsMetadata;
  if (cell.verdict === 'fail' && metadata && actual.outcome === expected.outcome) {
    const read = cell.details.imdsMetadata?.result ?? 'no report from the reader';
    return `Deviation in the IMDS metadata read: expected ${metadata.result} (rule ${metadata.rule}), got ${read}; the credentials outcome, ${actual.outcome}, is as expected.`;
  }
  if (cell.verdict === 'pass') {
    return actual.outcome === 'TASK_ROLE'
      ? 'As expected: the known-good behaviour.'
      : `As expected (${rule}): this configuration is documented to end in ${actual.outcome}. The fix below makes it work.`;
  }
  if (actual.outcome === 'TASK_ROLE') {
    return `Unexpected success: ${rule} expected ${expected.outcome}. Either this environment differs from the documented behaviour or the rule is wrong; check the evidence before trusting either.`;
  }
  return `Deviation: expected ${expected.outcome} (${rule}), got ${actual.outcome}. The diagnosis below is for what actually happened.`;
}

function commandContext(cell: CellResult): CommandContext {
  const ami = (cell.dimensions.ami in AMI_COMMANDS ? cell.dimensions.ami : 'al2023-ecs') as CommandContext['ami'];
  return { ami, taskRoleName: taskRoleName(cell) ?? 'TASK_ROLE_NAME', cellPattern: cellPattern(cell.id) };
}

function taskRoleName(cell: CellResult): string | undefined {
  const definition = cell.details.taskDefinition as { taskRoleArn?: unknown } | undefined;
  const arn = typeof definition?.taskRoleArn === 'string' ? definition.taskRoleArn : undefined;
  const name = arn ? /:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1] : undefined;
  return name;
}

/** `^id$` with regex metacharacters escaped, safe inside single shell quotes. */
export function cellPattern(id: string): string {
  return `^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`.replace(/'/g, `'\\''`);
}
