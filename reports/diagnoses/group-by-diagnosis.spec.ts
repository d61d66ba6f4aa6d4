import { expect, test } from '@playwright/test';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { groupByDiagnosis, groupTitle } from './group-by-diagnosis.ts';

test('what broke: deviations by primary cause, larger groups first, then cells without a verdict', () => {
  const groups = groupByDiagnosis([
    cellWith({}),
    cellWith({ ami: 'al1-ecs' }, 'TIMEOUT'),
    cellWith({ taskIamRoleFlag: 'false' }, 'TASK_ROLE'),
    cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED'),
    cellWith({ network: 'host', ami: 'al2-ecs' }, 'INSTANCE_ROLE_DENIED'),
  ]);
  expect(groups.map(groupTitle)).toEqual([
    '2 deviations: KB article: To correctly configure IAM roles for your task, check the following',
    '1 deviation: unexpected success, the rule expected a failure',
    '1 cell without a verdict (TIMEOUT)',
  ]);
  expect(groups[0]?.fixes.map((fix) => fix.os)).toEqual(['Amazon Linux 2 (systemd)', 'Amazon Linux 2023 (systemd)']);
  expect(groups[2]?.fixes[0]?.commands).toEqual(["npx ecs-taskrole run --grep '^ami=al1-ecs$' --cell-timeout 600"]);
});
