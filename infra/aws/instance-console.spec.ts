import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { expect, test } from '@playwright/test';
import type { AwsClients } from './clients.ts';
import { instanceConsoleCache, readInstanceConsole } from './instance-console.ts';

/** Clients whose EC2 answers GetConsoleOutput with `answer` (and records what it was asked). */
function fakeEc2(answer: (input: GetConsoleOutputCommand['input']) => Promise<{ Output?: string }>) {
  const asked: GetConsoleOutputCommand['input'][] = [];
  const send = async (command: unknown) => {
    if (!(command instanceof GetConsoleOutputCommand)) throw new Error('unexpected command');
    asked.push(command.input);
    return answer(command.input);
  };
  return { clients: { ec2: { send } } as unknown as AwsClients, asked };
}

test('the console is decoded from base64 and its tail kept; Latest is asked for', async () => {
  const text = 'cloud-init[1234]: bash: docker: command not found\r\n\x1b[0;1;31mFAILED\x1b[0m ecs.service\r\n';
  const { clients, asked } = fakeEc2(async () => ({ Output: Buffer.from(text).toString('base64') }));
  expect(await readInstanceConsole(clients, 'i-0abc')).toBe(
    'cloud-init[1234]: bash: docker: command not found\nFAILED ecs.service',
  );
  expect(asked).toEqual([{ InstanceId: 'i-0abc', Latest: true }]);
});

test('no output yet is an empty console; a refused read is the reason, not a failed cell', async () => {
  expect(await readInstanceConsole(fakeEc2(async () => ({})).clients, 'i-0abc')).toBe('');
  const denied = Object.assign(new Error('not authorized to perform: ec2:GetConsoleOutput'), {
    name: 'UnauthorizedOperation',
  });
  const { clients } = fakeEc2(async () => Promise.reject(denied));
  expect(await readInstanceConsole(clients, 'i-0abc')).toBe(
    '[ecs-taskrole: GetConsoleOutput of i-0abc failed: UnauthorizedOperation: not authorized to perform: ec2:GetConsoleOutput]',
  );
});

test('one read per instance, however many cells ask', async () => {
  const reads: string[] = [];
  const read = instanceConsoleCache(async (instanceId) => {
    reads.push(instanceId);
    return `console of ${instanceId}`;
  });
  const answers = await Promise.all([read('i-1'), read('i-1'), read('i-2'), read('i-1')]);
  expect(answers).toEqual(['console of i-1', 'console of i-1', 'console of i-2', 'console of i-1']);
  expect(reads).toEqual(['i-1', 'i-2']);
});
