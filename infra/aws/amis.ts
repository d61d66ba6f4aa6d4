import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { Dimensions } from '../../core/matrix/dimensions.ts';
import type { AwsClients } from './clients.ts';

/** The public SSM parameters of each AMI profile (the recommended image of its family). */
export const AMI_PARAMETERS: Record<Dimensions['ami'], string> = {
  'al2023-ecs': '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
  'al2-ecs': '/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id',
  'al1-ecs': '/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id',
  'al2023-plain': '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
};

/** AMI id per profile in use: the pinned candidate (upgrade validation) or the SSM-recommended one. */
export async function resolveAmis(
  clients: AwsClients,
  profiles: readonly Dimensions['ami'][],
  pins: Record<string, string>,
): Promise<Partial<Record<Dimensions['ami'], string>>> {
  const resolved = await Promise.all(
    [...new Set(profiles)].map(async (profile) => {
      const pinned = pins[profile];
      if (pinned) return [profile, pinned] as const;
      const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: AMI_PARAMETERS[profile] }));
      const value = Parameter?.Value ?? '';
      // moto returns some parameters' values as JSON objects; AWS returns the image id.
      const id = value.startsWith('{') ? (JSON.parse(value) as { image_id?: string }).image_id : value;
      if (!id) throw new Error(`SSM parameter ${AMI_PARAMETERS[profile]} has no image id`);
      return [profile, id] as const;
    }),
  );
  return Object.fromEntries(resolved);
}
