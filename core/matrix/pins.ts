import { z } from 'zod';
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

/** Scheme, host and optional port (and path): the shape an editor can check. Credentials are refused below. */
const PROXY_URL_SHAPE = '^https?://[^\\s/?#@]+(/[^\\s?#@]*)?$';
const PROXY_URL_RULE = 'expected an http:// or https:// URL such as http://proxy.example.internal:3128';
export const PROXY_CREDENTIALS_REFUSED =
  'a proxy URL with a user or password (user:password@) is not accepted in a matrix file: matrix files get committed. ' +
  'Write the URL without credentials, or set ECS_TASKROLE_PROXY_URL in the environment (it overrides the file)';

/** Why a proxy URL is refused, or undefined. Never echoes the URL: it may hold a password. */
export function proxyUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return PROXY_URL_RULE;
  }
  if (url.username !== '' || url.password !== '' || value.includes('@')) return PROXY_CREDENTIALS_REFUSED;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return PROXY_URL_RULE;
  if (!new RegExp(PROXY_URL_SHAPE).test(value) || url.search !== '' || url.hash !== '') return PROXY_URL_RULE;
  return undefined;
}

export const proxyUrlSchema = z
  .string({ error: PROXY_URL_RULE })
  .check((ctx) => {
    const problem = proxyUrlProblem(ctx.value);
    // `input` left out on purpose: the issue must not carry a password.
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: '', continue: false });
  })
  .meta({
    description:
      'HTTP proxy for the proxy cells (agentProxy, taskProxy) on AWS, without credentials; ECS_TASKROLE_PROXY_URL overrides',
    pattern: PROXY_URL_SHAPE,
    format: 'uri',
  });
