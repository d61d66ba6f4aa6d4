/**
 * The run journal (`--out/run-journal.json`, owner-only): every resource provisioning creates is written
 * here *before* its create request is sent, and marked after it answers, so an interruption at any
 * instant (even SIGKILL) leaves a list of what may exist. Teardown deletes from it, marks each deletion,
 * and is safe to repeat.
 */
import { z } from 'zod';
import { readJsonFileIfExists, writeJsonFile } from '../files/json-file.ts';
import { deletionRank, JOURNALED_KINDS, type JournaledKind } from './resource-kinds.ts';

const entrySchema = z.strictObject({
  kind: z.enum(JOURNALED_KINDS),
  /** The name the harness chose (an instance's Name tag): known before the create is sent. */
  name: z.string(),
  /** What the create answered (an instance id, an ARN). */
  id: z.string().optional(),
  status: z.enum(['creating', 'created', 'deleted']),
});
export type JournalEntry = z.infer<typeof entrySchema>;

/**
 * Where the resources are is not repeated here: the run's backend record has one home, `--out/backend.json`
 * (run/files/backend-file.ts), which the teardown connects from.
 */
const currentJournalSchema = z.strictObject({
  journalVersion: z.literal(2),
  runId: z.string(),
  entries: z.array(entrySchema),
});
/** Version 1 (0.2.0) also held its own copy of the backend record: read, the copy dropped. */
const journalV1Schema = z
  .strictObject({
    journalVersion: z.literal(1),
    runId: z.string(),
    backend: z.unknown(),
    entries: z.array(entrySchema),
  })
  .transform(({ runId, entries }) => ({ journalVersion: 2 as const, runId, entries }));
export const journalSchema = z.union([currentJournalSchema, journalV1Schema]);
export type JournalFile = z.infer<typeof currentJournalSchema>;

export class RunJournal {
  readonly file: string;
  private readonly data: JournalFile;

  private constructor(file: string, data: JournalFile) {
    this.file = file;
    this.data = data;
  }

  static start(file: string, runId: string): RunJournal {
    const journal = new RunJournal(file, { journalVersion: 2, runId, entries: [] });
    journal.save();
    return journal;
  }

  static read(file: string): RunJournal | undefined {
    const data = readJsonFileIfExists(file, journalSchema);
    return data ? new RunJournal(file, data) : undefined;
  }

  get runId(): string {
    return this.data.runId;
  }

  /**
   * Whether provisioning ever got to a create: every create is recorded before it is sent (and the cells'
   * own task definitions need instances), so a journal without entries means the run created nothing.
   */
  recordedAnything(): boolean {
    return this.data.entries.length > 0;
  }

  /** Resources that may still exist, in deletion order. */
  pending(): JournalEntry[] {
    const rank = (entry: JournalEntry) => deletionRank(entry.kind);
    return this.data.entries.filter((entry) => entry.status !== 'deleted').sort((a, b) => rank(a) - rank(b));
  }

  /** Before the create request: from now on the resource may exist. */
  creating(kind: JournaledKind, name: string): void {
    if (this.find(kind, name)) return;
    this.data.entries.push({ kind, name, status: 'creating' });
    this.save();
  }

  created(kind: JournaledKind, name: string, id?: string): void {
    this.update(kind, name, { status: 'created', ...(id ? { id } : {}) });
  }

  deleted(kind: JournaledKind, name: string): void {
    this.update(kind, name, { status: 'deleted' });
  }

  private find(kind: JournaledKind, name: string): JournalEntry | undefined {
    return this.data.entries.find((entry) => entry.kind === kind && entry.name === name);
  }

  private update(kind: JournaledKind, name: string, change: Partial<JournalEntry>): void {
    const entry = this.find(kind, name);
    if (!entry) throw new Error(`journal: ${kind} ${name} was never recorded as being created`);
    Object.assign(entry, change);
    this.save();
  }

  /** Synchronous and atomic: a signal handler never sees half a file, and concurrent creates serialize. */
  private save(): void {
    writeJsonFile(this.file, this.data);
  }
}
