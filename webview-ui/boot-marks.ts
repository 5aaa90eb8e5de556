/**
 * Performance marks of a grid's first run, for the bench (read from the webview's document with
 * performance.getEntriesByType('mark'), so no polling delay is in the figure): pgx:script is the
 * bundle's first statement (scripts/build.mjs's banner), pgx:ready the ready message (the page's
 * inline first script, src/shared/early-start.ts), pgx:show the first run rendered and
 * pgx:first-frame the animation frame after it, in which the first rows are drawn.
 */
import { ShowRunNotification } from '../src/shared/protocol';
import type { Channel } from './ipc';

/** Call after the grid registered its own handler: the run is rendered when this one runs. */
export function markFirstRun(io: Channel): void {
  let seen = false;
  io.onMessage((m) => {
    if (seen || !ShowRunNotification.is(m)) return;
    seen = true;
    performance.mark('pgx:show');
    requestAnimationFrame(() => performance.mark('pgx:first-frame'));
  });
}
