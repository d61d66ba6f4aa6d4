/**
 * The lab's HTTP proxy process (npm `proxy`), started inside the proxy namespace so its outgoing
 * connections leave from there: it reaches the lab network (the control plane) and nothing else,
 * like a corporate proxy that cannot reach an instance's link-local addresses.
 * Prints "ready" once listening, then one access-log line per request.
 */
import http from 'node:http';
import { createProxy } from 'proxy';

const port = Number(process.argv[2] ?? '3128');
const server = createProxy(http.createServer());
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

server.on('request', (req: http.IncomingMessage) => {
  log(`${req.socket.remoteAddress} ${req.method} ${req.url}`);
});
server.on('connect', (req: http.IncomingMessage) => {
  log(`${req.socket.remoteAddress} CONNECT ${req.url}`);
});
server.listen(port, '0.0.0.0', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
