import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { debianMirror, ensureAptSuite, suiteSourcesFile } from './apt-suite.ts';

const DEBIAN = 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';

test("bookworm-backports is added as its own file on the machine's mirror, once", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'apt-suite-'));
  try {
    await writeFile(join(dir, 'debian.sources'), DEBIAN);
    expect(await ensureAptSuite('bookworm-backports', dir)).toBe(true);
    const added = await readFile(suiteSourcesFile('bookworm-backports', dir), 'utf8');
    expect(added).toContain('URIs: http://mirror.example/debian\nSuites: bookworm-backports\n');
    expect(await ensureAptSuite('bookworm-backports', dir)).toBe(false);
    expect(await readFile(join(dir, 'debian.sources'), 'utf8')).toBe(DEBIAN);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("without a stanza for the release, the mirror is Debian's own", () => {
  expect(debianMirror(['Types: deb\nURIs: https://other.example\nSuites: nodistro\n'], 'bookworm')).toBe(
    'http://deb.debian.org/debian',
  );
});
