import type { RunMetadata } from '../../core/results/results-schema.ts';

/**
 * The run's metadata takes one path to results.json: provisioning writes it into run-state.json, the cells
 * attach it as `run-metadata` with what only they learn — the agent version their instance registered — and
 * the reporter merges the attachments (reports/reporter/default-metadata.ts). Attachments, not a file the
 * reporter reads, because they travel in a shard's blob report to `merge-reports`. A worker attaches it once
 * per AMI profile and agent version it saw.
 */
export class MetadataOnce {
  private readonly seen = new Set<string>();

  /** The metadata to attach for a cell of `ami` whose instance registered `agentVersion`; undefined once seen. */
  unseen(run: RunMetadata, ami: string, agentVersion: string | undefined): RunMetadata | undefined {
    const key = `${ami}@${agentVersion ?? ''}`;
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    const own = { imageId: run.amis[ami]?.imageId ?? '', ...(agentVersion ? { agentVersion } : {}) };
    return { ...run, amis: { ...run.amis, [ami]: own } };
  }
}
