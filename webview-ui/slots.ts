/**
 * The docked results view's page (src/extension/results/dock.ts): one grid per SQL editor, each
 * in a slot with its own channel, and only the active editor's slot in the document. The others
 * are detached, not destroyed: their rows, pending edits and state stay in memory, and nothing
 * of theirs is found by the DOM (or a test's locator) while another editor is shown.
 */
import {
  DockReadyCommand,
  SlotCloseNotification,
  SlotCommand,
  SlotMessageNotification,
  SlotOpenNotification,
  SlotShowNotification,
} from '../src/shared/protocol';
import type { IpcMessage } from '../src/shared/protocol';
import { h } from './dom';
import { loadPageState, onMessage, parseState, post, savePageState } from './ipc';
import type { Channel, SavedState } from './ipc';

/** What the dock needs of a grid. */
export interface SlotApp {
  /** Before the slot leaves the document (its scroll position is remembered). */
  willHide(): void;
  /** After it came back (the grid is drawn again where it was). */
  didShow(): void;
}

interface Slot {
  root: HTMLElement;
  /** Set as soon as the grid is made (its constructor already posts through the slot). */
  app?: SlotApp;
  handlers: ((message: IpcMessage) => void)[];
}

export function bootDock(container: HTMLElement, makeApp: (root: HTMLElement, io: Channel) => SlotApp): void {
  const slots = new Map<string, Slot>();
  const placeholder = h('p', { class: 'muted empty' }, 'Run a statement in a SQL editor to see its results here.');
  container.append(placeholder);
  let shown: Slot | undefined;
  const states = (): Record<string, SavedState> => ((loadPageState() as { slots?: Record<string, SavedState> } | undefined)?.slots ?? {});

  const channel = (slot: string, entry: Slot): Channel => ({
    post: (command, params) => post(SlotCommand, { slot, message: command.message(params) }),
    onMessage: (handler) => void entry.handlers.push(handler),
    loadState: () => parseState(states()[slot]),
    saveState: (state) => {
      // Only the slots still open are kept: a closed editor's state goes with it.
      const kept = Object.fromEntries(Object.entries(states()).filter(([k]) => slots.has(k)));
      savePageState({ slots: { ...kept, [slot]: state } });
    },
  });

  const show = (slot: Slot | undefined, text?: string): void => {
    if (shown && shown !== slot) {
      shown.app?.willHide();
      shown.root.remove();
    }
    placeholder.hidden = slot !== undefined;
    if (text) placeholder.textContent = text;
    if (slot && shown !== slot) {
      container.append(slot.root);
      shown = slot;
      slot.app?.didShow();
    }
    shown = slot;
  };

  onMessage((m) => {
    if (SlotMessageNotification.is(m)) {
      for (const handler of slots.get(m.params.slot)?.handlers ?? []) handler(m.params.message);
    } else if (SlotOpenNotification.is(m)) {
      if (slots.has(m.params.slot)) return;
      // The slot is registered before its grid boots: the grid's first post (ready) is answered
      // by messages that must find it.
      const slot: Slot = { root: h('div', { class: 'slot', 'data-slot': m.params.title }), handlers: [] };
      slots.set(m.params.slot, slot);
      slot.app = makeApp(slot.root, channel(m.params.slot, slot));
    } else if (SlotShowNotification.is(m)) {
      show(m.params.slot === null ? undefined : slots.get(m.params.slot), m.params.placeholder);
    } else if (SlotCloseNotification.is(m)) {
      const slot = slots.get(m.params.slot);
      if (!slot) return;
      slots.delete(m.params.slot);
      if (shown === slot) show(undefined);
      slot.root.remove();
    }
  });
  post(DockReadyCommand, {});
}
