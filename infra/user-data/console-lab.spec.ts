/**
 * The harness's own user data on the lab's hosts of every AMI profile: it runs without an error line a real
 * AMI would not print (the systemd AMIs look like systemd to it, AL1 like upstart); AL1's ecs-init gets the
 * proxy of its upstart override.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_BASELINE, type Dimensions } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { createLabNetwork, labSkipReason } from '../../lab/index.ts';
import { bootTestHost } from '../../lab/testing/index.ts';
import { userDataFor } from './user-data.ts';

test.describe.configure({ timeout: 240_000 });

/** What a real AMI's console never shows from this user data (a missing file, an unknown unit or command). */
const FOREIGN_LINES = /No such file or directory|command not found|does not exist|not simulated|Failed to/;

const CASES: { ami: Dimensions['ami']; extra: Partial<Dimensions> }[] = [
  { ami: 'al2023-plain', extra: { hostRules: 'documented' } },
  { ami: 'al2023-ecs', extra: { agentProxy: 'with-no-proxy' } },
  { ami: 'al1-ecs', extra: { agentProxy: 'with-no-proxy' } },
];

test('the harness user data leaves no line on the console that the real AMI would not print', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const lab = await createLabNetwork();
  try {
    for (const { ami, extra } of CASES) {
      const [group] = groupByInstance([{ id: ami, dimensions: { ...DEFAULT_BASELINE, ami, ...extra } }]);
      if (!group) throw new Error('no instance group');
      const userData = userDataFor(group, { cluster: 'c', proxyUrl: 'http://198.18.0.3:3128' });
      const { host } = await bootTestHost(lab, ami, userData);
      try {
        const console = await host.consoleOutput();
        const foreign = console.split('\n').filter((line) => FOREIGN_LINES.test(line));
        expect(foreign, `${ami}:\n${console}`).toEqual([]);
        if (ami === 'al1-ecs') expect(host.ecsInitEnvironment.HTTP_PROXY).toBe('http://198.18.0.3:3128/');
      } finally {
        await host.shutdown();
      }
    }
  } finally {
    await lab.close();
  }
});
