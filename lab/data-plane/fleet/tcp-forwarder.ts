/**
 * A plain TCP relay: the control plane listens on loopback, instances reach it on the lab bridge's
 * address. Each connection is piped both ways; closing stops listening and drops open connections.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpForwarder {
  port: number;
  close(): Promise<void>;
}

export async function forwardTcp(
  listen: { host: string; port: number },
  target: { host: string; port: number },
): Promise<TcpForwarder> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : listen.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
