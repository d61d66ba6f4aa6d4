import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { terminalText } from '../../core/text/safe-text.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';
import { prepareOutDir, writingInto } from '../../reports/results/out-dir.ts';
import { writeRenderedReports } from '../../reports/write-reports.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      "re-render report.html, junit.xml and summary.md from results files; with several (oldest first) the HTML shows each cell's history and flaky cells",
    )
    .argument('<results...>', 'results.json files, oldest first; the last one is the run to report')
    .option('--out <dir>', 'output directory (default: the directory of the last results file)')
    .action(async (files: string[], options: { out?: string }) => {
      const runs = await loadAllResults(files);
      const newest = runs.at(-1);
      if (!newest) return;
      const outDir = resolve(options.out ?? dirname(files.at(-1) as string));
      prepareOutDir(outDir);
      const written = writingInto(outDir, () => writeRenderedReports(outDir, newest, runs));
      const history = runs.length > 1 ? ` (history of ${runs.length} runs)` : '';
      process.stdout.write(
        terminalText(`report:  ${written.html}${history}\njunit:   ${written.junit}\nsummary: ${written.summary}\n`),
      );
    });
}
