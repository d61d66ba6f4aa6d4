import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import type { RunMetadata } from '../../core/results/results-schema.ts';

/** The nearest package.json: the repository's in a clone, the package's when installed (code in dist/). */
const PACKAGE_JSON = findPackageJSON(import.meta.url) ?? '';

/** Metadata for a run whose setup attached none (a partial run, a fixture suite): honest unknowns. */
export function defaultMetadata(startedAt: Date): RunMetadata {
  return {
    runId: `run-${startedAt.toISOString().replace(/[:.]/g, '-')}`,
    backend: 'lab',
    region: 'unknown',
    matrixName: 'unknown',
    startedAt: startedAt.toISOString(),
    toolVersion: toolVersion(),
    amis: {},
  };
}

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Cells (and shards) each attach the metadata they saw: keep the first, widen the time span, merge AMIs,
 * an entry that knows its agent version winning over one that does not.
 */
export function mergeMetadata(current: RunMetadata | undefined, next: RunMetadata): RunMetadata {
  if (!current) return next;
  const amis = { ...next.amis, ...current.amis };
  for (const [profile, entry] of Object.entries(next.amis)) {
    if (entry.agentVersion && !amis[profile]?.agentVersion) amis[profile] = entry;
  }
  return { ...current, startedAt: [current.startedAt, next.startedAt].sort()[0] as string, amis };
}
