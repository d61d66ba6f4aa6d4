import type { ServiceResult, Unit } from '../host-services.ts';
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
  const units = rawUnits.map(unitName);
  if (!verb) return fail(1, 'systemctl (lab): no verb given');
  if (verb === 'daemon-reload' || verb === 'daemon-reexec') {
    await services.daemonReload();
    return ok();
  }
  if (verb === 'reset-failed') return ok();
  if (units.length === 0) return fail(1, `Too few arguments.`);

  const results: ServiceResult[] = [];
  for (const unit of units) results.push(await unitResult(verb, unit, flags, services));
  return combine(results);
};

type Services = Parameters<ShimHandler>[1];

/** One unit's answer: inert units always succeed, unknown ones fail as systemd does (unless user data wrote them). */
async function unitResult(verb: string, unit: string, flags: string[], services: Services): Promise<ServiceResult> {
  if (INERT_UNITS.has(unit)) {
    return verb === 'is-active' ? ok('active\n') : verb === 'is-enabled' ? ok('enabled\n') : ok();
  }
  if (!services.unitExists(unit)) {
    const custom = verb === 'enable' && (await services.customUnitExists(unit));
    return custom ? await services.enableCustomUnit(unit) : missingUnit(verb, unit);
  }
  return knownUnitVerb(verb, unit, flags, services);
}

async function knownUnitVerb(verb: string, unit: Unit, flags: string[], services: Services): Promise<ServiceResult> {
  const now = flags.includes('--now');
  switch (verb) {
    case 'start':
      return await services.start(unit);
    case 'stop':
      return await services.stop(unit);
    case 'restart':
    case 'reload-or-restart':
    case 'force-reload':
      return await services.restart(unit);
    case 'try-restart':
      return services.isActive(unit) ? await services.restart(unit) : ok();
    case 'reload':
      return ok();
    case 'enable': {
      // systemctl enable reloads systemd's units (unless --no-reload).
      const enabled = await services.enable(unit);
      if (!flags.includes('--no-reload')) await services.daemonReload();
      return now && enabled.exitCode === 0 ? await services.start(unit) : enabled;
    }
    case 'disable': {
      const disabled = await services.disable(unit);
      return now && disabled.exitCode === 0 ? await services.stop(unit) : disabled;
    }
    case 'is-active':
      return services.isActive(unit) ? ok('active\n') : { exitCode: 3, stdout: 'inactive\n', stderr: '' };
    case 'is-enabled':
      return services.isEnabled(unit) ? ok('enabled\n') : { exitCode: 1, stdout: 'disabled\n', stderr: '' };
    case 'status':
      return statusOf(unit, services);
    case 'mask':
    case 'unmask':
      return ok();
    default:
      return fail(1, `systemctl (lab): verb "${verb}" is not simulated`);
  }
}

function statusOf(unit: Unit, services: Services): ServiceResult {
  const active = services.isActive(unit);
  const enabled = services.isEnabled(unit) ? 'enabled' : 'disabled';
  const text = `● ${unit}.service - ${UNIT_DESCRIPTIONS[unit]}\n   Loaded: loaded (/usr/lib/systemd/system/${unit}.service; ${enabled})\n   Active: ${active ? 'active (running)' : 'inactive (dead)'}\n`;
  return { exitCode: active ? 0 : 3, stdout: text, stderr: '' };
}

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
