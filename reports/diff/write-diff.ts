import { join } from 'node:path';
import { writeFileAtomic } from '../../infra/files/atomic-file.ts';
import type { ResultsDiff } from './diff-results.ts';
import { renderDiffHtml } from './render-diff-html.ts';
import { renderDiffMarkdown } from './render-diff-md.ts';

/** Writes diff.json, diff.md and diff.html into `outDir`; returns their paths. */
export function writeDiff(outDir: string, diff: ResultsDiff): string[] {
  const files: [string, string][] = [
    [join(outDir, 'diff.json'), `${JSON.stringify(diff, null, 2)}\n`],
    [join(outDir, 'diff.md'), renderDiffMarkdown(diff)],
    [join(outDir, 'diff.html'), renderDiffHtml(diff)],
  ];
  for (const [file, text] of files) writeFileAtomic(file, text);
  return files.map(([file]) => file);
}
