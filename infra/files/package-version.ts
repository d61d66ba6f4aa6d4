import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';

/** This tool's version, from the nearest package.json: the repository's in a clone, the package's installed. */
export function packageVersion(): string {
  const file = findPackageJSON(import.meta.url);
  const manifest = file ? (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }) : {};
  return manifest.version ?? '0.0.0';
}
