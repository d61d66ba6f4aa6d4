/**
 * The instance's Docker socket as the lab plays it: what a task that mounts /var/run/docker.sock reaches.
 * `docker run` through it (the lab image's docker CLI, lab/images/docker-cli.ts) starts a sibling container:
 * not a container of any task, so it gets only its image's environment and the variables the request
 * names — never the agent's AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or region — on the instance's docker0,
 * as dockerd would start it. Its output streams back to the caller (attached `docker run`) as NDJSON lines
 * `{stream, line}`, then `{exitCode}`.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rm, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { IMAGE_HOME } from '../../../images/catalog.ts';
import { IMAGE_BIN_MOUNT, type LabImages, taskSystemDir } from '../../../images/image-roots.ts';
import { resolveImage } from '../../../images/resolve-image.ts';
import { attachToBridge } from './bridge-network.ts';
import { type Sandbox, startSandbox } from './sandbox.ts';

/** What the lab's docker CLI sends for `docker run` (the -e values already resolved from its own environment). */
export const dockerRunRequestSchema = z.object({
  image: z.string().min(1).max(512),
  env: z.array(z.string().max(65_536)).max(256),
  cmd: z.array(z.string().max(1_048_576)).max(256),
});
export type DockerRunRequest = z.infer<typeof dockerRunRequestSchema>;

const MAX_REQUEST_BYTES = 4 * 1_048_576;

export interface DockerSocketDeps {
  images: LabImages;
  bridge: { name: string; gateway: string; prefixLength: number };
  addresses: { allocate(): Promise<string>; release(address: string): void };
  /** Scratch space of sibling containers (homes), removed when each is gone. */
  workDir: string;
  keepUnderRoot: readonly string[];
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface DockerSocket {
  path: string;
  /** Kills the running sibling containers and stops listening. */
  close(): Promise<void>;
}

export async function serveDockerSocket(path: string, deps: DockerSocketDeps): Promise<DockerSocket> {
  const running = new Set<Sandbox>();
  const server = createServer((request, response) => {
    handle(request, response, deps, running).catch((error: unknown) => {
      deps.log('error', `docker socket: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await unlink(path).catch(() => {});
  await listen(server, path);
  return {
    path,
    async close() {
      for (const sandbox of running) sandbox.kill();
      // close() waits for every open connection, and a silent one would hold the agent's stop: end them too.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await unlink(path).catch(() => {});
    },
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  deps: DockerSocketDeps,
  running: Set<Sandbox>,
): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/lab/run') {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify({ message: `lab: ${request.method} ${request.url} is not simulated` })}\n`);
    return;
  }
  const parsed = dockerRunRequestSchema.safeParse(await readJson(request));
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const send = (value: object) => response.write(`${JSON.stringify(value)}\n`);
  if (!parsed.success) {
    send({ stream: 'stderr', line: 'docker: the lab Docker socket got a malformed run request' });
    send({ exitCode: 125 });
    response.end();
    return;
  }
  const exitCode = await runSibling(parsed.data, deps, running, (stream, line) => send({ stream, line }));
  send({ exitCode });
  response.end();
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The environment dockerd gives a container: the image's, the request's -e entries, HOSTNAME and HOME. */
export function siblingEnvironment(imageEnv: Record<string, string>, entries: readonly string[], hostname: string) {
  const env: Record<string, string> = { ...imageEnv };
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  env.HOSTNAME = hostname;
  if (!('HOME' in env)) env.HOME = IMAGE_HOME;
  return env;
}

/** Starts one sibling container on docker0 and waits for it; its output goes to `output`. */
async function runSibling(
  request: DockerRunRequest,
  deps: DockerSocketDeps,
  running: Set<Sandbox>,
  output: (stream: 'stdout' | 'stderr', line: string) => void,
): Promise<number> {
  const resolved = resolveImage(request.image);
  if (!resolved.ok) {
    output('stderr', `docker: ${resolved.reason.replace(/^CannotPullContainerError: /, '')}`);
    return 125;
  }
  const root = deps.images.root(resolved.image.id);
  const hostname = randomBytes(6).toString('hex');
  const dir = join(deps.workDir, `sibling-${hostname}`);
  const address = await deps.addresses.allocate();
  try {
    await mkdir(join(dir, 'home'), { recursive: true });
    await cp(root.homeTemplate, join(dir, 'home'), { recursive: true });
    const sandbox = await startSandbox({
      argv: request.cmd.length > 0 ? request.cmd : [...resolved.image.cmd],
      env: siblingEnvironment(root.env, request.env, hostname),
      homeDir: join(dir, 'home'),
      keepUnderRoot: deps.keepUnderRoot,
      binds: [{ source: root.binDir, target: IMAGE_BIN_MOUNT }],
      system: await taskSystemDir(root, join(dir, 'system')),
      network: {
        mode: 'bridge',
        hostname,
        configureNetwork: async (pid) => {
          await attachToBridge(pid, {
            bridge: deps.bridge.name,
            address,
            prefixLength: deps.bridge.prefixLength,
            gateway: deps.bridge.gateway,
          });
        },
      },
      onOutput: output,
    });
    running.add(sandbox);
    deps.log('info', `docker socket: sibling container ${hostname} (${request.image}) started on docker0`);
    const { exitCode } = await sandbox.exited;
    running.delete(sandbox);
    return exitCode;
  } catch (error) {
    output('stderr', `docker: Error response from daemon: ${error instanceof Error ? error.message : String(error)}`);
    return 125;
  } finally {
    deps.addresses.release(address);
    await rm(dir, { recursive: true, force: true });
  }
}
