/**
 * Which lab AMI profile an instance boots from its ImageId, decided the way a user would: the AMI ids the
 * public SSM parameters recommend (the harness picks AMIs from them), then the image's name. An image the
 * lab cannot place is booted as a plain Amazon Linux 2023 (no ecs-init), which is what any other Linux AMI
 * amounts to for task roles.
 */
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { AmiProfileName } from '../host/ami-profiles.ts';

export const RECOMMENDED_AMI_PARAMETERS: ReadonlyArray<[string, AmiProfileName]> = [
  ['/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id', 'al2023-ecs'],
  ['/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id', 'al2-ecs'],
  ['/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id', 'al1-ecs'],
  ['/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', 'al2023-plain'],
];

/** ECS-optimized image names: `al2023-ami-ecs-hvm-…`, `amzn2-ami-ecs-hvm-…`, `amzn-ami-…-amazon-ecs-optimized`. */
export function profileFromImageName(name: string): AmiProfileName | undefined {
  if (/^al2023-ami-ecs-/.test(name)) return 'al2023-ecs';
  if (/^amzn2-ami-ecs-/.test(name)) return 'al2-ecs';
  if (/^amzn-ami-.*amazon-ecs-optimized/.test(name)) return 'al1-ecs';
  if (/^al2023-ami-/.test(name)) return 'al2023-plain';
  return undefined;
}

export class AmiProfileResolver {
  readonly #ssm: SSMClient;
  readonly #ec2: EC2Client;
  readonly #known = new Map<string, AmiProfileName>();
  #loaded: Promise<void> | undefined;

  constructor(ssm: SSMClient, ec2: EC2Client) {
    this.#ssm = ssm;
    this.#ec2 = ec2;
  }

  async profileFor(imageId: string): Promise<{ profile: AmiProfileName; how: string }> {
    this.#loaded ??= this.#loadRecommended();
    await this.#loaded;
    const recommended = this.#known.get(imageId);
    if (recommended) return { profile: recommended, how: 'SSM recommended AMI' };
    const images = await this.#ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })).catch(() => undefined);
    const named = profileFromImageName(images?.Images?.[0]?.Name ?? '');
    if (named) return { profile: named, how: `image name ${images?.Images?.[0]?.Name}` };
    return { profile: 'al2023-plain', how: 'unknown image: booted as a plain Linux AMI' };
  }

  async #loadRecommended(): Promise<void> {
    for (const [name, profile] of RECOMMENDED_AMI_PARAMETERS) {
      const parameter = await this.#ssm.send(new GetParameterCommand({ Name: name })).catch(() => undefined);
      const value = parameter?.Parameter?.Value;
      if (value) this.#known.set(value.trim(), profile);
    }
  }
}
