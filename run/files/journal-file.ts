/**
 * `--out/run-journal.json`: every create, recorded before it is sent (infra/aws/journal.ts keeps its
 * schema and entries): what may exist after an interruption at any instant. Teardown reads it; a later run
 * in the same `--out` sets an unfinished one aside rather than overwrite it.
 */
import { renameSync } from 'node:fs';
import { RunJournal } from '../../infra/aws/journal.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const JOURNAL_FILE = 'run-journal.json';

export function journalFile(config: OutDir): string {
  return inOutDir(config, JOURNAL_FILE);
}

export function readJournal(config: OutDir): RunJournal | undefined {
  return RunJournal.read(journalFile(config));
}

/** Moves an earlier run's journal to `run-journal.<its run id>.json` (its resources may still exist). */
export function setJournalAside(config: OutDir, journal: RunJournal): void {
  renameSync(journal.file, journalFile(config).replace(/\.json$/, `.${journal.runId}.json`));
}
