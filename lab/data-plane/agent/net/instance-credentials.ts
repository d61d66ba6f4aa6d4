/**
 * Instance-role credentials for the agent's own calls, from its IMDS, cached until five minutes before they
 * expire (the Go SDK's EC2 role provider refreshes early the same way).
 */
import type { ImdsClient, InstanceRoleCredentials } from './imds-client.ts';

export interface SdkCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<SdkCredentials>;

const EARLY_REFRESH_MS = 5 * 60_000;

export function instanceCredentialsProvider(imds: ImdsClient): CredentialsProvider {
  let cached: InstanceRoleCredentials | undefined;
  return async () => {
    const fresh = cached?.expiration
      ? cached.expiration.getTime() - Date.now() > EARLY_REFRESH_MS
      : cached !== undefined;
    if (!fresh) cached = await imds.roleCredentials();
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = cached as InstanceRoleCredentials;
    return { accessKeyId, secretAccessKey, sessionToken, ...(expiration ? { expiration } : {}) };
  };
}
