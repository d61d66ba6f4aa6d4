import { expect, test } from '@playwright/test';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { HOSTILE_LINE, syntheticResults } from '../testing/synthetic-results.ts';
import { BoundedText } from './bounded-text.ts';
import { escapeMarkdownCell } from './markdown-escape.ts';
import { renderSummary, SUMMARY_LIMIT_BYTES } from './render-summary.ts';

test('totals, the AMI × network pivot, deviations with their fix, infra errors apart', () => {
  const results = {
    ...syntheticResults({ cells: 1 }),
    cells: [
      cellWith({}),
      cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED'),
      cellWith({ ami: 'al1-ecs' }, 'TIMEOUT'),
    ],
  };
  const text = renderSummary(results);
  expect(text).toContain('**3 cells: ≠ 1 deviation · ? 1 no verdict · = 1 as expected**');
  expect(text).toContain('| ami ↓ network → | bridge | host |');
  expect(text).toContain('| al2023-ecs | = 1 as expected | ≠ 1 deviation |');
  expect(text).toContain('| al1-ecs | ? 1 no verdict | – |');
  expect(text).toContain('### ≠ Deviations (1)');
  expect(text).toMatch(
    /\| network=host \| ✔ TASK_ROLE \(known-good\) \| ⇩ INSTANCE_ROLE_DENIED \| .* \| Go through the checklist/,
  );
  expect(text).toContain('### ? No verdict: infrastructure errors (1)');
  expect(text).not.toContain('Summary cut');
});

test('hostile text cannot open HTML, links or end a table cell', () => {
  const escaped = escapeMarkdownCell(`${HOSTILE_LINE} | ![img](http://x) \`code\`\nnext`);
  expect(escaped).not.toMatch(/(?<!\\)[<>|[\]`]/);
  expect(escaped).not.toContain('\n');
});

test('the summary stays under 1 MiB for any matrix, with a note saying what was left out', () => {
  const results = syntheticResults({ cells: 3000, deviations: 0.9, infra: 0.05, seed: 7 });
  for (const cell of results.cells) cell.actual.evidence.decidedBy = `${HOSTILE_LINE} ${'ü'.repeat(2000)}`;
  const text = renderSummary(results);
  expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
  expect(SUMMARY_LIMIT_BYTES).toBeLessThan(1024 * 1024);
  expect(text).toMatch(/Summary cut at 1000000 bytes for GitHub's step summary limit: \d+ more lines left out/);
});

test('BoundedText never exceeds its limit, even with a huge note', () => {
  const out = new BoundedText(100, 40);
  for (let i = 0; i < 50; i += 1) out.add(`line ${i}`);
  expect(out.truncated).toBe(true);
  const text = out.finish(() => 'x'.repeat(500));
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
});
