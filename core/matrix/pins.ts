import { z } from 'zod';
import { PROXY_URL_PATTERN, PROXY_URL_RULE, proxyUrlProblem } from '../input/proxy-url.ts';
import { DIMENSIONS } from './dimensions.ts';

/**
 * What a matrix file may pin besides its cells: an AMI id per AMI profile (an upgrade gate keeps its
 * candidate AMIs in the file) and the HTTP proxy of its proxy cells. `run --ami PROFILE=ID` and
 * ECS_TASKROLE_PROXY_URL override them.
 */
export type AmiProfile = (typeof DIMENSIONS)['ami']['values'][number];
export type AmiPins = Partial<Record<AmiProfile, string>>;

export const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
const AMI_ID_RULE = 'expected an AMI id: ami- and 8 to 17 lowercase hex digits, such as ami-0123456789abcdef0';

export const amiPinsSchema = z
  .strictObject(
    Object.fromEntries(
      DIMENSIONS.ami.values.map((profile) => [
        profile,
        z.string({ error: AMI_ID_RULE }).regex(AMI_ID, { message: AMI_ID_RULE }).optional(),
      ]),
    ) as Record<AmiProfile, z.ZodOptional<z.ZodString>>,
    { error: `expected a mapping AMI profile → AMI id (profiles: ${DIMENSIONS.ami.values.join(', ')})` },
  )
  .describe('the AMI id each AMI profile runs on (default: the SSM-recommended AMI); run --ami PROFILE=ID overrides');

export const proxyUrlSchema = z
  .string({ error: PROXY_URL_RULE })
  .check((ctx) => {
    const problem = proxyUrlProblem(ctx.value);
    // `input` left out on purpose: the issue must not carry a password.
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: '', continue: false });
  })
  .meta({
    description:
      'HTTP proxy for the proxy cells (agentProxy, taskProxy) on AWS: http(s)://HOST[:PORT], without credentials; ECS_TASKROLE_PROXY_URL overrides',
    pattern: PROXY_URL_PATTERN,
    format: 'uri',
  });
