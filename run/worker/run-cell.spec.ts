/**
 * The instance console as a cell's evidence, end to end on the lab through the one driver: a plain AL2023
 * instance whose user data skips the docker install never runs an agent, so its cell is NOT_PLACED, and
 * the cell's result carries the console that says why ("docker: command not found"), read with
 * ec2:GetConsoleOutput exactly as on AWS. Provisioning is the harness's own (provisionRun); only the user
 * data it launches with is altered, as a platform team's broken user data would be.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadMatrix } from '../../core/matrix/index.ts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import { planMatrix } from '../../core/plan/plan.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import { cellDetailsSchema } from '../../core/results/results-schema.ts';
import { createClients, destroyClients } from '../../infra/aws/clients.ts';
import { awsDriver } from '../../infra/aws/driver.ts';
import type { ProvisionProgress } from '../../infra/aws/driver-types.ts';
import { RunJournal } from '../../infra/aws/journal.ts';
import { provisionRun } from '../../infra/aws/provision.ts';
import { initialRunState } from '../../infra/aws/run-state.ts';
import { newRunId } from '../../infra/aws/tags.ts';
import type { BackendRecord } from '../../infra/backends/backend-record.ts';
import { labProfile, labSkipReason } from '../../lab/index.ts';
import { withOwnLab } from '../../lab/testing/index.ts';
import { defaultRunConfig } from '../run-config.ts';
import { runOneCell } from './run-cell.ts';

test.describe.configure({ timeout: 540_000 });

/** The harness's plain-AMI docker install (infra/user-data): without it, `docker run` of the agent fails. */
const DOCKER_INSTALL =
  'dnf install -y docker\nsystemctl enable --now --no-block docker\n' +
  'for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 2; done\n';

test('plain AL2023 user data without the docker install: NOT_PLACED, "docker: command not found" in details.console', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withOwnLab({ prefix: 'etr-console-', dataPlane: true }, async ({ lab, labDir, dir }) => {
    const record: BackendRecord = {
      backend: 'lab',
      region: lab.region,
      endpoint: lab.endpoint,
      labDir,
      startedLab: true,
      ...(lab.dataPlane ? { taskEndpoint: lab.dataPlane.endpointForInstances, proxyUrl: lab.dataPlane.proxyUrl } : {}),
    };
    const connection = labProfile.connect(record);
    const full = planMatrix(await loadMatrix());
    const cell = full.cells.find((candidate) => candidate.id === 'ami=al2023-plain');
    if (!cell) throw new Error('the default matrix has no ami=al2023-plain cell');
    expect(cell.expected.outcome).toBe('TASK_ROLE');
    const plan: RunPlan = {
      name: full.matrix.name,
      region: lab.region,
      cells: [cell],
      instanceGroups: full.instanceGroups.filter((group) => group.id === instanceGroupId(cell)),
      runOrder: [cell.id],
      amiPins: {},
    };

    const clients = createClients(connection.target);
    // The one change: the instance is launched with user data that never installs docker.
    let altered = false;
    clients.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UserData?: string };
        if (context.commandName === 'RunInstancesCommand' && input.UserData) {
          const script = Buffer.from(input.UserData, 'base64').toString('utf8');
          altered = script.includes(DOCKER_INSTALL);
          input.UserData = Buffer.from(script.replace(DOCKER_INSTALL, '')).toString('base64');
        }
        return next(args);
      },
      { step: 'initialize', name: 'skipDockerInstall' },
    );
    const runId = newRunId();
    const journal = RunJournal.start(join(dir, 'run-journal.json'), runId);
    const initial = initialRunState(runId, new Date(), { region: lab.region, account: '' });
    const config = { ...defaultRunConfig(), outDir: join(dir, 'out') };
    try {
      // What the cells get: the state provisioning publishes (its last publish has nothing settling).
      let published: ProvisionProgress<unknown> | undefined;
      await provisionRun(clients, plan, initial, journal, {
        config,
        connection,
        registrationLimitMs: labProfile.registrationLimitMs(),
        journalFile: journal.file,
        signal: new AbortController().signal,
        log: () => {},
        publish: (progress) => {
          published = progress;
        },
      });
      expect(published?.settling).toEqual([]);
      const state = awsDriver.readState(published?.state);
      expect(altered, 'the harness user data no longer installs docker this way').toBe(true);

      const { result } = await runOneCell(state, cell, { cellTimeoutMs: labProfile.cellTimeoutMs, connection });
      await test
        .info()
        .attach('details.console', { body: result.details.console ?? '(none)', contentType: 'text/plain' });
      expect(result.actual.outcome).toBe('NOT_PLACED');
      expect(result.actual.evidence.decidedBy).toContain('did not register');
      expect(result.details.console).toContain('docker: command not found');
      expect(cellDetailsSchema.parse(result.details).console).toBe(result.details.console);
    } finally {
      await awsDriver.teardown(journal, connection, () => {});
      destroyClients(clients);
    }
  });
});
