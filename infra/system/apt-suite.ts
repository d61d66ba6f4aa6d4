/**
 * An extra Debian suite for packages the release lacks (Go 1.23 is `golang-1.23-go` in bookworm-backports):
 * added to apt's sources as its own file, never by editing the machine's, and only when no source names it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SOURCES_DIR = '/etc/apt/sources.list.d';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Where the suite's sources file goes, named after the tool so its owner is plain. */
export function suiteSourcesFile(suite: string, dir = SOURCES_DIR): string {
  return join(dir, `ecs-taskrole-${suite}.sources`);
}

/** deb822 text for the suite on the mirror the machine already uses for its release. */
export function suiteSources(suite: string, mirror: string): string {
  return `Types: deb\nURIs: ${mirror}\nSuites: ${suite}\nComponents: main\nSigned-By: ${KEYRING}\n`;
}

/** The machine's Debian mirror: the URIs of the deb822 stanza whose Suites hold the release (`bookworm`). */
export function debianMirror(sources: readonly string[], release: string): string {
  for (const text of sources) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && suites.includes(release)) return uri;
    }
  }
  return DEFAULT_MIRROR;
}

/** Adds `suite` (e.g. bookworm-backports) to apt's sources unless a source already names it; true if added. */
export async function ensureAptSuite(suite: string, dir = SOURCES_DIR): Promise<boolean> {
  const files = existsSync(dir) ? (await readdir(dir)).filter((name) => /\.(sources|list)$/.test(name)) : [];
  const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
  const legacy = existsSync('/etc/apt/sources.list') ? [await readFile('/etc/apt/sources.list', 'utf8')] : [];
  const named = [...texts, ...legacy].some((text) =>
    text.split('\n').some((line) => !line.trimStart().startsWith('#') && new RegExp(`\\b${suite}\\b`).test(line)),
  );
  if (named) return false;
  const release = suite.split('-')[0] ?? suite;
  await writeFile(suiteSourcesFile(suite, dir), suiteSources(suite, debianMirror(texts, release)), { mode: 0o644 });
  return true;
}
