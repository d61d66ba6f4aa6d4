/**
 * Child half of listenInNetns: started inside a network namespace, it opens the listening socket there,
 * hands it to the parent over the IPC channel and exits. The socket stays bound to that namespace.
 */
import net from 'node:net';

const [host, portText] = process.argv.slice(2);
const server = net.createServer();
const send = process.send?.bind(process);
if (!send || !host || !portText) {
  process.stderr.write('usage: listen-in-netns-child.ts <host> <port> (with an IPC channel)\n');
  process.exit(2);
}
server.on('error', (error: NodeJS.ErrnoException) => {
  send({ ok: false, error: `${error.code ?? ''} ${error.message}`.trim() }, undefined, undefined, () =>
    process.disconnect(),
  );
});
server.listen({ host, port: Number(portText), exclusive: true }, () => {
  send({ ok: true, address: server.address() }, server, undefined, () => {
    server.close();
    process.disconnect();
  });
});
