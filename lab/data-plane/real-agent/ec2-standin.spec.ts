import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { EC2_PACKAGE, writeEc2StandIns } from './ec2-standin.ts';

test('the stand-in defines each referenced deserializer once and leaves a package that has the file alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ec2-standin-'));
  try {
    const missing = join(root, 'agent', EC2_PACKAGE);
    const present = join(root, 'ecs-agent', EC2_PACKAGE);
    await mkdir(missing, { recursive: true });
    await mkdir(present, { recursive: true });
    await writeFile(
      join(missing, 'api_op_A.go'),
      'stack.Deserialize.Add(&awsEc2query_deserializeOpDescribeTags{}, x)\n&awsEc2query_deserializeOpDescribeTags{}\n&awsEc2query_deserializeOpCreateTags{}',
    );
    await writeFile(join(present, 'deserializers.go'), 'package ec2 // upstream');
    expect(await writeEc2StandIns(root, ['agent', 'ecs-agent'])).toEqual([
      join('agent', EC2_PACKAGE, 'deserializers.go'),
    ]);
    const source = await readFile(join(missing, 'deserializers.go'), 'utf8');
    expect(source.match(/^type \w+ struct\{\}$/gm)).toEqual([
      'type awsEc2query_deserializeOpCreateTags struct{}',
      'type awsEc2query_deserializeOpDescribeTags struct{}',
    ]);
    expect(source).toContain('return out, metadata, errStandIn');
    expect(await readFile(join(present, 'deserializers.go'), 'utf8')).toBe('package ec2 // upstream');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
