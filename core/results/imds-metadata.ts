import { type ImdsMetadata, imdsMetadataSchema } from './results-schema.ts';

/**
 * The line a `process: imds-metadata-reader` task prints after reading IMDS for its own metadata
 * (infra/task-definition/imds-reader.ts): this prefix, then one JSON object with `tokenRequest` and either
 * `region` and `instanceId` or `error`. Never the token itself.
 */
export const IMDS_METADATA_MARK = 'imds-metadata: ';

/**
 * What the metadata read got, from the task's log lines: `read` when both region and instance id came
 * back, else `failed`. Undefined when no line was printed (the reader never ran); a line that is not the
 * reader's JSON is a failed read that says so.
 */
export function imdsMetadataOf(logLines: readonly string[]): ImdsMetadata | undefined {
  const line = logLines.find((candidate) => candidate.startsWith(IMDS_METADATA_MARK));
  if (line === undefined) return undefined;
  const printed = parsePrinted(line.slice(IMDS_METADATA_MARK.length));
  const read = printed.region !== undefined && printed.instanceId !== undefined;
  const parsed = imdsMetadataSchema.safeParse({ ...printed, result: read ? 'read' : 'failed' });
  return parsed.success
    ? parsed.data
    : { result: 'failed', tokenRequest: 'unknown', error: 'the reader printed values this tool does not accept' };
}

const PRINTED_FIELDS = ['tokenRequest', 'region', 'instanceId', 'error'] as const;

function parsePrinted(json: string): Partial<Omit<ImdsMetadata, 'result'>> & { tokenRequest: string } {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    const fields = value as Record<string, unknown>;
    const strings = PRINTED_FIELDS.filter((key) => typeof fields[key] === 'string').map((key) => [key, fields[key]]);
    return { tokenRequest: 'unknown', ...Object.fromEntries(strings) };
  } catch {
    return { tokenRequest: 'unknown', error: 'the reader printed no JSON object' };
  }
}

/** One line for a reader: what was read, or why not, and how the token request went. */
export function imdsMetadataSummary(metadata: ImdsMetadata): string {
  const token =
    metadata.tokenRequest === 'obtained'
      ? 'with an IMDSv2 token'
      : `without a token (token request: ${metadata.tokenRequest})`;
  return metadata.result === 'read'
    ? `read ${token}: region ${metadata.region}, instance ${metadata.instanceId}`
    : `failed ${token}: ${metadata.error ?? 'no value came back'}`;
}
