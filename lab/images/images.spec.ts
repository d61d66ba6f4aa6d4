import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { INSTALL } from '../../infra/task-definition/client-container.ts';
import { choosePackage, parsePackageSpec, satisfies } from './node-packages.ts';
import { resolveImage } from './resolve-image.ts';
import { useBuiltImages } from './testing/built-images.ts';

test.describe('image names', () => {
  const served: Array<[string, string]> = [
    ['public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0', 'amazonlinux'],
    ['public.ecr.aws/docker/library/python:3.11-slim', 'python'],
    ['docker.io/library/python:3.11-slim', 'python'],
    ['public.ecr.aws/docker/library/node:22-slim', 'node'],
  ];
  for (const [reference, id] of served) {
    test(`${reference} → ${id}`, () => {
      const resolved = resolveImage(reference);
      expect(resolved.ok && resolved.image.id).toBe(id);
    });
  }

  test('an unknown repository fails like a pull of a missing image', () => {
    expect(resolveImage('example/nope:1')).toEqual({
      ok: false,
      reason:
        "CannotPullContainerError: Error response from daemon: pull access denied for example/nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    });
  });

  test('an unknown tag fails like a missing manifest', () => {
    const resolved = resolveImage('public.ecr.aws/amazonlinux/amazonlinux:1');
    expect(resolved.ok ? '' : resolved.reason).toBe(
      'CannotPullContainerError: Error response from daemon: manifest for public.ecr.aws/amazonlinux/amazonlinux:1 not found: manifest unknown: manifest unknown',
    );
  });

  test('Amazon Linux only as the pinned ECR Public image the harness uses: no Docker Hub name, no moving tag', () => {
    for (const reference of ['amazonlinux:2023', 'amazonlinux', 'public.ecr.aws/amazonlinux/amazonlinux:2023']) {
      expect(resolveImage(reference).ok, reference).toBe(false);
    }
  });
});

test.describe('npm version selection', () => {
  test('ranges', () => {
    expect(satisfies('2.1693.0', '')).toBe(true);
    expect(satisfies('2.1693.0', '2')).toBe(true);
    expect(satisfies('2.4.6', '2.4.6')).toBe(true);
    expect(satisfies('2.4.6', '2.4')).toBe(true);
    expect(satisfies('2.4.6', '^2.5.0')).toBe(false);
    expect(satisfies('2.1693.0', '^2.5.0')).toBe(true);
    expect(satisfies('2.4.6', '~2.4.0')).toBe(true);
    expect(satisfies('2.4.6', '>=2.4.7')).toBe(false);
    expect(satisfies('2.4.6', 'next')).toBe(false);
  });

  test('aws-sdk@2 is the current v2, aws-sdk@2.4.6 the 2016 release, others are not served', () => {
    const pick = (spec: string) => {
      const choice = choosePackage(spec);
      return choice.ok ? choice.pkg.version : choice.code;
    };
    expect(pick('aws-sdk@2')).toMatch(/^2\.1\d{3}\.\d+$/);
    expect(pick('aws-sdk')).toBe(pick('aws-sdk@2'));
    expect(pick('aws-sdk@2.4.6')).toBe('2.4.6');
    expect(pick('aws-sdk@2.4.7')).toBe('ETARGET');
    expect(pick('left-pad')).toBe('E404');
    expect(pick('@aws-sdk/client-sts')).toMatch(/^3\./);
  });

  test('every npm package a task installs is pinned to an exact version, the one the lab serves', () => {
    const specs = Object.values(INSTALL).flatMap((command) =>
      command.startsWith('npm install')
        ? command
            .split(' ')
            .slice(2)
            .filter((word) => !word.startsWith('-'))
        : [],
    );
    expect(specs.length).toBeGreaterThanOrEqual(4);
    for (const spec of specs) {
      const { range } = parsePackageSpec(spec);
      expect(range, spec).toMatch(/^\d+\.\d+\.\d+$/);
      const choice = choosePackage(spec);
      expect(choice.ok && choice.pkg.version, spec).toBe(range);
    }
    expect(INSTALL['awscli-v1']).toMatch(/awscli==\d+\.\d+\.\d+/);
  });
});

test.describe('image roots', () => {
  const built = useBuiltImages('lab-images-');

  test('the node image links the requested aws-sdk version into ./node_modules', async () => {
    const { images, dir } = built();
    const work = await mkdtemp(join(dir, 'work-'));
    const env = { ...images.root('node').hostEnv, HOME: work };
    const run = (file: string, args: string[]) =>
      execa(file, args, { cwd: work, env, extendEnv: false, reject: false });
    const installOld = await run('npm', ['install', '-s', 'aws-sdk@2.4.6']);
    expect(installOld.exitCode).toBe(0);
    expect(installOld.stderr).toContain('preinstalled aws-sdk@2.4.6');
    const version = await run('node', ['-e', "console.log(require('aws-sdk').VERSION)"]);
    expect(version.stdout).toBe('2.4.6');
    expect(await readFile(join(work, 'node_modules/aws-sdk/index.js'), 'utf8')).toContain('AWS_ENDPOINT_URL');
    await run('npm', ['install', '-s', '@aws-sdk/client-sts']);
    const v3 = await run('node', ['-e', "console.log(typeof require('@aws-sdk/client-sts').STSClient)"]);
    expect(v3.stdout).toBe('function');
    const missing = await run('npm', ['install', 'aws-sdk@2.4.7']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('npm error notarget No matching version found for aws-sdk@2.4.7');
  });

  test('package managers resolve only their repository’s names; the seed’s aws-cli is unknown and says so', async () => {
    // Only failing installs here: a successful one writes into /usr/bin, which outside a task is this
    // machine's (installs run in tasks: agent/tasks/image-file-system.spec.ts).
    const { images } = built();
    const amazonlinux = images.root('amazonlinux').hostEnv;
    const yumPath = join(images.root('amazonlinux').systemDir, 'bin', 'yum');
    const seed = await execa(yumPath, ['install', '-y', 'aws-cli'], { env: amazonlinux, reject: false });
    expect(seed.exitCode).toBe(1);
    expect(seed.stderr).toContain('No match for argument: aws-cli');
    expect(seed.stderr).toContain(
      "whether AL2023's repository resolves 'aws-cli' (as a provide of awscli-2) is not established",
    );
    const unknown = await execa(yumPath, ['install', '-y', 'no-such'], { env: amazonlinux, reject: false });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('No match for argument: no-such');
    expect(unknown.stderr).not.toContain('not established');
    // awscli-2 is AL2023's name, not Debian's: apt in the python image does not resolve it.
    const aptPath = join(images.root('python').systemDir, 'bin', 'apt-get');
    const apt = await execa(aptPath, ['install', '-y', 'awscli-2'], { reject: false });
    expect(apt.exitCode).toBe(100);
    expect(apt.stderr).toContain('E: Unable to locate package awscli-2');
    const python = images.root('python').hostEnv;
    const v1 = await execa('aws', ['--version'], { env: python, extendEnv: false, all: true });
    expect(v1.all).toMatch(/^aws-cli\/1\./);
    expect((await execa('pip', ['install', '-q', 'awscli<2'], { env: python, extendEnv: false })).exitCode).toBe(0);
  });

  test('the lab’s awscli-2 runs CLI v2 with --endpoint-url from AWS_ENDPOINT_URL', async () => {
    const { images, dir } = built();
    const aws = join(images.dir, 'packages', 'awscli-2', 'bin', 'aws');
    const env = {
      ...images.root('amazonlinux').hostEnv,
      AWS_ENDPOINT_URL: 'http://198.18.0.1:1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
      HOME: dir,
    };
    expect((await execa(aws, ['--version'], { env, extendEnv: false })).stdout).toMatch(/^aws-cli\/2\./);
    const call = await execa(
      aws,
      ['sts', 'get-caller-identity', '--region', 'us-east-1', '--cli-connect-timeout', '1', '--debug'],
      {
        env,
        extendEnv: false,
        reject: false,
      },
    );
    expect(call.stderr).toContain('http://198.18.0.1:1');
  });
});
