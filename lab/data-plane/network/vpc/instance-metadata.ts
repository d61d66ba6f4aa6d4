/**
 * What IMDS serves for one instance, as a tree of paths (`/latest/meta-data/…`, `/latest/dynamic/…`,
 * `/latest/user-data`), following the EC2 instance metadata categories
 * (docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html).
 */

export interface AssumedImdsCredentials {
  roleName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string | Date;
}

/**
 * The instance profile's role, assumed by EC2; or, when its trust policy refuses ec2.amazonaws.com, only its
 * name: EC2 then answers its credentials path with Code AssumeRoleUnauthorizedAccess (aws/aws-cli#2060).
 */
export type ImdsCredentials = AssumedImdsCredentials | { roleName: string; unassumable: true };

export interface ImdsOptions {
  /** `optional` serves IMDSv1 and v2; `required` answers 401 to requests without a token. */
  httpTokens: 'optional' | 'required';
  /** IP hop limit of token (PUT) responses: 1 keeps tokens from bridge-mode tasks (one hop behind docker0). */
  httpPutResponseHopLimit: number;
}

export interface ImdsInstance {
  instanceId: string;
  region: string;
  availabilityZone: string;
  accountId: string;
  imageId: string;
  instanceType: string;
  privateIp: string;
  userData: string;
  options: ImdsOptions;
  /** The instance profile's role credentials; absent (or resolving to undefined) means no instance profile. */
  credentials?: () => Promise<ImdsCredentials | undefined>;
  /** Its primary network interface as EC2 describes it; without one, `mac` and `network/` answer 404. */
  primaryInterface?: ImdsNetworkInterface;
}

/** The primary ENI (device index 0) as the control plane's DescribeInstances reports it. */
export interface ImdsNetworkInterface {
  mac: string;
  interfaceId: string;
  subnetId: string;
  vpcId: string;
  securityGroupIds: readonly string[];
}

export interface MetadataAnswer {
  status: number;
  body: string;
  contentType?: string;
}

type Tree = { [name: string]: string | Tree | (() => Promise<string | undefined>) };

const NOT_FOUND_BODY = `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>404 - Not Found</title>
 </head>
 <body>
  <h1>404 - Not Found</h1>
 </body>
</html>
`;

export const NOT_FOUND: MetadataAnswer = { status: 404, body: NOT_FOUND_BODY, contentType: 'text/html' };

