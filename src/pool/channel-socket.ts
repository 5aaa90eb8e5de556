/**
 * A socket made of one SSH channel, for node-postgres' `stream` option. pg uses its stream as a
 * net.Socket (pg/lib/connection.js): `connect(port, host)`, then `setNoDelay`, `setKeepAlive`,
 * the 'connect' event, and for TLS `tls.connect({ socket })` on top. Here `connect()` opens a
 * fresh direct-tcpip channel on the profile's SSH connection, so nothing listens on a local port
 * that another process could connect through. Keepalive is the SSH connection's job.
 */
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/** Opens one channel to the database server, calling back with it or with why not (once). */
export type ChannelOpener = (done: (err: Error | undefined, channel?: ClientChannel) => void) => void;

export class SshChannelSocket extends Duplex {
  /** As net.Socket's: true from connect() until the channel is open or has failed. */
  connecting = false;
  private channel: ClientChannel | undefined;
  private channelClosed = false;
  private readEnded = false;
  /** Written this tick (or before the channel opened), sent as one channel write by flush(). */
  private outgoing: Buffer[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  /** The write callback held back until the channel drains (backpressure). */
  private afterDrain: (() => void) | undefined;

  constructor(private readonly openChannel: ChannelOpener) {
    // allowHalfOpen false, as net.Socket: when the server closes its side, ours ends too.
    super({ allowHalfOpen: false });
  }

  /** The destination is the opener's (the profile's host and port as the SSH server sees them). */
  connect(): this {
    if (this.connecting || this.channel || this.destroyed) return this;
    this.connecting = true;
    this.openChannel((err, channel) => {
      this.connecting = false;
      if (err || !channel) {
        this.destroy(err ?? new Error('The SSH server opened no channel.'));
        return;
      }
      if (this.destroyed) {
        closeQuietly(channel);
        return;
      }
      this.attach(channel);
      this.emit('connect');
      this.flush();
      if (this.writableEnded) channel.end();
    });
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  private attach(channel: ClientChannel): void {
    this.channel = channel;
    channel.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause();
    });
    channel.on('end', () => this.endReadable());
    channel.on('error', (err: Error) => this.destroy(err));
    channel.on('close', () => {
      this.channelClosed = true;
      this.endReadable();
      // Let pg read what the server sent last (e.g. a FATAL ErrorResponse) before 'close'.
      if (this.readableLength === 0) this.destroy();
      else this.once('end', () => this.destroy());
    });
  }

  private endReadable(): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.push(null);
    // As net.Socket does: 'end' is emitted even if nobody reads (a CancelRequest never does).
    this.read(0);
  }

  override _read(): void {
    this.channel?.resume();
  }

  /**
   * pg writes each protocol message on its own (Parse, Bind, Describe, Execute, Flush); one SSH
   * packet each would reach the server as separate reads, and a CancelRequest landing between
   * them is ignored by the server. So a tick's writes go out together, as from a TCP socket.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.outgoing.push(chunk);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
    // Backpressure: while the channel's window is full, hold the callback and pg's next writes.
    if (this.waitingForDrain) this.afterDrain = callback;
    else callback();
  }

  private flush(): void {
    this.flushScheduled = false;
    const channel = this.channel;
    // Before the channel opens, connect() flushes; after it closed, pg sees the close.
    if (!channel || this.channelClosed || this.outgoing.length === 0) return;
    const data = this.outgoing.length === 1 ? this.outgoing[0] : Buffer.concat(this.outgoing);
    this.outgoing = [];
    if (channel.write(data) || this.waitingForDrain) return;
    this.waitingForDrain = true;
    channel.once('drain', () => {
      this.waitingForDrain = false;
      const callback = this.afterDrain;
      this.afterDrain = undefined;
      callback?.();
    });
  }

  override _final(callback: (err?: Error | null) => void): void {
    // Before the channel is open, connect() sends what is written and ends it once it is.
    if (this.channel && !this.channelClosed) {
      this.flush();
      this.channel.end();
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.outgoing = [];
    if (this.channel && !this.channelClosed) closeQuietly(this.channel);
    // A TLS socket on top (node's JSStreamSocket) destroys this one inside its own destroy and
    // emits its error on the next tick. Closing a turn later lets pg see that error (say, a
    // certificate that does not name the host) before 'close', which it reports as "terminated".
    setImmediate(() => callback(err));
  }
}

function closeQuietly(channel: ClientChannel): void {
  try {
    channel.close();
  } catch {
    // The SSH connection is already gone, and the channel with it.
  }
}
