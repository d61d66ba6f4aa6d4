import { expect, test } from '@playwright/test';
import { answerMetadata, ec2Time, type ImdsCredentials, type ImdsInstance, NOT_FOUND } from './instance-metadata.ts';

const credentials: ImdsCredentials = {
  roleName: 'instance-role',
  accessKeyId: 'AKIAINSTANCE',
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiration: '2030-01-01T00:00:00.000Z',
};

const instance: ImdsInstance = {
  instanceId: 'i-0abc',
  region: 'eu-west-1',
  availabilityZone: 'eu-west-1a',
  accountId: '123456789012',
  imageId: 'ami-1',
  instanceType: 't3.micro',
  privateIp: '198.18.5.10',
  userData: '#!/bin/bash\n',
  options: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
  credentials: async () => credentials,
};

const pending = new Date('2026-01-01T00:00:00Z');
const ask = (path: string, target: ImdsInstance = instance) =>
  answerMetadata(target, path, target.credentials ?? (async () => undefined), pending);

test('listings: root, latest, meta-data (with iam/ only when there is a profile)', async () => {
  expect((await ask('/')).body).toBe('latest');
  expect((await ask('/latest/')).body).toBe('dynamic\nmeta-data\nuser-data');
  const metaData = (await ask('/latest/meta-data/')).body.split('\n');
  expect(metaData).toEqual(expect.arrayContaining(['instance-id', 'placement/', 'iam/']));
  const withoutProfile = { ...instance, credentials: undefined };
  expect((await ask('/latest/meta-data/', withoutProfile)).body.split('\n')).not.toContain('iam/');
});

test('values: instance-id, region, hostname of the region', async () => {
  expect(await ask('/latest/meta-data/instance-id')).toMatchObject({ status: 200, body: 'i-0abc' });
  expect((await ask('/latest/meta-data/placement/region')).body).toBe('eu-west-1');
  expect((await ask('/latest/meta-data/hostname')).body).toBe('ip-198-18-5-10.eu-west-1.compute.internal');
});

test('role credentials: the role name, then the document in EC2 format', async () => {
  expect((await ask('/latest/meta-data/iam/security-credentials/')).body).toBe('instance-role');
  const document = JSON.parse((await ask('/latest/meta-data/iam/security-credentials/instance-role')).body);
  expect(document).toMatchObject({
    Code: 'Success',
    Type: 'AWS-HMAC',
    AccessKeyId: 'AKIAINSTANCE',
    Token: 'token',
    Expiration: '2030-01-01T00:00:00Z',
  });
  expect(await ask('/latest/meta-data/iam/security-credentials/other-role')).toEqual(NOT_FOUND);
});

test('no instance profile: iam paths are 404', async () => {
  const withoutProfile = { ...instance, credentials: async () => undefined };
  expect((await ask('/latest/meta-data/iam/security-credentials/', withoutProfile)).status).toBe(404);
});

test('identity document and user data', async () => {
  const identity = await ask('/latest/dynamic/instance-identity/document');
  expect(identity.contentType).toBe('application/json');
  expect(JSON.parse(identity.body)).toMatchObject({
    accountId: '123456789012',
    instanceId: 'i-0abc',
    region: 'eu-west-1',
    privateIp: '198.18.5.10',
    pendingTime: '2026-01-01T00:00:00Z',
  });
  expect((await ask('/latest/user-data')).body).toBe('#!/bin/bash\n');
  expect((await ask('/latest/user-data', { ...instance, userData: '' })).status).toBe(404);
});

test('unknown paths and a trailing slash on a value are 404', async () => {
  expect((await ask('/latest/meta-data/nothing')).status).toBe(404);
  expect((await ask('/latest/meta-data/instance-id/')).status).toBe(404);
  expect((await ask('/2009-04-04/meta-data/')).status).toBe(404);
});

test('EC2 timestamps drop milliseconds; unparsable text passes through', () => {
  expect(ec2Time('2030-01-01T00:00:00.123Z')).toBe('2030-01-01T00:00:00Z');
  expect(ec2Time('soon')).toBe('soon');
});

test('network: the primary ENI by MAC, with the VPC and subnet the ECS agent reads in EC2 mode', async () => {
  const eni = {
    mac: '0e:11:22:33:44:55',
    interfaceId: 'eni-0abc',
    subnetId: 'subnet-0abc',
    vpcId: 'vpc-0abc',
    securityGroupIds: ['sg-1', 'sg-2'],
  };
  const withEni = { ...instance, primaryInterface: eni };
  expect((await ask('/latest/meta-data/mac', withEni)).body).toBe(eni.mac);
  expect((await ask('/latest/meta-data/network/interfaces/macs/', withEni)).body).toBe(`${eni.mac}/`);
  const base = `/latest/meta-data/network/interfaces/macs/${eni.mac}`;
  expect((await ask(`${base}/vpc-id`, withEni)).body).toBe('vpc-0abc');
  expect((await ask(`${base}/subnet-id`, withEni)).body).toBe('subnet-0abc');
  expect((await ask(`${base}/local-ipv4s`, withEni)).body).toBe('198.18.5.10');
  expect((await ask(`${base}/security-group-ids`, withEni)).body).toBe('sg-1\nsg-2');
  expect((await ask('/latest/meta-data/network/interfaces/macs/0e:00:00:00:00:00/vpc-id', withEni)).status).toBe(404);
  expect((await ask('/latest/meta-data/mac')).status).toBe(404);
});

test('a role EC2 cannot assume (trust policy without ec2.amazonaws.com): its name, then AssumeRoleUnauthorizedAccess', async () => {
  const untrusted = {
    ...instance,
    credentials: async () => ({ roleName: 'instance-role', unassumable: true as const }),
  };
  expect((await ask('/latest/meta-data/iam/security-credentials/', untrusted)).body).toBe('instance-role');
  const answer = await ask('/latest/meta-data/iam/security-credentials/instance-role', untrusted);
  expect(answer.status).toBe(200);
  const document = JSON.parse(answer.body);
  expect(document).toMatchObject({ Code: 'AssumeRoleUnauthorizedAccess' });
  expect(document.Message).toMatch(/^EC2 cannot assume the role instance-role\./);
  expect(document.AccessKeyId).toBeUndefined();
});
