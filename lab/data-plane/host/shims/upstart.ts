import type { ServiceResult } from '../host-services.ts';
import { fail, ok, type ShimHandler } from './shim-call.ts';

/** Amazon Linux 1's upstart: `start ecs`, `stop ecs`, `restart ecs`, `status ecs`, `initctl <verb> ecs`. */
export const upstartJob: ShimHandler = async (call, services) => {
  const [verb, job] = call.name === 'initctl' ? [call.argv[0], call.argv[1]] : [call.name, call.argv[0]];
  if (!verb || !job) return fail(1, `${call.name}: missing job name`);
  if (job !== 'ecs' || !services.unitExists('ecs')) return fail(1, `${verb}: Unknown job: ${job}`);
  const running = () => services.isActive('ecs');
  const state = () => (running() ? `ecs start/running, process ${process.pid}\n` : 'ecs stop/waiting\n');
  let result: ServiceResult;
  switch (verb) {
    case 'start':
      if (running()) return fail(1, 'start: Job is already running: ecs');
      result = await services.start('ecs');
      break;
    case 'stop':
      if (!running()) return fail(1, 'stop: Unknown instance: ');
      result = await services.stop('ecs');
      break;
    case 'restart':
      if (!running()) return fail(1, 'restart: Unknown instance: ');
      result = await services.restart('ecs');
      break;
    case 'status':
      return ok(state());
    default:
      return fail(1, `initctl: Unknown command: ${verb}`);
  }
  return result.exitCode === 0 ? ok(state()) : result;
};
