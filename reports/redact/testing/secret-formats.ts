import type { CellResult, RunResults } from '../../../core/results/results-schema.ts';
import { cellWith } from '../../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../../testing/synthetic-results.ts';

/** Shaped like real secrets (each unique, so a leak names its format); none is a real credential. */
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY1';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHzzTOKEN1';

/** Every format a secret is realistically printed in, with the part that must never be rendered. */
export const SECRET_FORMATS: { format: string; text: string; secret: string }[] = [
  { format: 'JSON', text: `{"SecretAccessKey": "${SECRET_KEY}A"}`, secret: `${SECRET_KEY}A` },
  { format: 'JSON Token', text: `{"Token":"zzTOKENjson${SESSION_TOKEN.slice(0, 20)}"}`, secret: 'zzTOKENjson' },
  { format: 'escaped JSON', text: `"{\\"SecretAccessKey\\":\\"${SECRET_KEY}B\\"}"`, secret: `${SECRET_KEY}B` },
  {
    format: 'Python dict',
    text: `{'SecretAccessKey': '${SECRET_KEY}C', 'SessionToken': 'zzPySess'}`,
    secret: `${SECRET_KEY}C`,
  },
  { format: 'Python dict token', text: `{'AccessKeyId': 'x', 'SessionToken': 'zzPySessTok'}`, secret: 'zzPySessTok' },
  {
    format: 'Node inspect',
    text: `{ secretAccessKey: '${SECRET_KEY}D', expiration: 2026-12-03 }`,
    secret: `${SECRET_KEY}D`,
  },
  { format: 'Node inspect token', text: `Credentials { sessionToken: 'zzNodeSess' }`, secret: 'zzNodeSess' },
  {
    format: 'x-amz-security-token header (aws --debug)',
    text: `'x-amz-security-token': 'zzHdrTok'`,
    secret: 'zzHdrTok',
  },
  { format: 'raw HTTP header', text: `X-Amz-Security-Token: zzRawHdr Host: ecs`, secret: 'zzRawHdr' },
  { format: 'presigned URL', text: `https://s3/x?X-Amz-Security-Token=zzQuery%2Fab&X-Amz-Date=1`, secret: 'zzQuery' },
  {
    format: 'env with a colon (YAML, docker inspect)',
    text: `AWS_SECRET_ACCESS_KEY: zzEnvColon`,
    secret: 'zzEnvColon',
  },
  { format: 'env with =', text: `AWS_SESSION_TOKEN=zzEnvEq aws sts get-caller-identity`, secret: 'zzEnvEq' },
  { format: 'shell export', text: `export AWS_SECRET_ACCESS_KEY="zzExport"`, secret: 'zzExport' },
  { format: 'secret_key=', text: `secret_key=zzSecretKey region=us-west-2`, secret: 'zzSecretKey' },
  { format: 'INI (credentials file)', text: `aws_secret_access_key = zzIni`, secret: 'zzIni' },
  { format: 'LOCALSTACK_AUTH_TOKEN', text: `LOCALSTACK_AUTH_TOKEN=ls-zzLocalstack`, secret: 'ls-zzLocalstack' },
  {
    format: 'proxy URL credentials',
    text: `proxyconnect tcp: http://alice:zzProxyPw@proxy.internal:3128`,
    secret: 'zzProxyPw',
  },
  { format: 'ECS environment entry', text: `{"name":"AWS_SECRET_ACCESS_KEY","value":"zzEcsEnv"}`, secret: 'zzEcsEnv' },
  { format: 'Authorization bearer', text: `Authorization: Bearer zzBearer.abc`, secret: 'zzBearer' },
  { format: 'unkeyed session token', text: `token was ${SESSION_TOKEN}`, secret: 'zzTOKEN1' },
  { format: 'long-term access key id', text: `key AKIAZZZZEXAMPLE00001 used`, secret: 'ZZZZEXAMPLE00001' },
  {
    format: 'temporary access key id',
    text: `Credential=ASIAZZZZEXAMPLE00002/20261203/us-west-2`,
    secret: 'ZZZZEXAMPLE00002',
  },
];

/** Where a result holds free text: each setter puts `text` into one field of a copy. */
export const TEXT_FIELDS: { field: string; put: (results: RunResults, text: string) => void }[] = [
  {
    field: 'actual.evidence.decidedBy',
    put: (r, t) => {
      first(r).actual.evidence.decidedBy = t;
    },
  },
  {
    field: 'actual.evidence.callerArn',
    put: (r, t) => {
      first(r).actual.evidence.callerArn = t;
    },
  },
  {
    field: 'details.log[]',
    put: (r, t) => {
      first(r).details.log.push('before', t);
    },
  },
  {
    field: 'details.stoppedReason',
    put: (r, t) => {
      first(r).details.stoppedReason = t;
    },
  },
  {
    field: 'details.failures[].reason',
    put: (r, t) => {
      first(r).details.failures = [{ reason: t }];
    },
  },
  {
    field: 'details.failures[].detail',
    put: (r, t) => {
      first(r).details.failures = [{ reason: 'x', detail: t }];
    },
  },
  {
    field: 'details.console',
    put: (r, t) => {
      first(r).details.console = `[   12.3] cloud-init[1]: ${t}\nboot finished`;
    },
  },
  {
    field: 'details.taskDefinition (nested)',
    put: (r, t) => {
      first(r).details.taskDefinition = { containerDefinitions: [{ command: ['sh', '-c', t] }] };
    },
  },
  {
    field: 'expected.statement',
    put: (r, t) => {
      first(r).expected.statement = t;
    },
  },
  {
    field: 'errors[].message',
    put: (r, t) => {
      r.errors = [{ where: 'setup', message: t }];
    },
  },
  {
    field: 'run.commit',
    put: (r, t) => {
      r.run.commit = t;
    },
  },
];

/** A results value with one cell; a fresh copy every call (the setters mutate it). */
export function oneCellResults(): RunResults {
  return structuredClone({ ...syntheticResults({ cells: 1 }), cells: [cellWith({}, 'INFRA_ERROR')] });
}

function first(results: RunResults): CellResult {
  return results.cells[0] as CellResult;
}

/**
 * A results file with every format in every cell field and in the run's errors (one cell per pair),
 * as a hostile file would be; run-level fields keep the last format.
 */
export function leakyResults(): RunResults {
  const leaky = oneCellResults();
  leaky.cells = [];
  leaky.errors = [];
  SECRET_FORMATS.forEach(({ text }, formatIndex) => {
    TEXT_FIELDS.forEach(({ put }, fieldIndex) => {
      const one = oneCellResults();
      put(one, text);
      const cell = one.cells[0] as CellResult;
      leaky.cells.push({ ...cell, id: `${cell.id}-f${formatIndex}-x${fieldIndex}` });
      leaky.errors?.push(...(one.errors ?? []));
      if (one.run.commit !== leaky.run.commit) leaky.run.commit = one.run.commit;
    });
  });
  return leaky;
}
