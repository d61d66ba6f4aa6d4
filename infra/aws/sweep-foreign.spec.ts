/**
 * Instances that carry a run's tags without being the run's: another team launched them (no instance
 * profile of the run's, the tags copied). Neither a sweep nor a teardown's safety net touches them; both
 * name them as tagged but not ours, while the run's own instances go as before.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { harnessClientConfig } from '../../lab/index.ts';
import { withOwnLab } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';
import { createClients, destroyClients } from './clients.ts';
import { RunJournal } from './journal.ts';
import { sweepReport } from './sweep.ts';
import { runTags } from './tags.ts';
import { teardownFromJournal } from './teardown.ts';
import { instanceState, launchHarnessInstance, otherTeam, plantInstance } from './testing/planted-instances.ts';

test.describe.configure({ timeout: 180_000 });

test('planted instances with copied run tags (expired and live runs) survive sweep, sweep --run and a teardown, reported as not ours', async () => {
  await withOwnLab({ prefix: 'etr-sweep-foreign-' }, async ({ lab, labDir, dir }) => {
    const clients = createClients(harnessClientConfig(lab));
    const expiredTags = runTags('rfexpired', new Date(Date.now() - 24 * 3_600_000));
    const liveTags = runTags('rflive', new Date());
    const oursExpired = await launchHarnessInstance(clients, 'rfexpired', expiredTags);
    const oursLive = await launchHarnessInstance(clients, 'rflive', liveTags);

    const team = await otherTeam(lab);
    const imageId = oursLive.amiId;
    // A profile of its own whose name follows the run's pattern, at its own path: not one the run creates.
    const lookalike = await team.instanceProfile('ecs-taskrole-rflive-instance-team');
    const foreign = {
      expired: await plantInstance(team, expiredTags, { imageId }),
      live: await plantInstance(team, liveTags, { imageId }),
      liveLookalike: await plantInstance(team, liveTags, { imageId, profileArn: lookalike }),
    };
    const foreignIds = Object.values(foreign);
    const states = async (ids: string[]) => Promise.all(ids.map((id) => instanceState(team.ec2, id)));

    // The CLI lists them in a dry run, text and JSON, and deletes nothing.
    const env = { ECS_TASKROLE_LAB_DIR: labDir };
    const text = await runCli(['sweep', '--dry-run'], { env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `tagged but not ours: instance ${foreign.expired} (run rfexpired): it has no instance profile; left untouched`,
    );
    expect(text.stdout).toContain(`to delete instance ${oursExpired.instanceId} (run rfexpired)`);
    const json = await runCli(['sweep', '--dry-run', '--json'], { env });
    expect(json.exitCode, json.stderr).toBe(0);
    const document = JSON.parse(json.stdout) as { notOurs: { kind: string; id: string; reason: string }[] };
    expect(document.notOurs.map((r) => r.id).sort()).toEqual(
      [foreign.expired, foreign.live, foreign.liveLookalike].sort(),
    );
    expect(document.notOurs.find((r) => r.id === foreign.liveLookalike)?.reason).toContain('/team/');

    // A plain sweep: the expired run's own instance goes, the planted one of that run stays.
    const swept = await sweepReport(clients, { dryRun: false });
    expect(swept.failed).toEqual([]);
    expect(swept.deleted).toContainEqual({ kind: 'instance', id: oursExpired.instanceId, runId: 'rfexpired' });
    expect(swept.deleted.map((r) => r.id)).not.toEqual(expect.arrayContaining([foreign.expired]));
    expect(swept.notOurs.map((r) => r.id)).toContain(foreign.expired);
    expect(await states(foreignIds)).toEqual(['running', 'running', 'running']);

    // sweep --run of the live run, as every teardown runs it.
    const byRun = await sweepReport(clients, { runId: 'rflive', dryRun: true });
    expect(byRun.notOurs.map((r) => r.id).sort()).toEqual([foreign.live, foreign.liveLookalike].sort());
    expect(byRun.deleted.map((r) => r.id)).toContain(oursLive.instanceId);

    // The live run's teardown: its journal names only its own instance; the safety net leaves the others.
    const journal = RunJournal.start(join(dir, 'run-journal.json'), 'rflive');
    journal.creating('instance', 'ecs-taskrole-rflive-default');
    journal.created('instance', 'ecs-taskrole-rflive-default', oursLive.instanceId);
    const teardown = await teardownFromJournal(clients, journal);
    expect(teardown.leftovers).toEqual([]);
    expect(teardown.notOurs.join('\n')).toContain(foreign.live);
    expect(teardown.notOurs.join('\n')).toContain(foreign.liveLookalike);
    expect(await states(foreignIds)).toEqual(['running', 'running', 'running']);
    expect(await instanceState(team.ec2, oursLive.instanceId)).toMatch(/shutting-down|terminated/);
    destroyClients(clients);
    team.ec2.destroy();
    team.iam.destroy();
  });
});
