import { expect, test } from '@playwright/test';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { HOSTILE_LINE, syntheticResults } from '../testing/synthetic-results.ts';
import { diffResults } from './diff-results.ts';
import { renderDiffHtml } from './render-diff-html.ts';
import { renderDiffMarkdown } from './render-diff-md.ts';

const base = syntheticResults({ cells: 1 });
const diff = diffResults(
  { ...base, cells: [cellWith({})] },
  {
    ...base,
    run: { ...base.run, runId: 'candidate' },
    cells: [cellWith({}, 'INSTANCE_ROLE_DENIED', { decidedBy: HOSTILE_LINE })],
  },
);

test('diff.html is static, escapes evidence and leads with the behaviour change count', () => {
  const html = renderDiffHtml(diff);
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
  expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1');
  expect(html).toContain('<h1>✗ 1 behaviour changes</h1>');
  expect(html).toContain("default-src 'none'");
});

test('diff.md escapes evidence and lists the behaviour change row', () => {
  const text = renderDiffMarkdown(diff);
  expect(text).toContain('## ECS task-role conformance diff: ✗ 1 behaviour changes');
  expect(text).toContain(
    '| ✗ baseline | TASK_ROLE | INSTANCE_ROLE_DENIED | TASK\\_ROLE (rule known-good) | as expected → deviation | \\</script\\>',
  );
  expect(text).not.toMatch(/(?<!\\)<script/);
});