/** EC2 timestamps: ISO 8601 without milliseconds. */
export function ec2Time(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function identityDocument(instance: ImdsInstance, pendingTime: Date): string {
  const document = {
    accountId: instance.accountId,
    architecture: 'x86_64',
    availabilityZone: instance.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: instance.imageId,
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    kernelId: null,
    pendingTime: ec2Time(pendingTime),
    privateIp: instance.privateIp,
    ramdiskId: null,
    region: instance.region,
    version: '2017-09-30',
  };
  return JSON.stringify(document, null, 2);
}

function hostname(instance: ImdsInstance): string {
  const domain = instance.region === 'us-east-1' ? 'ec2.internal' : `${instance.region}.compute.internal`;
  return `ip-${instance.privateIp.replaceAll('.', '-')}.${domain}`;
}

function metadataTree(instance: ImdsInstance, credentials: ImdsCredentials | undefined, pendingTime: Date): Tree {
  const tree: Tree = {
    'ami-id': instance.imageId,
    'ami-launch-index': '0',
    hostname: hostname(instance),
    'instance-id': instance.instanceId,
    'instance-type': instance.instanceType,
    'local-hostname': hostname(instance),
    'local-ipv4': instance.privateIp,
    placement: {
      'availability-zone': instance.availabilityZone,
      region: instance.region,
    },
    services: { domain: 'amazonaws.com', partition: 'aws' },
  };
  const eni = instance.primaryInterface;
  if (eni) {
    tree.mac = eni.mac;
    tree.network = { interfaces: { macs: { [eni.mac]: interfaceTree(instance, eni) } } };
  }
  if (credentials) {
    const updated = ec2Time(pendingTime);
    tree.iam = {
      info: JSON.stringify(
        {
          Code: 'Success',
          LastUpdated: updated,
          InstanceProfileArn: `arn:aws:iam::${instance.accountId}:instance-profile/${credentials.roleName}`,
          InstanceProfileId: 'AIPALABINSTANCEPROFILE',
        },
        null,
        2,
      ),
      'security-credentials': {
        [credentials.roleName]: JSON.stringify(
          'unassumable' in credentials
            ? {
                Code: 'AssumeRoleUnauthorizedAccess',
                Message: `EC2 cannot assume the role ${credentials.roleName}.  Please see documentation at http://docs.amazonwebservices.com/IAM/latest/UserGuide/RolesTroubleshooting.html.`,
                LastUpdated: ec2Time(new Date()),
              }
            : {
                Code: 'Success',
                LastUpdated: ec2Time(new Date()),
                Type: 'AWS-HMAC',
                AccessKeyId: credentials.accessKeyId,
                SecretAccessKey: credentials.secretAccessKey,
                Token: credentials.sessionToken,
                Expiration: ec2Time(credentials.expiration),
              },
          null,
          2,
        ),
      },
    };
  }
  return tree;
}

/**
 * `network/interfaces/macs/<mac>/`: what the ECS agent reads in EC2 mode (its VPC and subnet, without which
 * it exits) and the neighbouring keys EC2 always serves for an interface. The address is the one the
 * instance has in the lab (see local-ipv4), not the control plane's record of the interface.
 */
function interfaceTree(instance: ImdsInstance, eni: ImdsNetworkInterface): Tree {
  return {
    'device-number': '0',
    'interface-id': eni.interfaceId,
    'local-hostname': hostname(instance),
    'local-ipv4s': instance.privateIp,
    mac: eni.mac,
    'owner-id': instance.accountId,
    'security-group-ids': eni.securityGroupIds.join('\n'),
    'subnet-id': eni.subnetId,
    'vpc-id': eni.vpcId,
  };
}

function listing(tree: Tree): string {
  return Object.entries(tree)
    .map(([name, value]) => (typeof value === 'object' ? `${name}/` : name))
    .join('\n');
}

function walk(tree: Tree, segments: readonly string[], trailingSlash: boolean): MetadataAnswer {
  let node: Tree | string = tree;
  for (const segment of segments) {
    if (typeof node !== 'object') return NOT_FOUND;
    const next: Tree[string] | undefined = node[segment];
    if (next === undefined || typeof next === 'function') return NOT_FOUND;
    node = next;
  }
  if (typeof node === 'object') return { status: 200, body: listing(node) };
  return trailingSlash ? NOT_FOUND : { status: 200, body: node };
}

/**
 * Answers one GET path for an instance. Credentials are only fetched for paths under `iam/`.
 */
export async function answerMetadata(
  instance: ImdsInstance,
  path: string,
  credentials: () => Promise<ImdsCredentials | undefined>,
  pendingTime: Date,
): Promise<MetadataAnswer> {
  const trailingSlash = path.endsWith('/') && path !== '/';
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return { status: 200, body: 'latest' };
  if (segments[0] !== 'latest') return NOT_FOUND;
  const rest = segments.slice(1);
  if (rest.length === 0) return { status: 200, body: ['dynamic', 'meta-data', 'user-data'].join('\n') };
  const [category, ...below] = rest;
  if (category === 'user-data') {
    if (below.length > 0 || instance.userData.length === 0) return NOT_FOUND;
    return { status: 200, body: instance.userData, contentType: 'application/octet-stream' };
  }
  if (category === 'dynamic') {
    const dynamic: Tree = {
      'instance-identity': {
        document: identityDocument(instance, pendingTime),
        pkcs7: 'LAB-UNSIGNED',
        signature: 'LAB-UNSIGNED',
        rsa2048: 'LAB-UNSIGNED',
      },
    };
    const answer = walk(dynamic, below, trailingSlash);
    if (below.join('/') === 'instance-identity/document' && answer.status === 200) {
      return { ...answer, contentType: 'application/json' };
    }
    return answer;
  }
  if (category === 'meta-data') {
    const needsCredentials = below[0] === 'iam';
    const roleCredentials = needsCredentials ? await credentials() : undefined;
    const tree = metadataTree(instance, roleCredentials, pendingTime);
    // Listing meta-data/ shows iam/ only when the instance has a profile.
    if (below.length === 0 && instance.credentials && !needsCredentials) tree.iam = { info: '' };
    return walk(tree, below, trailingSlash);
  }
  return NOT_FOUND;
}
