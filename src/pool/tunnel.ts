/**
 * The SSH hop of a profile: one SSH connection and one listener on 127.0.0.1 (a free port) per
 * pool. Every socket accepted there (a pooled connection, or a CancelRequest) gets its own
 * direct-tcpip channel to the database server. Opened on first use; when the SSH connection
 * drops (or keepalive finds it dead) every forwarded socket is closed, so the pool's connections
 * fail as lost, and the next `open()` connects again.
 *
 * The host key is always checked (known_hosts or a pinned fingerprint); an unknown or changed
 * key refuses the connection with the offered fingerprint, for the user to decide.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client, utils } from 'ssh2';
import type { ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import type { Route, SshTunnelRef } from './config';
import { PgError } from './errors';
import { checkHostKey, preferredHostKeyAlgorithms } from './known-hosts';
import type { HostKeyVerdict } from './known-hosts';

export interface TunnelOptions {
  connectTimeoutMs: number;
  /** SSH keepalive: a silent network is declared dead after about interval x (countMax + 1). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** ~2 s x 3 unanswered: a dead network is found within about 8 s. */
const KEEPALIVE_INTERVAL_MS = 2_000;
const KEEPALIVE_COUNT_MAX = 3;

interface Live {
  client: Client;
  server: net.Server;
  sockets: Set<net.Socket>;
  route: Route;
  dead: boolean;
}

export class SshTunnel {
  private live: Live | undefined;
  private opening: Promise<Route> | undefined;
  private closed = false;
  /** The last channel the SSH server refused, to explain a connection that closed at once. */
  private lastChannelError: Error | undefined;

  constructor(
    private readonly ref: SshTunnelRef,
    private readonly target: Route,
    private readonly options: TunnelOptions,
  ) {}

  /** "user@host:port", for messages. */
  get description(): string {
    const host = this.ref.host.includes(':') ? `[${this.ref.host}]` : this.ref.host;
    return `${this.ref.user}@${host}:${this.ref.port ?? 22}`;
  }

