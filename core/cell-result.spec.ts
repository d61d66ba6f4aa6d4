import { expect, test } from '@playwright/test';
import { cellResult, verdictOf } from './cell-result.ts';
import { makeCell } from './matrix/cell.ts';
import { DEFAULT_BASELINE, type PartialDimensions } from './matrix/dimensions.ts';
import type { Outcome } from './outcome.ts';
import type { ImdsMetadata } from './results/results-schema.ts';
import { expectationFor } from './rules/expect.ts';

test('the expected outcome is a pass', () => expect(verdictOf('NOT_PLACED', 'NOT_PLACED')).toBe('pass'));
test('another outcome is a deviation', () => expect(verdictOf('TASK_ROLE', 'INSTANCE_ROLE_DENIED')).toBe('fail'));
test('INFRA_ERROR is never a verdict', () => expect(verdictOf('TASK_ROLE', 'INFRA_ERROR')).toBe('infra'));
test('TIMEOUT is never a verdict, even when expected', () => expect(verdictOf('TIMEOUT', 'TIMEOUT')).toBe('infra'));

test.describe('imds-metadata-reader: the metadata read is judged beside the outcome', () => {
  const planned = (partial: PartialDimensions) => {
    const cell = makeCell({ ...DEFAULT_BASELINE, process: 'imds-metadata-reader', ...partial });
    return { ...cell, expected: expectationFor(cell) };
  };
  const classified = (outcome: Outcome) => ({ outcome, evidence: { decidedBy: outcome } });
  const details = (imdsMetadata?: ImdsMetadata) => ({
    instanceGroup: 'g',
    log: [],
    ...(imdsMetadata ? { imdsMetadata } : {}),
  });
  const read: ImdsMetadata = { result: 'read', tokenRequest: 'obtained', region: 'us-west-2', instanceId: 'i-0abc' };
  const failed: ImdsMetadata = {
    result: 'failed',
    tokenRequest: 'timed out',
    error: 'meta-data/placement/region: HTTP 401',
  };

  test('the expected outcome with the expected read passes; with the other read it deviates', () => {
    expect(cellResult(planned({}), classified('TASK_ROLE'), details(read), 1).verdict).toBe('pass');
    expect(cellResult(planned({}), classified('TASK_ROLE'), details(failed), 1).verdict).toBe('fail');
    const hop1 = planned({ imdsOptions: 'v2-hop1' });
    expect(cellResult(hop1, classified('TASK_ROLE'), details(failed), 1).verdict).toBe('pass');
    expect(cellResult(hop1, classified('TASK_ROLE'), details(read), 1).verdict).toBe('fail');
  });

  test('a task that ran without the reader reporting deviates; one that never ran is judged by its outcome', () => {
    expect(cellResult(planned({}), classified('TASK_ROLE'), details(), 1).verdict).toBe('fail');
    const notPlaced = planned({ taskIamRoleFlag: 'false' });
    expect(cellResult(notPlaced, classified('NOT_PLACED'), details(), 1).verdict).toBe('pass');
    expect(cellResult(planned({}), classified('INFRA_ERROR'), details(), 1).verdict).toBe('infra');
  });

  test('other processes are judged by their outcome alone', () => {
    const cell = makeCell(DEFAULT_BASELINE);
    const plain = { ...cell, expected: expectationFor(cell) };
    expect(cellResult(plain, classified('TASK_ROLE'), details(), 1).verdict).toBe('pass');
  });
});
