/**
 * For specs: EC2 instances in a lab as a run of the harness launches them (its instance role and profile,
 * provision.ts's own calls) and as another team might plant them: the run's tags copied, launched by an
 * identity of that team without the run's instance profile (none, or one of theirs that only looks like it).
 */
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { DEFAULT_BASELINE } from '../../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../../core/matrix/instance-groups.ts';
import { type LabState, postMotoAdmin } from '../../../lab/index.ts';
import { resolveAmis } from '../amis.ts';
import type { AwsClients } from '../clients.ts';
import { launchInstance } from '../instances.ts';
import { createInstanceRole } from '../roles.ts';
import { resourceName, type Tag } from '../tags.ts';

/** Launches one instance of run `runId` exactly as provisioning does; returns its id and profile name. */
export async function launchHarnessInstance(
  clients: AwsClients,
  runId: string,
  tags: Tag[],
): Promise<{ instanceId: string; amiId: string; instanceProfileName: string }> {
  const [group] = groupByInstance([{ id: 'baseline', dimensions: DEFAULT_BASELINE }]);
  if (!group) throw new Error('no instance group');
  const role = await createInstanceRole(clients, group.instance.instanceRolePolicy, { runId, tags });
  const amis = await resolveAmis(clients, [group.instance.ami], {});
  const launched = await launchInstance(clients, group, {
    amiId: amis[group.instance.ami] ?? '',
    instanceProfileName: role.instanceProfileName,
    userData: '#!/bin/bash\n',
    tags,
    name: resourceName(runId, 'default'),
    launchOrder: 0,
  });
  return { ...launched, instanceProfileName: role.instanceProfileName };
}

/** Another team of the lab's account: an IAM user allowed EC2 and to pass its own roles. */
export interface OtherTeam {
  ec2: EC2Client;
  iam: IAMClient;
  /** Makes an instance profile of the team's (path /team/), holding a role of the team's. */
  instanceProfile(name: string): Promise<string>;
}

/** Made with the lab's IAM enforcement paused, as the lab makes its own identities before switching it on. */
export async function otherTeam(lab: LabState): Promise<OtherTeam> {
  const bootstrap = {
    endpoint: lab.endpoint,
    region: lab.region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'lab-bootstrap', secretAccessKey: 'lab-bootstrap' },
  };
  const admin = new IAMClient(bootstrap);
  const unenforced = async <T>(make: () => Promise<T>): Promise<T> => {
    await resetAuth(lab, 'inf');
    try {
      return await make();
    } finally {
      await resetAuth(lab, '0');
    }
  };
  const credentials = await unenforced(async () => {
    const userName = 'other-team';
    await admin.send(new CreateUserCommand({ UserName: userName, Path: '/team/' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:*', 'iam:PassRole'], Resource: '*' }],
    };
    await admin.send(
      new PutUserPolicyCommand({ UserName: userName, PolicyName: 'team', PolicyDocument: JSON.stringify(policy) }),
    );
    const key = (await admin.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
    return { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' };
  });
  const config = { endpoint: lab.endpoint, region: lab.region, maxAttempts: 1, credentials };
  return {
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    instanceProfile: (name) =>
      unenforced(async () => {
        const trust = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        };
        await admin.send(
          new CreateRoleCommand({ RoleName: name, Path: '/team/', AssumeRolePolicyDocument: JSON.stringify(trust) }),
        );
        const profile = await admin.send(
          new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: '/team/' }),
        );
        await admin.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
        return profile.InstanceProfile?.Arn ?? '';
      }),
  };
}

async function resetAuth(lab: LabState, count: string): Promise<void> {
  await postMotoAdmin(lab, '/moto-api/reset-auth', count);
}

/** An instance of the other team from `imageId` carrying `tags` (a run's, copied), under `profileArn` or none. */
export async function plantInstance(
  team: OtherTeam,
  tags: Tag[],
  launch: { imageId: string; profileArn?: string },
): Promise<string> {
  const { imageId, profileArn } = launch;
  const launched = await team.ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      ...(profileArn ? { IamInstanceProfile: { Arn: profileArn } } : {}),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [...tags, { Key: 'team', Value: 'platform' }] }],
    }),
  );
  const id = launched.Instances?.[0]?.InstanceId;
  if (!id) throw new Error('RunInstances returned no instance');
  return id;
}

/** The instance's state name as EC2 describes it. */
export async function instanceState(ec2: EC2Client, id: string): Promise<string | undefined> {
  const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return described.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}
