import { expect, test } from '@playwright/test';
import { IMDS_METADATA_MARK, imdsMetadataOf } from '../../core/results/imds-metadata.ts';
import { redactValue } from './redact-results.ts';

/**
 * The metadata reader's report names how its token request went, never the token: a field or log key that
 * the redaction pass takes for a secret (`token`) would turn `obtained` or `timed out` into `[redacted]`.
 */
test("a metadata read and its log line pass the redaction untouched; a token's value would not", () => {
  const line = `${IMDS_METADATA_MARK}${JSON.stringify({ tokenRequest: 'timed out', error: 'meta-data/placement/region: HTTP 401' })}`;
  const metadata = imdsMetadataOf([line]);
  expect(redactValue({ imdsMetadata: metadata, log: [line] })).toEqual({ imdsMetadata: metadata, log: [line] });
  expect(redactValue({ token: 'AQAEAabc' })).toEqual({ token: '[redacted]' });
});
