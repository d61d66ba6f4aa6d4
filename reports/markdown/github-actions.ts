import type { RunResults } from '../../core/results/results-schema.ts';
import { escapeControls } from '../../core/text/safe-text.ts';
import { groupByDiagnosis, groupTitle } from '../diagnoses/group-by-diagnosis.ts';

/** The variables GitHub Actions sets in every step that these functions read. */
export type GithubEnv = Partial<Record<'GITHUB_SERVER_URL' | 'GITHUB_REPOSITORY' | 'GITHUB_RUN_ID', string>>;

/** GitHub shows at most 10 error annotations of a step (50 of a job); the rest are dropped silently. */
export const MAX_ANNOTATIONS = 10;
const MAX_TITLE = 200;
const MAX_MESSAGE = 2_000;
const MAX_CELLS = 10;

/**
 * The Actions run's page (`GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`), or undefined
 * outside Actions. Each part is checked against its documented shape, so the link cannot point elsewhere.
 */
export function githubRunUrl(env: GithubEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  if (!/^https:\/\/[\w.-]+(:\d+)?$/.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^\d+$/.test(runId))
    return undefined;
  return `${server}/${repository}/actions/runs/${runId}`;
}

/**
 * GitHub `::error` workflow commands for what broke: one per diagnosis group (deviations first, then
 * cells without a verdict) and one per failure outside any cell, at most MAX_ANNOTATIONS (the last then
 * says how many more). Print each line to a step's stdout when GITHUB_ACTIONS is "true"; each is one line
 * whatever the results hold (newlines and `%` encoded, control characters dropped).
 */
export function githubAnnotations(results: RunResults, max = MAX_ANNOTATIONS): string[] {
  const annotations: { title: string; message: string }[] = groupByDiagnosis(results.cells).map((group) => {
    const count = group.cells.length;
    const ids = group.cells.slice(0, MAX_CELLS).map((cell) => cell.id);
    const more = count > MAX_CELLS ? ` and ${count - MAX_CELLS} more` : '';
    const first = group.cells[0];
    const outcome =
      group.verdict === 'fail' && first ? ` Expected ${first.expected.outcome}, got ${first.actual.outcome}.` : '';
    return {
      title: `ECS task-role: ${groupTitle(group)}`,
      message: `Cells: ${ids.join(', ')}${more}.${outcome} ${group.diagnosis.problem} Fix: ${group.diagnosis.fix}`,
    };
  });
  for (const error of results.errors ?? []) {
    annotations.push({ title: `ECS task-role: failure outside any cell (${error.where})`, message: error.message });
  }
  if (annotations.length > max) {
    const left = annotations.length - (max - 1);
    annotations.splice(max - 1, annotations.length, {
      title: `ECS task-role: ${left} more problems`,
      message: `${left} more groups of deviations, cells without a verdict or failures: the step summary and report.html list them all.`,
    });
  }
  return annotations.map(
    ({ title, message }) =>
      `::error title=${escapeProperty(cut(title, MAX_TITLE))}::${escapeData(cut(message, MAX_MESSAGE))}`,
  );
}

/** Workflow command data: `%`, CR and LF encoded (as @actions/core does); other control and bidi characters made visible. */
function escapeData(text: string): string {
  return escapeControls(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** A property value also encodes `:` and `,`, which end it. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
