import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { jsonForTerminal, terminalText } from '../../core/text/safe-text.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';
import { prepareOutDir, writingInto } from '../../reports/results/out-dir.ts';
import { writeRenderedReports } from '../../reports/write-reports.ts';
import { withHelpFooter } from './help-text.ts';

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(
      "re-render report.html, junit.xml and summary.md from results files; with several (oldest first) the HTML shows each cell's history and flaky cells",
    )
    .argument('<results...>', 'results.json files, oldest first; the last one is the run to report')
    .option('--out <dir>', 'output directory (default: the directory of the last results file)')
    .option('--json', 'print one JSON document: { html, junit, summary, runs }');
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
    const runs = await loadAllResults(files);
    const newest = runs.at(-1);
    if (!newest) return;
    const outDir = resolve(options.out ?? dirname(files.at(-1) as string));
    prepareOutDir(outDir);
    const written = writingInto(outDir, () => writeRenderedReports(outDir, newest, runs));
    if (options.json) {
      process.stdout.write(`${jsonForTerminal(JSON.stringify({ ...written, runs: runs.length }, null, 2))}\n`);
      return;
    }
    const history = runs.length > 1 ? ` (history of ${runs.length} runs)` : '';
    process.stdout.write(
      terminalText(`report:  ${written.html}${history}\njunit:   ${written.junit}\nsummary: ${written.summary}\n`),
    );
  });
}
