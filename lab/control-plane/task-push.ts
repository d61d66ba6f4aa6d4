import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * The client half of the lab control plane's task push (moto-lab/lab_task_push.py). The real agent hears of task changes
 * over ACS at once; the lab agent's ListTasks and the harness's DescribeTasks stand in for that: sent with
 * the task generation last seen, the call waits (up to 5 s) until a task was started or stopped since.
 * Other control planes never answer with a generation, so the header is never sent to them and callers
 * poll as usual.
 */
const KNOWN_GENERATION = 'x-ecs-taskrole-lab-known-generation';
const GENERATION = 'x-ecs-taskrole-lab-generation';

export interface TaskPush {
  /** True once the control plane answered with a generation: the calls wait for changes themselves. */
  readonly active: boolean;
}

export function waitForTaskChanges(
  client: ECSClient,
  commandName: 'ListTasksCommand' | 'DescribeTasksCommand',
): TaskPush {
  let generation: string | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== commandName) return next(args);
      const request = args.request as { headers: Record<string, string> };
      if (generation !== undefined) request.headers[KNOWN_GENERATION] = generation;
      const result = await next(args);
      const seen = (result.response as { headers?: Record<string, string> }).headers?.[GENERATION];
      if (seen !== undefined) generation = seen;
      return result;
    },
    { step: 'build', name: `labTaskPush${commandName}` },
  );
  return {
    get active() {
      return generation !== undefined;
    },
  };
}
