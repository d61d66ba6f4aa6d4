import type { ServiceResult } from '../host-services.ts';
import { fail, INERT_UNITS, ok, type ShimHandler, unitName } from './shim-call.ts';

const UNIT_DESCRIPTIONS: Record<string, string> = {
  ecs: 'Amazon Elastic Container Service - container agent',
  iptables: 'IPv4 firewall with iptables',
  docker: 'Docker Application Container Engine',
};

/**
 * systemctl for the verbs user data uses on ecs, iptables and docker (`--now`, `--no-block` included: the
 * lab's start completes before it answers), `daemon-reload`, and `enable` of a unit file user data wrote.
 */
export const systemctl: ShimHandler = async (call, services) => {
  const flags = call.argv.filter((arg) => arg.startsWith('-'));
  const [verb, ...rawUnits] = call.argv.filter((arg) => !arg.startsWith('-'));
  const now = flags.includes('--now');
  const units = rawUnits.map(unitName);
  if (!verb) return fail(1, 'systemctl (lab): no verb given');
  if (verb === 'daemon-reload' || verb === 'daemon-reexec') {
    await services.daemonReload();
    return ok();
  }
  if (verb === 'reset-failed') return ok();
  if (units.length === 0) return fail(1, `Too few arguments.`);

  const results: ServiceResult[] = [];
  for (const unit of units) {
    if (INERT_UNITS.has(unit)) {
      results.push(verb === 'is-active' ? ok('active\n') : verb === 'is-enabled' ? ok('enabled\n') : ok());
      continue;
    }
    if (!services.unitExists(unit)) {
      const custom = verb === 'enable' && (await services.customUnitExists(unit));
      results.push(custom ? await services.enableCustomUnit(unit) : missingUnit(verb, unit));
      continue;
    }
    switch (verb) {
      case 'start':
        results.push(await services.start(unit));
        break;
      case 'stop':
        results.push(await services.stop(unit));
        break;
      case 'restart':
      case 'reload-or-restart':
      case 'force-reload':
        results.push(await services.restart(unit));
        break;
      case 'try-restart':
        results.push(services.isActive(unit) ? await services.restart(unit) : ok());
        break;
      case 'reload':
        results.push(ok());
        break;
      case 'enable': {
        // systemctl enable reloads systemd's units (unless --no-reload).
        const enabled = await services.enable(unit);
        if (!flags.includes('--no-reload')) await services.daemonReload();
        results.push(now && enabled.exitCode === 0 ? await services.start(unit) : enabled);
        break;
      }
      case 'disable': {
        const disabled = await services.disable(unit);
        results.push(now && disabled.exitCode === 0 ? await services.stop(unit) : disabled);
        break;
      }
      case 'is-active':
        results.push(services.isActive(unit) ? ok('active\n') : { exitCode: 3, stdout: 'inactive\n', stderr: '' });
        break;
      case 'is-enabled':
        results.push(services.isEnabled(unit) ? ok('enabled\n') : { exitCode: 1, stdout: 'disabled\n', stderr: '' });
        break;
      case 'status': {
        const active = services.isActive(unit);
        const enabled = services.isEnabled(unit) ? 'enabled' : 'disabled';
        const text = `● ${unit}.service - ${UNIT_DESCRIPTIONS[unit]}\n   Loaded: loaded (/usr/lib/systemd/system/${unit}.service; ${enabled})\n   Active: ${active ? 'active (running)' : 'inactive (dead)'}\n`;
        results.push({ exitCode: active ? 0 : 3, stdout: text, stderr: '' });
        break;
      }
      case 'mask':
      case 'unmask':
        results.push(ok());
        break;
      default:
        results.push(fail(1, `systemctl (lab): verb "${verb}" is not simulated`));
    }
  }
  return combine(results);
};

function missingUnit(verb: string, unit: string): ServiceResult {
  if (verb === 'is-active') return { exitCode: 3, stdout: 'inactive\n', stderr: '' };
  if (verb === 'is-enabled') {
    return fail(1, `Failed to get unit file state for ${unit}.service: No such file or directory`);
  }
  if (verb === 'enable' || verb === 'disable') {
    return fail(1, `Failed to ${verb} unit: Unit file ${unit}.service does not exist.`);
  }
  if (verb === 'status') return fail(4, `Unit ${unit}.service could not be found.`);
  return fail(5, `Failed to ${verb} ${unit}.service: Unit ${unit}.service not found.`);
}

export function combine(results: readonly ServiceResult[]): ServiceResult {
  return {
    exitCode: results.find((result) => result.exitCode !== 0)?.exitCode ?? 0,
    stdout: results.map((result) => result.stdout).join(''),
    stderr: results.map((result) => result.stderr).join(''),
  };
}
