import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../core/errors.ts';
import { jsonForTerminal, terminalText } from '../../core/text/safe-text.ts';
import { type GateOptions, parseAccepts } from '../../reports/diff/diff-gate.ts';
import { diffResults } from '../../reports/diff/diff-results.ts';
import { formatDiffText } from '../../reports/diff/format-diff-text.ts';
import { writeDiff } from '../../reports/diff/write-diff.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';
import { prepareOutDir, writingInto } from '../../reports/results/out-dir.ts';
import { type HelpFooter, withHelpFooter } from './help-text.ts';

interface DiffOptions extends GateOptions {
  out?: string;
  json?: boolean;
}

export function registerDiff(program: Command): void {
  const diff = defineDiffCommand(program);
  withHelpFooter(diff, DIFF_HELP_FOOTER);
  diff.action(runDiff);
}

function defineDiffCommand(program: Command): Command {
  return program
    .command('diff')
    .description(
      'compare two runs configuration by configuration: behaviour changes (the same configuration gave another outcome, ' +
        'whatever either run expected), unjudged cells (no outcome in the candidate, or in the baseline), expectation changes (same outcome, another expected outcome: ' +
        'reported, never a failure), new and removed cells. Exit 1 unless the candidate passes the gate: no behaviour ' +
        'change it was not told to accept, every cell judged, the same matrix (same configurations, whatever the name), ' +
        'two different runs, each with cells, at least one configuration judged in both',
    )
    .argument('<baseline>', 'results.json of the baseline run (e.g. the current AMI)')
    .argument('<candidate>', 'results.json of the candidate run (e.g. the new AMI or agent)')
    .option('--out <dir>', 'also write diff.json, diff.md and diff.html into this directory')
    .option('--json', 'print the diff as one JSON document')
    .option(
      '--accept-behaviour-change <cell>',
      'pass the gate although this cell changed behaviour: a cell id, ID:OUTCOME (only if it now gives OUTCOME), or all (repeatable)',
      collect,
    )
    .option('--allow-removed', 'pass the gate although cells of the baseline are missing from the candidate')
    .option(
      '--allow-unjudged',
      'pass the gate although cells have no outcome (INFRA_ERROR/TIMEOUT) in the candidate or the baseline',
    )
    .option(
      '--allow-matrix-change',
      'pass the gate although the runs cover different configurations (cells in one run only are listed, not compared)',
    );
}

const DIFF_HELP_FOOTER: HelpFooter = {
  exitCodes: [
    ['0', 'the candidate passes the gate (expectation changes are listed, never a failure)'],
    [
      '1',
      'it does not: a behaviour change not accepted, an unjudged cell, a different matrix, the same run twice, an empty run, no configuration judged in both',
    ],
    [
      '2',
      'bad input or usage: a results file missing, unreadable or failing the results schema, or with one configuration in two cells; a malformed flag value',
    ],
    ['3', 'unexpected failure'],
  ],
  examples: [
    'ecs-taskrole diff current/results.json candidate/results.json',
    'ecs-taskrole diff current/results.json candidate/results.json --out gate/ --json',
    "ecs-taskrole diff current/results.json candidate/results.json --accept-behaviour-change 'ami=al1-ecs:INSTANCE_ROLE_DENIED'",
  ],
};

async function runDiff(baselineFile: string, candidateFile: string, options: DiffOptions): Promise<void> {
  // A malformed accept value is bad input before anything is read or written.
  parseAccepts(options.acceptBehaviourChange ?? []);
  const [baseline, candidate] = await loadAllResults([baselineFile, candidateFile]);
  if (!baseline || !candidate) return;
  // Before the out directory is made: a run with one configuration twice is bad input, nothing written.
  const result = diffResults(baseline, candidate, options, { baseline: baselineFile, candidate: candidateFile });
  const outDir = options.out ? resolve(options.out) : undefined;
  if (outDir) prepareOutDir(outDir);
  process.stdout.write(options.json ? `${jsonForTerminal(JSON.stringify(result, null, 2))}\n` : formatDiffText(result));
  if (outDir) {
    const files = writingInto(outDir, () => writeDiff(outDir, result));
    // With --json, stdout is the document alone.
    (options.json ? process.stderr : process.stdout).write(terminalText(`diff written: ${files.join(', ')}\n`));
  }
  process.exitCode = result.gate.passed ? EXIT.ok : EXIT.deviations;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