  /** The local address that leads to the database server; connects the SSH hop if needed. */
  open(): Promise<Route> {
    if (this.closed) return Promise.reject(new PgError('closed', 'The SSH tunnel was closed.'));
    if (this.live && !this.live.dead) return Promise.resolve(this.live.route);
    this.opening ??= this.start().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * A tunnel-specific reason for a connection that failed through the listener (the SSH server
   * refused the channel), or undefined.
   */
  explainFailure(err: unknown): PgError | undefined {
    const channelError = this.lastChannelError;
    this.lastChannelError = undefined;
    // Only a connection that could not talk to the server at all; an auth error is the server's.
    if (!channelError || !(err instanceof PgError) || err.kind !== 'connect') return undefined;
    return new PgError(
      'tunnel',
      `The SSH server ${this.description} could not open a channel to ${this.target.host}:${this.target.port}: ` +
        `${channelError.message}. Check the database host and port as seen from the SSH server, and that it allows TCP forwarding.`,
      {},
      { cause: err },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const live = this.live;
    this.live = undefined;
    if (live) await teardown(live);
  }

  private async start(): Promise<Route> {
    const client = await this.connect();
    const live: Live = { client, server: net.createServer(), sockets: new Set(), route: { host: '127.0.0.1', port: 0 }, dead: false };
    const drop = (): void => {
      if (live.dead) return;
      live.dead = true;
      void teardown(live);
    };
    client.on('close', drop);
    client.on('end', drop);
    // After 'ready', errors (keepalive timeout, reset) are followed by 'close'; ending here makes sure.
    client.on('error', drop);
    live.server.on('connection', (socket) => this.forward(live, socket));
    live.server.on('error', drop);
    try {
      await new Promise<void>((resolve, reject) => {
        live.server.once('error', reject);
        live.server.listen(0, '127.0.0.1', () => {
          live.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      drop();
      throw new PgError('tunnel', `Could not listen on 127.0.0.1 for the SSH tunnel: ${(err as Error).message}`, {}, { cause: err });
    }
    const address = live.server.address();
    live.route = { host: '127.0.0.1', port: typeof address === 'object' && address ? address.port : 0 };
    if (this.closed || live.dead) {
      drop();
      throw this.closed ? new PgError('closed', 'The SSH tunnel was closed.') : this.lost();
    }
    this.live = live;
    return live.route;
  }

  private lost(): PgError {
    return new PgError('tunnel', `The SSH connection to ${this.description} closed while it was being set up.`);
  }

  /** One accepted local socket -> one direct-tcpip channel. Never throws: a failed channel closes the socket. */
  private forward(live: Live, socket: net.Socket): void {
    live.sockets.add(socket);
    socket.on('close', () => live.sockets.delete(socket));
    // The pg client on the other end sees the close; the error itself is not news.
    socket.on('error', () => socket.destroy());
    if (live.dead) {
      socket.destroy();
      return;
    }
    const onChannel = (err: Error | undefined, channel: ClientChannel): void => {
      if (err) {
        this.lastChannelError = err;
        socket.destroy();
        return;
      }
      const closeChannel = (): void => {
        try {
          channel.close();
        } catch {
          // The SSH connection is already gone, and the channel with it.
        }
      };
      if (socket.destroyed) {
        closeChannel();
        return;
      }
      channel.on('error', () => socket.destroy());
      channel.on('close', () => socket.destroy());
      socket.on('close', closeChannel);
      socket.pipe(channel).pipe(socket);
    };
    try {
      // ssh2 throws synchronously once the SSH connection is gone ("Not connected").
      live.client.forwardOut('127.0.0.1', socket.remotePort ?? 0, this.target.host, this.target.port, onChannel);
    } catch {
      socket.destroy();
      if (!live.dead) {
        live.dead = true;
        void teardown(live);
      }
    }
  }

  private async connect(): Promise<Client> {
    const ref = this.ref;
    const port = ref.port ?? 22;
    const config: ConnectConfig = {
      host: ref.host,
      port,
      username: ref.user,
      readyTimeout: this.options.connectTimeoutMs,
      keepaliveInterval: this.options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: this.options.keepaliveCountMax ?? KEEPALIVE_COUNT_MAX,
      tryKeyboard: false,
      ...this.credentials(),
    };
    const preferred = preferredHostKeyAlgorithms(ref.hostKey, ref.host, port) as ServerHostKeyAlgorithm[];
    if (preferred.length > 0) config.algorithms = { serverHostKey: { prepend: preferred, append: [], remove: [] } };

    let verdict: HostKeyVerdict | undefined;
    config.hostVerifier = (key: Buffer): boolean => {
      verdict = checkHostKey(ref.hostKey, ref.host, port, key);
      return verdict.ok;
    };

    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(this.connectError(err, verdict));
      };
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        resolve(client);
      });
      // Both stay attached (doing nothing once settled): an 'error' event without a listener
      // would crash the process before start() attaches its own.
      client.on('error', fail);
      client.on('close', () => fail(new Error('the SSH server closed the connection')));
      try {
        client.connect(config);
      } catch (err) {
        fail(err as Error);
      }
    });
  }

  private credentials(): Partial<ConnectConfig> {
    const auth = this.ref.auth;
    switch (auth.kind) {
      case 'password':
        return { password: auth.password };
      case 'agent': {
        const socket = auth.socket ?? process.env.SSH_AUTH_SOCK;
        if (!socket) {
          throw new PgError('tunnel', 'SSH agent authentication needs a running ssh-agent, but SSH_AUTH_SOCK is not set.');
        }
        return { agent: socket };
      }
      case 'key': {
        let data: Buffer;
        try {
          data = fs.readFileSync(auth.privateKeyFile);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          throw new PgError('tunnel', `Could not read the SSH private key ${auth.privateKeyFile} (${code}).`, {}, { cause: err });
        }
        const parsed = utils.parseKey(data, auth.passphrase);
        if (parsed instanceof Error) {
          const why =
            auth.passphrase === undefined && /passphrase|encrypted/i.test(parsed.message)
              ? 'it is encrypted and no passphrase was given'
              : auth.passphrase !== undefined
                ? 'the passphrase is wrong, or it is not an OpenSSH or PEM private key (ed25519, ecdsa, rsa)'
                : 'it is not an OpenSSH or PEM private key (ed25519, ecdsa, rsa)';
          throw new PgError('tunnel', `Could not use the SSH private key ${auth.privateKeyFile}: ${why}.`);
        }
        return { privateKey: data, passphrase: auth.passphrase };
      }
    }
  }

  private connectError(err: Error, verdict: HostKeyVerdict | undefined): PgError {
    const where = this.description;
    if (verdict && !verdict.ok) {
      const { fingerprint } = verdict;
      if (verdict.problem === 'unknown') {
        const others = verdict.otherTypes.length > 0 ? ` (keys of other types are known for it: ${verdict.otherTypes.join(', ')})` : '';
        return new PgError(
          'tunnel',
          `The SSH server ${where} offered a host key that is not known${others}: ${fingerprint}. ` +
            'Connect only if this is the fingerprint of that server, then trust it.',
          { fingerprint, hostKey: 'unknown' },
          { cause: err },
        );
      }
      if (verdict.problem === 'changed') {
        return new PgError(
          'tunnel',
          `The host key of the SSH server ${where} has CHANGED: it offered ${fingerprint}, which differs from ${verdict.where}. ` +
            'Someone could be intercepting the connection, or the server was reinstalled. Not connecting.',
          { fingerprint, hostKey: 'changed' },
          { cause: err },
        );
      }
      return new PgError(
        'tunnel',
        `The SSH server ${where} offered a host key that is revoked (${verdict.where}): ${fingerprint}. Not connecting.`,
        { fingerprint, hostKey: 'revoked' },
        { cause: err },
      );
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') {
      return new PgError('tunnel', `Nothing accepts SSH connections at ${where}. Check the SSH host and port.`, {}, { cause: err });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new PgError('tunnel', `The SSH host name ${this.ref.host} does not resolve.`, {}, { cause: err });
    }
    if (/authentication methods failed/i.test(err.message)) {
      const method = { key: 'key', agent: 'ssh-agent', password: 'password' }[this.ref.auth.kind];
      return new PgError('tunnel', `The SSH server ${where} refused ${method} authentication for user ${this.ref.user}.`, {}, { cause: err });
    }
    if (/timed out/i.test(err.message)) {
      return new PgError('tunnel', `No SSH handshake from ${where} within the connect timeout.`, {}, { cause: err });
    }
    return new PgError('tunnel', `Could not connect to the SSH server ${where}: ${err.message}`, {}, { cause: err });
  }
}

async function teardown(live: Live): Promise<void> {
  live.dead = true;
  for (const socket of live.sockets) socket.destroy();
  live.sockets.clear();
  const serverClosed = new Promise<void>((resolve) => live.server.close(() => resolve()));
  const clientClosed = new Promise<void>((resolve) => {
    const sock = (live.client as unknown as { _sock?: net.Socket })._sock;
    if (!sock || sock.destroyed) return resolve();
    live.client.once('close', () => resolve());
    setTimeout(resolve, 1_000).unref();
  });
  live.client.end();
  await Promise.all([serverClosed, clientClosed]);
}
