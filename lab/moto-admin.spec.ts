/**
 * moto's admin API answers only to the lab: without the lab's token a local user cannot switch IAM
 * enforcement off (`reset-auth`) and then launch an instance whose user data the data plane runs as root.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { expect, test } from '@playwright/test';
import { LAB_ADMIN_HEADER } from './control-plane/moto-process.ts';
import { controlPlaneLab } from './testing/control-plane-lab.ts';

const lab = controlPlaneLab('etr-moto-admin-');
const unknownKey = { accessKeyId: 'lab-bootstrap', secretAccessKey: 'lab-bootstrap' };

const status = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${lab.state.endpoint}${path}`, { method: 'POST', headers, body: 'inf' }).then((answer) => answer.status);

test('reset-auth without the lab admin token is refused (403) and IAM enforcement stays on', async () => {
  expect(await status('/moto-api/reset-auth')).toBe(403);
  expect(await status('/moto-api/reset-auth', { [LAB_ADMIN_HEADER]: '0'.repeat(64) })).toBe(403);
  expect(await status('//moto-api/reset-auth')).toBe(403);
  expect(await status('/moto-api/reset')).toBe(403);
  const unsigned = await new EC2Client(lab.client(unknownKey)).send(new DescribeInstancesCommand({})).then(
    () => 'answered',
    (error: Error) => error.name,
  );
  expect(unsigned).toBe('AuthFailure');
});

test('with the lab admin token the admin API answers', async () => {
  const index = await fetch(`${lab.state.endpoint}/moto-api/`, {
    headers: { [LAB_ADMIN_HEADER]: lab.state.adminToken },
  });
  expect(index.status).toBe(200);
});
