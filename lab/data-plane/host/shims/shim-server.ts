import { readFile, readlink, rm } from 'node:fs/promises';
import http from 'node:http';
import { isAbsolute, join } from 'node:path';
import type { HostServices, ServiceResult } from '../host-services.ts';
import type { ShimCall, ShimHandler } from './shim-call.ts';

/**
 * The host simulator's end of the shims: an HTTP server on a unix socket in the instance's folder (unix
 * sockets on the filesystem are reachable from any network namespace). The exit code travels in
 * `X-Lab-Exit`; the body is stdout then stderr, split at `X-Lab-Stdout-Length`.
 */
export interface ShimServer {
  close(): Promise<void>;
}

export async function startShimServer(options: {
  socket: string;
  handlers: Record<string, ShimHandler>;
  services: HostServices;
  log: (line: string) => void;
}): Promise<ShimServer> {
  await rm(options.socket, { force: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      const argc = Number(req.headers['x-lab-argc'] ?? 0);
      const pid = Number(req.headers['x-lab-pid'] ?? 0);
      const argv = Buffer.concat(chunks).toString('utf8').split('\0').slice(0, argc);
      const handler = options.handlers[name];
      const answer = handler
        ? options.services.serialize(async () => {
            options.log(`shim: ${name} ${redact(argv.join(' '))}`);
            return handler(await callOf(name, argv, pid), options.services);
          })
        : Promise.resolve<ServiceResult>({ exitCode: 127, stdout: '', stderr: `${name}: not simulated\n` });
      answer
        .catch((error: unknown) => ({ exitCode: 1, stdout: '', stderr: `${name} (lab): ${String(error)}\n` }))
        .then((result) => {
          const stdout = Buffer.from(result.stdout);
          res.statusCode = 200;
          res.setHeader('X-Lab-Exit', String(Math.min(Math.max(result.exitCode, 0), 255)));
          res.setHeader('X-Lab-Stdout-Length', String(stdout.length));
          res.end(Buffer.concat([stdout, Buffer.from(result.stderr)]));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socket, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the calling shell sees: its cwd, environment and filesystem view, read through /proc/<pid>. */
async function callOf(name: string, argv: string[], pid: number): Promise<ShimCall> {
  const proc = `/proc/${pid}`;
  const cwd = await readlink(`${proc}/cwd`).catch(() => '/');
  const environ = await readFile(`${proc}/environ`, 'utf8').catch(() => '');
  const env: Record<string, string> = {};
  for (const entry of environ.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return {
    name,
    argv,
    cwd,
    env,
    readFile: async (path) => {
      const absolute = isAbsolute(path) ? path : join(cwd, path);
      return readFile(join(`${proc}/root`, absolute), 'utf8').catch(() => undefined);
    },
  };
}

/** Keeps secrets passed as arguments (e.g. `-e AWS_SECRET_ACCESS_KEY=…`) out of the console log. */
export function redact(text: string): string {
  return text.replace(/([A-Za-z0-9_]*(?:SECRET|TOKEN|PASSWORD)[A-Za-z0-9_]*=)\S+/gi, '$1***');
}
