import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { diagnose } from '../../core/diagnoses/diagnose.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { HOSTILE_LINE, syntheticResults } from '../testing/synthetic-results.ts';
import { renderReportHtml } from './render-report-html.ts';
import { buildReportData } from './report-data.ts';

const results = {
  ...syntheticResults(),
  errors: [{ where: 'setup <b>', message: HOSTILE_LINE }],
};
results.cells[1] = cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED', {
  decidedBy: HOSTILE_LINE,
  log: [HOSTILE_LINE],
});
// An infrastructure error's text is shown in "what broke", outside the script.
results.cells[2] = cellWith({ ami: 'al2-ecs' }, 'INFRA_ERROR', { decidedBy: HOSTILE_LINE });
const html = renderReportHtml(results);

test('one self-contained file: no external script, style, image or link', () => {
  expect(html).not.toMatch(/<(script|img|link|iframe|object|embed|video|audio|source)[^>]*\s(src|href)=/i);
  expect(html).not.toMatch(/url\(|@import/);
  expect(html.match(/<script\b/g)).toHaveLength(2);
  const markup = html.replace(/<script\b[\s\S]*?<\/script>/g, '');
  // Hyperlinks (never loaded by the page): to its own views, or to documentation over https.
  const hrefs = [...markup.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1] ?? '');
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(href).toMatch(/^(#|https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\/)/);
  expect(
    [...html.matchAll(/<a\s[^>]*href="https:[^>]*>/g)].every((a) => a[0].includes('rel="noopener noreferrer"')),
  ).toBe(true);
});

test('the Content-Security-Policy allows exactly the inline script, by hash, and no network', () => {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  const script = /<script>([\s\S]*)<\/script>\n<\/body>/.exec(html)?.[1] ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
});

test('hostile text never appears unescaped: not in the data block, not in the static parts', () => {
  const withoutOwnScript = html.replace(/<script>[\s\S]*<\/script>\n<\/body>/, '');
  expect(withoutOwnScript).not.toContain('<script>window');
  expect(withoutOwnScript).not.toContain('<img');
  expect(withoutOwnScript).toContain('setup &lt;b&gt;');
  const whatBroke = /<section id="what-broke"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  expect(whatBroke).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1');
  expect(whatBroke).not.toMatch(/<(script|img)\b/);
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  expect(data).not.toMatch(/[<>]/);
  expect((JSON.parse(data) as { errors: { message: string }[] }).errors[0]?.message).toBe(HOSTILE_LINE);
});

test('report data stores each rule and diagnosis once', () => {
  const synthetic = syntheticResults({ cells: 300 });
  const data = buildReportData(synthetic);
  expect(data.cells).toHaveLength(300);
  // One entry per distinct expectation (its chain of rules), however many cells share it.
  const chains = new Set(synthetic.cells.map((cell) => cell.expected.chain.join(' → ')));
  expect(data.rules.length).toBe(chains.size);
  expect(data.rules.length).toBeLessThan(synthetic.cells.length / 5);
  // Diagnoses differ by AMI, role name and (for infra cells) the cell's own rerun command: each stored once.
  const diagnosed = new Set(synthetic.cells.map((cell) => JSON.stringify(diagnose(cell))));
  expect(data.diagnoses.length).toBe(diagnosed.size);
  expect(data.diagnoses.length).toBeLessThan(synthetic.cells.length / 2);
  expect(new Set(data.rules.map((rule) => JSON.stringify(rule))).size).toBe(data.rules.length);
});
