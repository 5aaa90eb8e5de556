/**
 * The message the host posts to the webview for one page of rows: src/shared/protocol.ts's
 * PageNotification ('results/page'). The bench builds it the way the host would (PageResult ->
 * PageView) and serialises it, since postMessage's structured clone walks the same object graph.
 */
import type { PageResult } from '../src/pool';
import { packRows } from '../src/shared/packed-rows';
import { PageNotification } from '../src/shared/protocol';
import type { IpcMessage, PageParams } from '../src/shared/protocol';

export const MESSAGE_NOTE =
  'Message form: PageNotification.message({ runId, resultId, page, elapsedMs, continuing }) from src/shared/protocol.ts, rows packed (src/shared/packed-rows.ts: one string and one Int32Array), JSON.stringify-ed per page (the first page too, though the host sends it inside run/show).';

export function pageMessage(runId: string, page: PageResult): IpcMessage<PageParams> {
  return PageNotification.message({
    runId,
    resultId: 0,
    page: { packed: packRows(page.rows, page.rows[0]?.length ?? 0), offset: page.rowsSoFar - page.rows.length, done: page.done, rowsSoFar: page.rowsSoFar },
    elapsedMs: 0,
    // The bench drains everything, as the grid's "fetch all" does: more pages follow until done.
    continuing: !page.done,
  });
}
