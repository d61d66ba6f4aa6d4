/**
 * The data plane's end of the lab's CNI plugins: a unix socket per real-agent instance, in a folder the
 * agent's container mounts at /var/run/ecs-taskrole-lab-cni. Each connection carries one call (a JSON line
 * from fixtures/lab-cni-plugin/main.go) and gets one JSON answer ({exitCode, stdout}). Only the agent's
 * container (root in the instance) reaches the folder: it is the engine's own (0700, root's).
 */
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { CNI_SOCKET_NAME } from './cni-plugins.ts';
import { type CniAnswer, type CniCall, type CniHost, cniCallSchema, createCniStandIn } from './cni-stand-in.ts';

/** A network configuration is a few hundred bytes; anything past this is not the agent's. */
const MAX_CALL_BYTES = 64 * 1024;

export interface CniSocket {
  /** The folder holding the socket (mounted into the agent's container). */
  dir: string;
  close(): Promise<void>;
}

export async function serveCniSocket(dir: string, host: CniHost, log: (line: string) => void): Promise<CniSocket> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const standIn = createCniStandIn(host);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A plugin call that never finishes its line must not hold the instance's stop (server.close waits).
    socket.setTimeout(CALL_IDLE_MS, () => socket.destroy());
    answerOne(socket, (call) => standIn.handle(call), log);
  });
  await listen(server, join(dir, CNI_SOCKET_NAME));
  return {
    dir,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await standIn.detachAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A plugin's call is one line and its answer follows the lab's work (an ENI move: seconds). */
const CALL_IDLE_MS = 60_000;

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function answerOne(socket: Socket, handle: (call: CniCall) => Promise<CniAnswer>, log: (line: string) => void) {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > MAX_CALL_BYTES) {
      socket.destroy();
      return;
    }
    const newline = text.indexOf('\n');
    if (newline < 0) return;
    socket.removeAllListeners('data');
    void reply(text.slice(0, newline), handle, log).then((answer) => socket.end(`${JSON.stringify(answer)}\n`));
  });
}

async function reply(
  line: string,
  handle: (call: CniCall) => Promise<CniAnswer>,
  log: (line: string) => void,
): Promise<CniAnswer> {
  let parsed: ReturnType<typeof cniCallSchema.safeParse>;
  try {
    parsed = cniCallSchema.safeParse(JSON.parse(line));
  } catch {
    parsed = cniCallSchema.safeParse(undefined);
  }
  if (!parsed.success) {
    return { exitCode: 1, stdout: JSON.stringify({ cniVersion: '0.3.0', code: 4, msg: 'lab: not a CNI call' }) };
  }
  const call = parsed.data;
  const answer = await handle(call);
  // The agent's values, quoted: a newline in one cannot forge a line of the log.
  log(
    `cni ${JSON.stringify(call.plugin)} ${JSON.stringify(call.command)} ${JSON.stringify(call.containerId.slice(0, 12))}: exit ${answer.exitCode}`,
  );
  return answer;
}
