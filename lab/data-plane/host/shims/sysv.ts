import { fail, INERT_UNITS, ok, type ShimHandler, unitName } from './shim-call.ts';
import { systemctl } from './systemctl.ts';
import { upstartJob } from './upstart.ts';

/**
 * `service <name> <action>`: the iptables init script (save/start/stop/restart/status) and docker; on
 * systemd profiles other services redirect to systemctl, on AL1 `ecs` is an upstart job.
 */
export const service: ShimHandler = async (call, services) => {
  const [rawName, action, ...rest] = call.argv;
  if (!rawName || !action)
    return fail(1, 'Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]');
  const name = unitName(rawName);
  if (name === 'iptables' && services.unitExists('iptables')) {
    switch (action) {
      case 'save':
        return services.saveIptables();
      case 'start':
        return services.start('iptables');
      case 'stop':
        return services.stop('iptables');
      case 'restart':
        return services.restart('iptables');
      case 'status':
        return services.isActive('iptables')
          ? ok('iptables: Firewall is running.\n')
          : { exitCode: 3, stdout: 'iptables: Firewall is not running.\n', stderr: '' };
      default:
        return fail(2, `Usage: iptables {start|stop|reload|restart|condrestart|status|panic|save}`);
    }
  }
  if (name === 'ecs' && services.profile.initSystem === 'upstart') {
    return upstartJob({ ...call, name: action, argv: [name, ...rest] }, services);
  }
  if (services.profile.initSystem === 'systemd') {
    return systemctl({ ...call, name: 'systemctl', argv: [action, name, ...rest] }, services);
  }
  if (name === 'docker' || INERT_UNITS.has(name)) {
    if (name === 'docker' && (action === 'start' || action === 'restart')) return services.startDocker();
    return ok();
  }
  return fail(1, `${rawName}: unrecognized service`);
};

/** chkconfig <name> on|off (AL1, and AL2 where it forwards to systemctl). */
export const chkconfig: ShimHandler = async (call, services) => {
  const [rawName, state] = call.argv;
  if (!rawName || rawName === '--list') return ok();
  const name = unitName(rawName);
  if (INERT_UNITS.has(name)) return ok();
  if (!services.unitExists(name))
    return fail(1, `error reading information on service ${name}: No such file or directory`);
  if (state === 'on') return services.enable(name);
  if (state === 'off') return services.disable(name);
  return services.isEnabled(name) ? ok() : { exitCode: 1, stdout: '', stderr: '' };
};
