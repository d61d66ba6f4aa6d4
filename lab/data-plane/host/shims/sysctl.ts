import { parseSysctlFile } from '../host-services.ts';
import { fail, type ShimHandler } from './shim-call.ts';

/**
 * sysctl on the instance: reads and `net.*` writes go to the real sysctl inside the instance's network
 * namespace; writes of machine-wide keys (kernel.*, vm.*) are skipped so user data cannot change the
 * machine. `-p [file]` and `--system` read the instance's /etc.
 */
export const sysctl: ShimHandler = async (call, services) => {
  const flags = call.argv.filter((arg) => arg.startsWith('-'));
  const words = call.argv.filter((arg) => !arg.startsWith('-'));
  const wantsWrite = flags.some((flag) => flag === '-w' || flag === '--write');
  if (flags.includes('--system') || flags.some((flag) => flag === '-p' || flag.startsWith('--load'))) {
    const files = flags.includes('--system')
      ? ['/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.conf']
      : words.length > 0
        ? words
        : ['/etc/sysctl.conf'];
    const settings: [string, string][] = [];
    for (const file of files) {
      const text = await call.readFile(file);
      if (text === undefined) {
        if (flags.includes('--system')) continue;
        return fail(255, `sysctl: cannot open "${file}": No such file or directory`);
      }
      settings.push(...parseSysctlFile(text));
    }
    return services.applySysctl(settings);
  }
  const writes = words.filter((word) => word.includes('='));
  const reads = words.filter((word) => !word.includes('='));
  if (writes.length === 0 && !wantsWrite) {
    const passthrough = flags.filter((flag) => ['-n', '-e', '-q', '-a', '-N'].includes(flag));
    const result = await services.execInInstance('sysctl', [...passthrough, ...reads]);
    return { exitCode: result.exitCode, stdout: result.stdout ? `${result.stdout}\n` : '', stderr: result.stderr };
  }
  const settings = writes.map((word): [string, string] => {
    const equals = word.indexOf('=');
    return [word.slice(0, equals), word.slice(equals + 1)];
  });
  const result = await services.applySysctl(settings);
  return flags.includes('-q') ? { ...result, stdout: '' } : result;
};
