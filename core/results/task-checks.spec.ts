import { expect, test } from '@playwright/test';
import { IMDS_METADATA_MARK, imdsMetadataOf, imdsMetadataSummary } from './imds-metadata.ts';
import { cellDetailsSchema } from './results-schema.ts';
import { SEED_INSTALL_EXIT_MARK, SEED_INSTALL_MARK, seedInstallOf, seedInstallSummary } from './seed-install.ts';

/** What the lab's dnf prints for the seed's literal install (lab/images/image-packages.ts). */
const LAB_REFUSAL = [
  'No match for argument: aws-cli',
  "lab image: whether AL2023's repository resolves 'aws-cli' (as a provide of awscli-2) is not established by a public source; the lab fails it as dnf fails an unknown name (docs/lab-differences.md)",
  'Error: Unable to find a match: aws-cli',
];

test.describe("the seed's own install, read from the task's log", () => {
  const framed = (output: string[], exit?: number) => [
    'before',
    `${SEED_INSTALL_MARK}yum install -y aws-cli`,
    ...output,
    ...(exit === undefined ? [] : [`${SEED_INSTALL_EXIT_MARK}${exit}`]),
    'Installed: awscli-2',
  ];

  test('the refusal: command, exit code and output between the marks; the summary keeps the not-established line', () => {
    const seed = seedInstallOf(framed(LAB_REFUSAL, 1));
    expect(seed).toEqual({ command: 'yum install -y aws-cli', exitCode: 1, output: LAB_REFUSAL });
    const summary = seedInstallSummary(seed as NonNullable<typeof seed>);
    expect(summary).toContain('`yum install -y aws-cli`: exit 1');
    expect(summary).toContain('No match for argument: aws-cli');
    expect(summary).toContain('is not established');
  });

  test('no exit line: the container stopped inside the command (an OOM kill at 128 MiB)', () => {
    const seed = seedInstallOf(framed(['Amazon Linux 2023 repository  12 MB/s']));
    expect(seed?.exitCode).toBeUndefined();
    expect(seedInstallSummary(seed as NonNullable<typeof seed>)).toContain('did not finish');
  });

  test('a long output keeps its tail within the schema; no mark, no result', () => {
    const many = Array.from({ length: 500 }, (_, index) => `line ${index} ${'x'.repeat(2_000)}`);
    const seed = seedInstallOf(framed(many, 0));
    expect(seed?.output).toHaveLength(20);
    expect(seed?.output.at(-1)).toMatch(/^line 499 x+$/);
    expect(cellDetailsSchema.safeParse({ instanceGroup: 'g', log: [], seedInstall: seed }).success).toBe(true);
    expect(seedInstallOf(['Installed: awscli-2', 'Complete!'])).toBeUndefined();
  });
});

test.describe("the metadata read, read from the task's log", () => {
  const line = (value: unknown) => `${IMDS_METADATA_MARK}${JSON.stringify(value)}`;

  test('region and instance id with a token: read', () => {
    const metadata = imdsMetadataOf([
      'x',
      line({ tokenRequest: 'obtained', region: 'us-west-2', instanceId: 'i-0abc' }),
    ]);
    expect(metadata).toEqual({ result: 'read', tokenRequest: 'obtained', region: 'us-west-2', instanceId: 'i-0abc' });
    expect(imdsMetadataSummary(metadata as NonNullable<typeof metadata>)).toBe(
      'read with an IMDSv2 token: region us-west-2, instance i-0abc',
    );
  });

  test('the token timed out and the token-less request got 401: failed, saying so', () => {
    const metadata = imdsMetadataOf([
      line({ tokenRequest: 'timed out', error: 'meta-data/placement/region: HTTP 401' }),
    ]);
    expect(metadata).toEqual({
      result: 'failed',
      tokenRequest: 'timed out',
      error: 'meta-data/placement/region: HTTP 401',
    });
    expect(imdsMetadataSummary(metadata as NonNullable<typeof metadata>)).toBe(
      'failed without a token (token request: timed out): meta-data/placement/region: HTTP 401',
    );
  });

  test("no line: no result; a line that is not the reader's JSON, or values the schema refuses: a failed read", () => {
    expect(imdsMetadataOf(['{"taskArns": []}'])).toBeUndefined();
    expect(imdsMetadataOf([`${IMDS_METADATA_MARK}Traceback`])).toMatchObject({ result: 'failed' });
    expect(
      imdsMetadataOf([line({ tokenRequest: 'obtained', region: 'us\u202ewest', instanceId: 'i-1' })]),
    ).toMatchObject({
      result: 'failed',
      error: 'the reader printed values this tool does not accept',
    });
  });
});
