import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Task } from '@aws-sdk/client-ecs';
import { expect, test } from '@playwright/test';
import type { LabImages } from '../../images/image-roots.ts';
import { TaskCredentialsStore } from './credentials/credentials-store.ts';
import { type EcsBackend, RoleNotAssumableError } from './ecs-backend.ts';
import { type TaskEvent, TaskManager } from './task-manager.ts';

function managerWith(backend: Partial<EcsBackend>, workDir: string) {
  const events: TaskEvent[] = [];
  const store = new TaskCredentialsStore();
  const manager = new TaskManager({
    cluster: 'lab',
    region: 'us-east-1',
    store,
    backend: { reportRunning: async () => {}, reportStopped: async () => {}, ...backend } as EcsBackend,
    images: {} as LabImages,
    logs: {} as CloudWatchLogsClient,
    bridge: { name: 'docker0', gateway: '198.19.0.1', prefixLength: 24 },
    addresses: { allocate: async () => '198.19.0.2', release: () => {} },
    workDir,
    keepUnderRoot: [],
    log: () => {},
    emit: (event) => events.push(event),
  });
  return { manager, events, store };
}

const pending: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:1:task/lab/t1',
  desiredStatus: 'RUNNING',
  lastStatus: 'PENDING',
  taskDefinitionArn: 'td:1',
};

test('a task that ran to its end is not started again while ECS still lists it as desired RUNNING', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'task-manager-'));
  try {
    let definitionReads = 0;
    const { manager, events } = managerWith(
      {
        taskDefinition: async () => {
          definitionReads += 1;
          throw new Error('control plane unavailable');
        },
      },
      workDir,
    );
    manager.sync([pending]);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({
      status: 'STOPPED',
      reason: 'lab: the agent could not run the task: control plane unavailable',
    });
    manager.sync([pending]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(definitionReads).toBe(1);
    expect(manager.tracked()).toEqual([]);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('a refused task role stops the task with ECS’s text and leaves no credentials behind', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'task-manager-'));
  try {
    const { manager, events, store } = managerWith(
      {
        taskDefinition: async () => ({
          taskRoleArn: 'arn:aws:iam::1:role/r',
          containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0' }],
        }),
        issueTaskRoleCredentials: async (roleArn: string) => {
          throw new RoleNotAssumableError(roleArn);
        },
      },
      workDir,
    );
    manager.sync([pending]);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]?.reason).toMatch(
      /^ECS was unable to assume the role 'arn:aws:iam::1:role\/r' that was provided for this task\./,
    );
    expect(events[0]?.containers).toEqual([]);
    // The id was pending while the role was being assumed; nothing is left for it now.
    expect(store.size).toBe(0);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});
