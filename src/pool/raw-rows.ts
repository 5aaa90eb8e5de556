/**
 * DataRow values as the server's bytes, for pages that go to the results grid untouched.
 *
 * node-postgres' parser (pg-protocol) turns each value of each DataRow into a JS string as the
 * message arrives. A page for the grid was then joined into one string again, and VS Code's
 * postMessage escaped it into JSON and encoded it back to UTF-8: every value was decoded once and
 * copied four times. Here the parser keeps a DataRow's bytes instead: `fields` decodes them on
 * first use (what node-postgres' own queries read, as before), while a packed read
 * (packed-page.ts) copies the bytes into its page and never makes a string.
 *
 * The bytes are the parser's buffer, which it reuses for the socket's next chunk: a RawDataRow is
 * good while the 'dataRow' event carrying it is dispatched. node-postgres handles that event
 * synchronously (Query, pg-cursor and the pool's Portal alike), and so must any reader.
 */

/** The DataRow message code ('D'). */
const DATA_ROW = 0x44;

export class RawDataRow {
  readonly name = 'dataRow';
  /** What isRawDataRow looks for: the class itself may be another copy (dist/lazy-pg.js holds the parser's). */
  readonly pgxRaw = true;
  length: number;
  private decoded: (string | null)[] | undefined;

  constructor(
    /** The parser's buffer: valid only while this message is dispatched. */
    readonly bytes: Buffer,
    /** Where the first value's length word starts. */
    readonly start: number,
    readonly fieldCount: number,
    length: number,
  ) {
    this.length = length;
  }

  /** The values as strings, decoded as pg-protocol does (UTF-8; NULL is null). */
  get fields(): (string | null)[] {
    if (this.decoded) return this.decoded;
    const { bytes, fieldCount } = this;
    const out = new Array<string | null>(fieldCount);
    let at = this.start;
    for (let i = 0; i < fieldCount; i++) {
      const len = bytes.readInt32BE(at);
      at += 4;
      if (len < 0) {
        out[i] = null;
      } else {
        out[i] = bytes.toString('utf8', at, at + len);
        at += len;
      }
    }
    this.decoded = out;
    return out;
  }
}

export function isRawDataRow(message: unknown): message is RawDataRow {
  return (message as { pgxRaw?: unknown }).pgxRaw === true;
}

interface ParserPrototype {
  handlePacket(offset: number, code: number, length: number, bytes: Buffer): unknown;
  pgxKeepsBytes?: true;
}

/** Makes pg-protocol's Parser hand DataRows over as RawDataRow (once; other messages as before). */
export function keepDataRowBytes(parser: { prototype: unknown }): void {
  const proto = parser.prototype as ParserPrototype;
  if (proto.pgxKeepsBytes) return;
  const original = proto.handlePacket;
  // pg-protocol calls handlePacket(offset of the body, code, length, buffer) for each whole message.
  proto.handlePacket = function (this: ParserPrototype, offset: number, code: number, length: number, bytes: Buffer): unknown {
    if (code !== DATA_ROW) return original.call(this, offset, code, length, bytes);
    return new RawDataRow(bytes, offset + 2, bytes.readInt16BE(offset), length);
  };
  proto.pgxKeepsBytes = true;
}
