import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { clientScript } from './client-bundle.ts';

test('the bundle is valid JavaScript and starts the report', () => {
  const script = clientScript('report-data');
  expect(() => new Function(script)).not.toThrow();
  expect(
    script.trimEnd().endsWith('startReport(JSON.parse(document.getElementById("report-data").textContent));'),
  ).toBe(true);
  expect(script).not.toMatch(/\bimport\b|\bexport\b|\brequire\(/);
});

test('every function the client files export is in the bundle (a missing one would fail only in the browser)', async () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const script = clientScript('x');
  const files = (await readdir(dir)).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'client-bundle.ts',
  );
  for (const file of files) {
    const module = (await import(`./${file}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function') expect(script, `${file}: ${name}`).toContain(`function ${name}(`);
    }
  }
});
