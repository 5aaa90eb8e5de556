/**
 * The protocol CancelRequest: 16 bytes on a fresh connection to the same route as the session's
 * connection (a TCP socket, or a new channel of its own on the SSH connection). Unlike
 * `pg_cancel_backend`, it works through pgbouncer, whose backend pid is not the server's.
 */
import * as net from 'node:net';
import type { Route } from './config';

const CANCEL_REQUEST_CODE = 80877102;

export function sendCancelRequest(route: Route, processId: number, secretKey: number, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(processId, 8);
    packet.writeInt32BE(secretKey, 12);
    const socket = route.stream ? route.stream() : new net.Socket();
    let failure: Error | undefined;
    const timer = setTimeout(() => socket.destroy(new Error('cancel request timed out')), timeoutMs);
    // Write without half-closing, as libpq does: pgbouncer drops a cancel whose client sent EOF
    // before it forwarded the request ("client unexpected eof").
    socket.once('connect', () => socket.write(packet));
    socket.on('error', (err: Error) => {
      failure ??= err;
    });
    // The server closes the connection once it has handled the request; that is the only acknowledgement.
    socket.once('end', () => socket.end());
    socket.once('close', () => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve();
    });
    socket.connect(route.port, route.host);
  });
}
