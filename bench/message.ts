/**
 * The message the host posts to the webview for one page of rows: src/shared/protocol.ts's
 * PageNotification ('results/page'). The bench builds it the way the host would (PageResult ->
 * PageView) and serialises it, since postMessage's structured clone walks the same object graph.
 */
import type { PackedPageResult, PageResult } from '../src/pool';
import { packRows } from '../src/shared/packed-rows';
import { PageNotification } from '../src/shared/protocol';
import type { IpcMessage, PageParams } from '../src/shared/protocol';

export const MESSAGE_NOTE =
  'Message form: PageNotification.message({ runId, resultId, page, elapsedMs, continuing }) from src/shared/protocol.ts, rows packed as the server\'s bytes by the pool (fetchPackedPage; src/shared/packed-rows.ts: one Uint8Array of UTF-8 and one Int32Array), serialised per page as the webview postMessage of VS Code does (the JSON with each typed array taken out and its bytes copied beside it; the first page too, though the host sends it inside run/show).';

/**
 * Serialises a message the way VS Code's webview postMessage does: typed arrays leave the JSON
 * (a reference stays) and travel as a copy of their bytes. JSON.stringify alone would write an
 * Int32Array as an object with one key per element, a cost the real path does not have.
 */
export function serialiseMessage(message: unknown): number {
  const buffers: Uint8Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      buffers.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
      return { $buffer: buffers.length - 1 };
    }
    return value;
  });
  return json.length + buffers.reduce((n, b) => n + b.byteLength, 0);
}

export function pageMessage(runId: string, page: PageResult | PackedPageResult): IpcMessage<PageParams> {
  const packed = Array.isArray(page.rows) ? packRows(page.rows, page.rows[0]?.length ?? 0) : page.rows;
  return PageNotification.message({
    runId,
    resultId: 0,
    page: { packed, offset: page.rowsSoFar - packed.count, done: page.done, rowsSoFar: page.rowsSoFar },
    elapsedMs: 0,
    // The bench drains everything, as the grid's "fetch all" does: more pages follow until done.
    continuing: !page.done,
  });
}
