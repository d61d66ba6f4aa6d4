/**
 * `docker` in the lab's docker:cli image: `docker run [--rm] [-e NAME[=VALUE]]… IMAGE [COMMAND…]` through
 * the socket at /var/run/docker.sock, attached (the container's output is this command's, its exit code
 * this command's). As the real CLI does, `-e NAME` takes the value from this process's environment and is
 * dropped when unset; nothing else of the environment goes along. Without the socket: Docker's own error.
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';

const SOCKET = '/var/run/docker.sock';
const NO_DAEMON = `docker: Cannot connect to the Docker daemon at unix://${SOCKET}. Is the docker daemon running?\nSee 'docker run --help'.\n`;
/** `docker run` options with a value that the lab accepts and ignores (they change nothing it simulates). */
const IGNORED_WITH_VALUE = new Set(['--name', '--network', '--net', '--pull', '--platform']);

interface RunRequest {
  image: string;
  env: string[];
  cmd: string[];
}

export function parseRun(args: readonly string[], environment: NodeJS.ProcessEnv): RunRequest | string {
  const env: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (!arg.startsWith('-')) return { image: arg, env, cmd: args.slice(index + 1) };
    if (arg === '--rm' || arg === '-i' || arg === '-t' || arg === '-it') continue;
    const inline = /^(?:-e|--env)=?(.+)$/.exec(arg)?.[1];
    if (arg === '-e' || arg === '--env' || inline) {
      if (!inline) index += 1;
      const entry = inline ?? args[index] ?? '';
      if (entry.includes('=')) env.push(entry);
      else if (environment[entry] !== undefined) env.push(`${entry}=${environment[entry]}`);
      continue;
    }
    if (IGNORED_WITH_VALUE.has(arg)) {
      index += 1;
      continue;
    }
    return `lab docker CLI: option ${arg} is not simulated`;
  }
  return '"docker run" requires at least 1 argument.';
}

function run(body: RunRequest): void {
  const call = request({ socketPath: SOCKET, method: 'POST', path: '/lab/run' }, (response) => {
    const lines = createInterface({ input: response, crlfDelay: Number.POSITIVE_INFINITY });
    // Anything but the lab agent's answer (another daemon's error, an answer cut short) is a failed run:
    // Docker's own exit code for "the daemon failed", with what it said.
    let exited = false;
    const failed = (what: string) => {
      process.stderr.write(`docker: Error response from daemon: ${what.slice(0, 500)}\n`);
      process.exitCode = 125;
    };
    lines.on('line', (line) => {
      if (response.statusCode !== 200) return failed(line);
      let message: { stream?: 'stdout' | 'stderr'; line?: string; exitCode?: number };
      try {
        message = JSON.parse(line);
      } catch {
        return failed(line);
      }
      if (message.stream) process[message.stream].write(`${message.line ?? ''}\n`);
      if (typeof message.exitCode === 'number') {
        exited = true;
        process.exitCode = message.exitCode;
      }
    });
    lines.on('close', () => {
      if (!exited && process.exitCode !== 125) failed(`no exit code (HTTP ${response.statusCode})`);
    });
  });
  call.on('error', () => {
    process.stderr.write(NO_DAEMON);
    process.exitCode = 125;
  });
  call.end(JSON.stringify(body));
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'run') {
  const parsed = parseRun(rest, process.env);
  if (typeof parsed === 'string') {
    process.stderr.write(`docker: ${parsed}\n`);
    process.exitCode = 125;
  } else {
    run(parsed);
  }
} else {
  process.stderr.write(`lab docker CLI: '${command ?? ''}' is not simulated (only docker run)\n`);
  process.exitCode = 1;
}
