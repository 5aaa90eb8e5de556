/**
 * The SSH hop of a profile: one SSH connection per pool, and no local listener. Every pooled
 * connection, and every CancelRequest, is a direct-tcpip channel of its own to the database
 * server, handed to pg as its socket (channel-socket.ts). Opened on first use; when the SSH
 * connection drops (or keepalive finds it dead) every channel is closed, so the pool's
 * connections fail as lost, and the next `open()` connects again.
 *
 * The host key is always checked (known_hosts or a pinned fingerprint); an unknown or changed
 * key refuses the connection with the offered fingerprint, for the user to decide.
 */
import * as fs from 'node:fs';
import type * as net from 'node:net';
import type { Client, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { SshChannelSocket } from './channel-socket';
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

/** ssh2 loads with the first SSH profile's connection, not with the extension (its crypto set-up costs activation). */
type Ssh2 = typeof import('ssh2');
let ssh2: Promise<Ssh2> | undefined;
function loadSsh2(): Promise<Ssh2> {
  ssh2 ??= import('ssh2').then((m) => ((m as Ssh2 & { default?: Ssh2 }).default ?? m));
  return ssh2;
}

/** ~2 s x 3 unanswered: a dead network is found within about 8 s. */
const KEEPALIVE_INTERVAL_MS = 2_000;
const KEEPALIVE_COUNT_MAX = 3;

/** One SSH connection and the channel sockets opened on it; a new one after it drops. */
interface Live {
  client: Client;
  sockets: Set<SshChannelSocket>;
  route: Route;
  dead: boolean;
}

/** Why a channel socket could not open: the SSH server refused the channel, or the SSH connection is gone. */
class ChannelError extends Error {
  constructor(
    readonly reason: 'refused' | 'lost',
    message: string,
  ) {
    super(message);
  }
}

export class SshTunnel {
  private live: Live | undefined;
  private opening: Promise<Route> | undefined;
  private closed = false;

  constructor(
    private readonly ref: SshTunnelRef,
    private readonly target: { host: string; port: number },
    private readonly options: TunnelOptions,
  ) {}

  /** "user@host:port", for messages. */
  get description(): string {
    const host = this.ref.host.includes(':') ? `[${this.ref.host}]` : this.ref.host;
    return `${this.ref.user}@${host}:${this.ref.port ?? 22}`;
  }

  /**
   * The route to the database server over the live SSH connection (connected here if needed):
   * its sockets are channels on that connection, and fail once it has dropped.
   */
  open(): Promise<Route> {
    if (this.closed) return Promise.reject(new PgError('closed', 'The SSH tunnel was closed.'));
    if (this.live && !this.live.dead) return Promise.resolve(this.live.route);
    this.opening ??= this.start().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * A tunnel-specific reason for a connection that failed because its channel did not open (the
   * SSH server refused it, or the SSH connection was gone), or undefined.
   */
  explainFailure(err: unknown): PgError | undefined {
    // Only a connection that could not talk to the server at all; an auth error is the server's.
    if (!(err instanceof PgError) || err.kind !== 'connect' || !(err.cause instanceof ChannelError)) return undefined;
    const channelError = err.cause;
    const where = `${this.target.host}:${this.target.port}`;
    const message =
      channelError.reason === 'refused'
        ? `The SSH server ${this.description} could not open a channel to ${where}: ${channelError.message}. ` +
          'Check the database host and port as seen from the SSH server, and that it allows TCP forwarding.'
        : `The SSH connection to ${this.description} closed before a channel to ${where} could open. Try again to reconnect.`;
    return new PgError('tunnel', message, {}, { cause: err });
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
    const live: Live = { client, sockets: new Set(), route: { ...this.target }, dead: false };
    live.route.stream = () => this.channelSocket(live);
    const drop = (): void => {
      if (live.dead) return;
      live.dead = true;
      void teardown(live);
    };
    client.on('close', drop);
    client.on('end', drop);
    // After 'ready', errors (keepalive timeout, reset) are followed by 'close'; ending here makes sure.
    client.on('error', drop);
    if (this.closed) {
      drop();
      throw new PgError('closed', 'The SSH tunnel was closed.');
    }
    this.live = live;
    return live.route;
  }

  /** An unopened socket whose connect() opens a direct-tcpip channel on `live`. Never throws. */
  private channelSocket(live: Live): SshChannelSocket {
    const { host, port } = this.target;
    const socket = new SshChannelSocket((done) => {
      if (live.dead) {
        done(new ChannelError('lost', 'the SSH connection is closed'));
        return;
      }
      try {
        // The originator is informational: there is no local socket behind the channel.
        live.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
          if (err) done(new ChannelError(live.dead ? 'lost' : 'refused', err.message));
          else done(undefined, channel);
        });
      } catch {
        // ssh2 throws synchronously once the SSH connection is gone ("Not connected").
        if (!live.dead) {
          live.dead = true;
          void teardown(live);
        }
        done(new ChannelError('lost', 'the SSH connection is closed'));
      }
    });
    live.sockets.add(socket);
    socket.once('close', () => live.sockets.delete(socket));
    return socket;
  }

  private async connect(): Promise<Client> {
    const { Client, utils } = await loadSsh2();
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
      ...this.credentials(utils),
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

  private credentials(utils: Ssh2['utils']): Partial<ConnectConfig> {
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
  // Without an error: pg then reports the connection as terminated, which the pool treats as lost.
  for (const socket of live.sockets) socket.destroy();
  live.sockets.clear();
  const clientClosed = new Promise<void>((resolve) => {
    const sock = (live.client as unknown as { _sock?: net.Socket })._sock;
    if (!sock || sock.destroyed) return resolve();
    live.client.once('close', () => resolve());
    setTimeout(resolve, 1_000).unref();
  });
  live.client.end();
  await clientClosed;
}
