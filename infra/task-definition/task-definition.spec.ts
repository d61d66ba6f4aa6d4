import { expect, test } from '@playwright/test';
import { makeCell } from '../../core/matrix/cell.ts';
import { DEFAULT_BASELINE, type PartialDimensions } from '../../core/matrix/dimensions.ts';
import { SEED_INSTALL_EXIT_MARK, SEED_INSTALL_MARK } from '../../core/results/seed-install.ts';
import { expectationFor } from '../../core/rules/expect.ts';
import { clientContainer } from './client-container.ts';
import { seedInstallCommand, taskDefinitionFor } from './task-definition.ts';

const CONTEXT = { family: 'f-1', cluster: 'c', region: 'us-west-2', logGroup: 'g', taskRoleArn: 'arn:r', tags: [] };

function commandOf(partial: PartialDimensions): string {
  const cell = makeCell({ ...DEFAULT_BASELINE, ...partial });
  const definition = taskDefinitionFor({ ...cell, expected: expectationFor(cell) }, CONTEXT);
  return definition.containerDefinitions?.[0]?.command?.[0] ?? '';
}

/** Every base64 payload of a command, decoded: what the task's shell will run. */
function decoded(command: string): string {
  return [...command.matchAll(/echo ([A-Za-z0-9+/=]{8,}) \| base64 -d/g)]
    .map((match) => Buffer.from(match[1] as string, 'base64').toString())
    .join('\n');
}

test("the seed's literal install is the seed task definition's own first statement", () => {
  expect(seedInstallCommand()).toBe('yum install -y aws-cli');
});

test("a seed replay on the seed's image runs the seed's install as its own framed step, then the harness's", () => {
  const command = commandOf({ taskMemory: 'seed' });
  const seedStep = command.indexOf(`echo "${SEED_INSTALL_MARK}$s"`);
  expect(seedStep).toBeGreaterThanOrEqual(0);
  expect(command).toContain(`echo "${SEED_INSTALL_EXIT_MARK}$?"`);
  expect(decoded(command)).toContain('yum install -y aws-cli');
  // The harness's own install still follows, so the cell works whatever the seed's name resolves to.
  expect(command.indexOf('dnf install -y awscli-2')).toBeGreaterThan(seedStep);
});

test("no seed step outside a seed replay, nor on an image that is not the seed's", () => {
  expect(commandOf({})).not.toContain(SEED_INSTALL_MARK);
  expect(commandOf({ taskMemory: 'seed', client: 'sdk-js-v3' })).not.toContain(SEED_INSTALL_MARK);
  const sibling = commandOf({ taskMemory: 'seed', process: 'sibling-container' });
  expect(decoded(sibling)).toContain(SEED_INSTALL_MARK);
});

test('imds-metadata-reader: PID 1 reads region and instance id with a token before the calls, per image', () => {
  const python = commandOf({ process: 'imds-metadata-reader' });
  expect(python).toMatch(/^dnf install -y awscli-2; python3 -c .*; eval /);
  const script = decoded(python);
  expect(script).toContain("'PUT', 'api/token'");
  expect(script).toContain('meta-data/placement/region');
  expect(script).toContain('meta-data/instance-id');
  const node = commandOf({ process: 'imds-metadata-reader', client: 'sdk-js-v3' });
  expect(node).toContain('node -e');
  expect(decoded(node)).toContain("'X-aws-ec2-metadata-token-ttl-seconds': '21600'");
  expect(() =>
    clientContainer({ client: 'sdk-go-v1', variant: 'imds-metadata-reader', cluster: 'c', region: 'r' }),
  ).toThrow(/no reader for sdk-go-v1/);
});
