import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { jsonForTerminal, terminalText } from '../../core/text/safe-text.ts';
import { selectHistory } from '../../reports/history/select-history.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';
import { prepareOutDir, writingInto } from '../../reports/results/out-dir.ts';
import { writeRenderedReports } from '../../reports/write-reports.ts';
import { withHelpFooter } from './help-text.ts';

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(
      "re-render report.html, junit.xml and summary.md from results files; with several the HTML shows each cell's history, what is new, still failing, fixed or flaky since the run before",
    )
    .argument(
      '<results...>',
      'results.json files in any order: ordered by when each run started, the newest is the run to report; a run given twice counts once, a run of another matrix (other cells) is left out of the history',
    )
    .option('--out <dir>', 'output directory (default: the directory of the last results file)')
    .option('--json', 'print one JSON document: { html, junit, summary, runs, reported, leftOut }');
  withHelpFooter(report, {
    exitCodes: [
      ['0', 'rendered'],
      ['2', 'a results file is missing, unreadable or fails the results schema (named with the field)'],
      ['3', 'unexpected failure'],
    ],
    examples: [
      'ecs-taskrole report reports/out/latest/results.json',
      'ecs-taskrole report night-1/results.json night-2/results.json night-3/results.json --out history/',
    ],
  });
  report.action(async (files: string[], options: { out?: string; json?: boolean }) => {
    const loaded = await loadAllResults(files);
    const { runs, leftOut } = selectHistory(
      loaded.map((results, index) => ({ file: files[index] as string, results })),
    );
    const newest = runs.at(-1);
    if (!newest) return;
    const newestFile = files[loaded.indexOf(newest)] as string;
    const outDir = resolve(options.out ?? dirname(newestFile));
    prepareOutDir(outDir);
    const written = writingInto(outDir, () => writeRenderedReports(outDir, newest, runs, leftOut));
    for (const run of leftOut)
      process.stderr.write(terminalText(`left out of the history: ${run.file}: ${run.reason}\n`));
    if (options.json) {
      const document = { ...written, runs: runs.length, reported: newest.run.runId, leftOut };
      process.stdout.write(`${jsonForTerminal(JSON.stringify(document, null, 2))}\n`);
      return;
    }
    const history = runs.length > 1 ? ` (history of ${runs.length} runs)` : '';
    process.stdout.write(
      terminalText(`report:  ${written.html}${history}\njunit:   ${written.junit}\nsummary: ${written.summary}\n`),
    );
  });
}
