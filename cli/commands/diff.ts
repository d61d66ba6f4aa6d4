import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../core/errors.ts';
import { jsonForTerminal, terminalText } from '../../core/text/safe-text.ts';
import type { GateOptions } from '../../reports/diff/diff-gate.ts';
import { diffResults } from '../../reports/diff/diff-results.ts';
import { formatDiffText } from '../../reports/diff/format-diff-text.ts';
import { writeDiff } from '../../reports/diff/write-diff.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';
import { prepareOutDir, writingInto } from '../../reports/results/out-dir.ts';
import { withHelpFooter } from './help-text.ts';

interface DiffOptions extends GateOptions {
  out?: string;
  json?: boolean;
}

export function registerDiff(program: Command): void {
  const diff = program
    .command('diff')
    .description(
      'compare two runs cell by cell: regressions, unjudged cells, fixes, changed outcomes, new and removed cells; exit 1 unless the candidate passes the gate (no regression, no cell removed, every cell that was as expected judged, same matrix, cells in both runs)',
    )
    .argument('<baseline>', 'results.json of the baseline run (e.g. the current AMI)')
    .argument('<candidate>', 'results.json of the candidate run (e.g. the new AMI or agent)')
    .option('--out <dir>', 'also write diff.json, diff.md and diff.html into this directory')
    .option('--json', 'print the diff as one JSON document')
    .option('--allow-removed', 'pass the gate although cells of the baseline are missing from the candidate')
    .option('--allow-unjudged', 'pass the gate although cells that were as expected are now INFRA_ERROR/TIMEOUT')
    .option('--allow-matrix-change', 'pass the gate although the runs are of differently named matrices');
  withHelpFooter(diff, {
    exitCodes: [
      ['0', 'the candidate passes the gate'],
      ['1', 'it does not (a regression, an empty run, a removed or unjudged cell, another matrix)'],
      ['2', 'bad input or usage: a results file missing, unreadable or failing the results schema'],
      ['3', 'unexpected failure'],
    ],
    examples: [
      'ecs-taskrole diff current/results.json candidate/results.json',
      'ecs-taskrole diff current/results.json candidate/results.json --out gate/ --json',
    ],
  });
  diff.action(async (baselineFile: string, candidateFile: string, options: DiffOptions) => {
    const [baseline, candidate] = await loadAllResults([baselineFile, candidateFile]);
    if (!baseline || !candidate) return;
    const outDir = options.out ? resolve(options.out) : undefined;
    if (outDir) prepareOutDir(outDir);
    const result = diffResults(baseline, candidate, options);
    process.stdout.write(
      options.json ? `${jsonForTerminal(JSON.stringify(result, null, 2))}\n` : formatDiffText(result),
    );
    if (outDir) {
      const files = writingInto(outDir, () => writeDiff(outDir, result));
      // With --json, stdout is the document alone.
      (options.json ? process.stderr : process.stdout).write(terminalText(`diff written: ${files.join(', ')}\n`));
    }
    process.exitCode = result.gate.passed ? EXIT.ok : EXIT.deviations;
  });
}
