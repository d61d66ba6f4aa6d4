import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { RoleCredentials } from './agent/credentials/credentials-store.ts';
import { RoleNotAssumableError } from './agent/ecs-backend.ts';
import type { AssumedImdsCredentials, ImdsCredentials } from './host/host-spec.ts';

const IMDS_CREDENTIALS_EARLY_REFRESH_MS = 15 * 60_000;

export interface AssumedRole {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Assumes a role as an AWS service principal, with the role's trust policy enforced (see DataPlaneControlPlane). */
export type AssumeRoleAs = (
  principal: 'ecs-tasks' | 'ec2',
  roleArn: string,
  sessionName: string,
) => Promise<AssumedRole>;

/** IMDS serves the instance profile role's credentials, assumed as EC2 and cached until near expiry. */
export function instanceRoleCredentials(
  assumeRoleAs: AssumeRoleAs,
  roleArn: string | undefined,
  instanceId: string,
): () => Promise<ImdsCredentials | undefined> {
  let cached: AssumedImdsCredentials | undefined;
  return async () => {
    if (!roleArn) return undefined;
    const expiresAt = cached ? new Date(cached.expiration).getTime() : 0;
    const roleName = roleArn.split('/').pop() ?? roleArn;
    if (!cached || expiresAt - Date.now() < IMDS_CREDENTIALS_EARLY_REFRESH_MS) {
      try {
        cached = { roleName, ...(await assumeRoleAs('ec2', roleArn, instanceId)) };
      } catch (error) {
        // A role whose trust policy refuses ec2.amazonaws.com: IMDS answers its refusal (instance-metadata.ts).
        if (!isRefusal(error)) throw error;
        return { roleName, unassumable: true };
      }
    }
    return cached;
  };
}

/** The ECS service's AssumeRole of a task role; a 4xx refusal becomes ECS's "unable to assume" stop. */
export async function taskRoleCredentials(
  assumeRoleAs: AssumeRoleAs,
  roleArn: string,
  sessionName: string,
): Promise<RoleCredentials> {
  try {
    const assumed = await assumeRoleAs('ecs-tasks', roleArn, sessionName);
    return {
      RoleArn: roleArn,
      AccessKeyId: assumed.accessKeyId,
      SecretAccessKey: assumed.secretAccessKey,
      Token: assumed.sessionToken,
      Expiration: assumed.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  } catch (error) {
    if (isRefusal(error)) throw new RoleNotAssumableError(roleArn, { cause: error });
    throw error;
  }
}

/** AssumeRole answered 4xx: the role's trust policy (or its absence) refused the principal. */
function isRefusal(error: unknown): boolean {
  const status =
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ??
    (error as { status?: number }).status ??
    0;
  return status >= 400 && status < 500;
}

/** sts:AssumeRole as the client's identity (without `assumeRoleAs`, a plain moto: the reader's). */
export function stsAssumeRole(sts: STSClient): AssumeRoleAs {
  return async (_principal, roleArn, sessionName) => {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
      throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration ?? new Date(Date.now() + 3_600_000),
    };
  };
}
