/**
 * Where a read puts the rows the server sends: a list of rows of strings (what callers of
 * fetchPage get), or a packed page of bytes (fetchPackedPage / fetchPackedAt, for the results
 * grid). A sink gets each DataRow while it is dispatched (raw-rows.ts: the bytes are good only
 * then) and hands its rows over once the read is answered.
 *
 * A packed page is the shape src/shared/packed-rows.ts gives the webview (the pool imports none of
 * shared; the host's type check holds the two together): every value's UTF-8 bytes back to back in
 * one Uint8Array, and where each ends in one Int32Array, NULL stored as ~end. Both are exact-size
 * arrays of their own, because VS Code's postMessage sends a typed array's whole ArrayBuffer.
 */
import { isRawDataRow } from './raw-rows';
import type { RawDataRow } from './raw-rows';
import type { Row } from './types';

export interface PackedPage {
  width: number;
  count: number;
  bytes: Uint8Array;
  ends: Int32Array;
}

/** What a DataRow is to a sink: pg-protocol's message, or the pool's RawDataRow. */
export interface DataRowMessage {
  readonly fields: Row;
}

export interface RowSink<T> {
  add(message: DataRowMessage): void;
  /** Rows added since the last take. */
  readonly count: number;
  /** The rows added (the first `limit` of them), and a fresh start. */
  take(limit?: number): T;
}

/** Rows as arrays of strings. */
export class RowList implements RowSink<Row[]> {
  private rows: Row[] = [];

  get count(): number {
    return this.rows.length;
  }

  add(message: DataRowMessage): void {
    this.rows.push(message.fields);
  }

  take(limit?: number): Row[] {
    const rows = this.rows;
    this.rows = [];
    return limit !== undefined && rows.length > limit ? rows.slice(0, limit) : rows;
  }
}

/** Values shorter than this are copied byte by byte: cheaper than a call into Buffer.copy. */
const SHORT_VALUE = 32;

export class PackedPageBuilder implements RowSink<PackedPage> {
  private bytes = Buffer.allocUnsafeSlow(64 * 1024);
  private ends = new Int32Array(4096);
  private at = 0;
  private values = 0;
  private rows = 0;

  constructor(private width: number) {}

  get count(): number {
    return this.rows;
  }

  add(message: DataRowMessage): void {
    if (isRawDataRow(message)) this.addBytes(message);
    else this.addStrings(message.fields);
  }

  take(limit?: number): PackedPage {
    const count = limit !== undefined ? Math.min(limit, this.rows) : this.rows;
    const values = count * this.width;
    const last = values > 0 ? this.ends[values - 1] : 0;
    const end = last < 0 ? ~last : last;
    const page: PackedPage = { width: this.width, count, bytes: new Uint8Array(end), ends: this.ends.slice(0, values) };
    page.bytes.set(this.bytes.subarray(0, end));
    this.at = 0;
    this.values = 0;
    this.rows = 0;
    return page;
  }

  private addBytes(row: RawDataRow): void {
    if (this.rows === 0 && this.width !== row.fieldCount) this.width = row.fieldCount;
    const source = row.bytes;
    let p = row.start;
    this.reserveValues(row.fieldCount);
    // The row's whole length bounds the values' bytes (it counts their length words too).
    this.reserveBytes(row.length);
    const target = this.bytes;
    const ends = this.ends;
    let at = this.at;
    let i = this.values;
    for (let c = 0; c < row.fieldCount; c++) {
      const len = (source[p] << 24) | (source[p + 1] << 16) | (source[p + 2] << 8) | source[p + 3];
      p += 4;
      if (len < 0) {
        ends[i++] = ~at;
        continue;
      }
      if (len < SHORT_VALUE) {
        for (let k = 0; k < len; k++) target[at + k] = source[p + k];
      } else {
        source.copy(target, at, p, p + len);
      }
      at += len;
      p += len;
      ends[i++] = at;
    }
    this.at = at;
    this.values = i;
    this.rows += 1;
  }

  private addStrings(fields: Row): void {
    if (this.rows === 0 && this.width !== fields.length) this.width = fields.length;
    this.reserveValues(fields.length);
    for (const value of fields) {
      if (value === null) {
        this.ends[this.values++] = ~this.at;
        continue;
      }
      this.reserveBytes(value.length * 3);
      this.at += this.bytes.write(value, this.at, 'utf8');
      this.ends[this.values++] = this.at;
    }
    this.rows += 1;
  }

  private reserveValues(n: number): void {
    if (this.values + n <= this.ends.length) return;
    const grown = new Int32Array(Math.max(this.ends.length * 2, this.values + n));
    grown.set(this.ends.subarray(0, this.values));
    this.ends = grown;
  }

  private reserveBytes(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}
