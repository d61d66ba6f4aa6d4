/**
 * What EC2 does with an instance it cannot give what its launch promised: it terminates it, with the state
 * reason `Server.InternalError` ("Server.InternalError: Internal error on launch"). The lab does the same
 * when it fails to give an instance what its AMI comes with (the real agent's engine seed:
 * real-agent/real-agent-launcher.ts EngineSeedFailed), so that whoever waits for that instance sees it end at
 * once, through EC2 as on AWS, instead of waiting out a registration that cannot come.
 *
 * moto terminates with its own reason ("User initiated shutdown"); the lab's moto gives
 * `Server.InternalError` with the lab's explanation to an instance whose `<consoles>/<id>.launch-error`
 * file names why (control-plane/moto-lab/lab_ec2.py), written here just before the termination.
 */
import { join } from 'node:path';
import { type EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { quoteForMessage } from '../../../core/text/safe-text.ts';
import { writeFileNoFollowSync } from '../../../infra/system/no-follow.ts';

/** Beside the instance's console `<id>.log`: the lab's moto reads both from that folder. */
export const LAUNCH_ERROR_SUFFIX = '.launch-error';
/** The explanation in the state reason: one line, capped (it travels into the harness's results). */
const MAX_EXPLANATION_CHARS = 600;

/**
 * Terminates `instanceId` as EC2 after an internal error, explained by `why` where the lab's moto can give
 * it (`consoleDir`; without it, as on LocalStack, the control plane's own reason stands).
 */
export async function endAfterInternalError(
  ec2AsService: EC2Client,
  consoleDir: string | undefined,
  instanceId: string,
  why: string,
): Promise<void> {
  if (consoleDir) {
    const explanation = quoteForMessage(why.replace(/\s+/g, ' ').trim(), MAX_EXPLANATION_CHARS);
    writeFileNoFollowSync(join(consoleDir, `${instanceId}${LAUNCH_ERROR_SUFFIX}`), explanation);
  }
  await ec2AsService.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
}
