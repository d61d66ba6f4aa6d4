import { fail, ok, type ShimHandler } from './shim-call.ts';

/** amazon-linux-extras topics that install a package this lab cares about. */
const EXTRAS_TOPICS: Record<string, string> = { ecs: 'ecs-init', docker: 'docker' };

/**
 * yum / dnf: `install` records the packages (their units then exist); everything else succeeds.
 * Nothing is downloaded: the lab has no network beyond itself.
 */
export const packageManager: ShimHandler = async (call, services) => {
  const words = call.argv.filter((arg) => !arg.startsWith('-'));
  const [verb, ...names] = words;
  if (verb === 'install' || verb === 'reinstall') {
    if (names.length === 0) return fail(1, 'Error: Need to pass a list of pkgs to install');
    return services.install(names);
  }
  return ok(verb ? 'Nothing to do.\nComplete!\n' : '');
};

/** Amazon Linux 2's amazon-linux-extras: `install [-y] ecs`, `enable ecs`. */
export const amazonLinuxExtras: ShimHandler = async (call, services) => {
  const [verb, ...topics] = call.argv.filter((arg) => !arg.startsWith('-'));
  if (verb === 'install') {
    return services.install(topics.map((topic) => EXTRAS_TOPICS[topic.split('=')[0] ?? ''] ?? topic));
  }
  return ok();
};
