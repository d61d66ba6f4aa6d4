import { spawn } from 'node:child_process';
import type net from 'node:net';
import { InfrastructureError } from '../../../core/errors.ts';
import { moduleFile } from '../../../infra/files/module-file.ts';

const CHILD = moduleFile('./listen-in-netns-child.ts', import.meta.url);

/**
 * Opens a TCP listening socket inside a network namespace and returns its handle, so a server in this
 * process (IMDS, the agent's credentials endpoint, a test listener) serves connections of that namespace
 * with their real source addresses: `http.createServer(h).listen(await listenInNetns(ns, '127.0.0.1', 51679))`.
 *
 * Close the server when done: an open socket keeps its namespace (and the namespace's veth) alive.
 *
 * Uses node:child_process rather than execa: passing a socket handle needs Node's own IPC channel, which
 * execa does not expose.
 */
export async function listenInNetns(netns: string, host: string, port: number): Promise<net.Server> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, CHILD, host, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    return await new Promise<net.Server>((resolve, reject) => {
      child.once('message', (message: { ok: boolean; error?: string }, handle: unknown) => {
        if (message.ok && handle) resolve(handle as net.Server);
        else reject(new InfrastructureError(`lab: cannot listen on ${host}:${port} in ${netns}: ${message.error}`));
      });
      child.once('error', (error) => reject(new InfrastructureError(`lab: listen helper failed: ${error.message}`)));
      child.once('exit', (code) =>
        reject(new InfrastructureError(`lab: listen helper for ${netns} exited ${code}: ${stderr.trim()}`)),
      );
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
