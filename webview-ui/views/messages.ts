/**
 * The Messages tab: every statement of the run with its command tag, row count, timing, notices
 * and error (the server's detail, hint and position kept apart); after a lost connection, what
 * to do about it (Reconnect, Run again) at the top.
 */
import type { StatementView } from '../../src/shared/results-model';
import { formatCount, formatMs, h, hx } from '../dom';

/** The session's connection was lost: the actions Messages offers, and what Reconnect said. */
export interface LostConnection {
  status?: { ok: boolean; message: string };
  reconnecting: boolean;
  onReconnect(): void;
  onRunAgain(): void;
}

export function renderMessages(statements: StatementView[], lost?: LostConnection): HTMLElement {
  const list = h('div', { class: 'messages', role: 'log', 'aria-label': 'Messages' });
  if (lost) list.append(renderLost(lost));
  if (statements.length === 0) list.append(h('p', { class: 'muted' }, 'No statements ran.'));
  for (const s of statements) list.append(renderStatement(s));
  return list;
}

function renderStatement(s: StatementView): HTMLElement {
  const status =
    s.status === 'error'
      ? h('span', { class: 'badge error' }, 'Error')
      : h('span', { class: 'badge ok' }, s.command ? s.command : 'OK');
  const facts: string[] = [];
  if (s.status === 'ok' && s.rowCount !== undefined && s.rowCount !== null) {
    facts.push(`${formatCount(s.rowCount)} ${s.rowCount === 1 ? 'row' : 'rows'}`);
  }
  if (s.status === 'ok' && s.rowCount === null && s.rowsSoFar !== undefined) facts.push(`${formatCount(s.rowsSoFar)}+ rows`);
  if (s.durationMs !== undefined) facts.push(formatMs(s.durationMs));
  const item = h(
    'div',
    { class: `statement ${s.status}` },
    h('div', { class: 'statement-head' }, status, h('span', { class: 'facts' }, facts.join(' · ')), h('code', { class: 'sql' }, oneLine(s.sql))),
  );
  if (s.sessionReset) {
    item.append(h('div', { class: 'notice warn' }, 'The session was reset before this statement (its idle connection was reclaimed): earlier SETs and temporary tables are gone.'));
  }
  for (const n of s.notices) item.append(h('pre', { class: 'notice' }, n));
  if (s.noticesDropped) item.append(h('div', { class: 'notice warn' }, `… and ${s.noticesDropped.toLocaleString('en-US')} more notices, not kept.`));
  const e = s.error;
  if (e) {
    const lines = h('div', { class: 'error-box' }, h('div', { class: 'error-message' }, e.code ? `${e.message} (SQLSTATE ${e.code})` : e.message));
    if (e.detail) lines.append(h('div', {}, h('b', {}, 'Detail: '), e.detail));
    if (e.hint) lines.append(h('div', {}, h('b', {}, 'Hint: '), e.hint));
    if (e.where) lines.append(h('div', {}, h('b', {}, 'Where: '), e.where));
    if (e.position !== undefined) lines.append(h('div', {}, h('b', {}, 'Position: '), `character ${e.position} of the statement`));
    item.append(lines);
  }
  return item;
}

function renderLost(lost: LostConnection): HTMLElement {
  const box = h(
    'div',
    { class: 'lost-connection', role: 'alert' },
    h('div', { class: 'error-message' }, 'The connection to the server was lost. Its transaction, SET values and temporary tables are gone with it.'),
  );
  const actions = h('div', { class: 'lost-actions' });
  if (!lost.status?.ok) {
    const reconnect = hx('vscode-button', { secondary: true, 'data-action': 'reconnect', disabled: lost.reconnecting }, lost.reconnecting ? 'Reconnecting…' : 'Reconnect');
    reconnect.addEventListener('click', () => {
      if (!lost.reconnecting) lost.onReconnect();
    });
    actions.append(reconnect);
  }
  const again = hx('vscode-button', { 'data-action': 'run-again', title: 'Run the same statements again in this editor (on a new connection)' }, 'Run again');
  again.addEventListener('click', () => lost.onRunAgain());
  actions.append(again);
  box.append(actions);
  if (lost.status) box.append(h('div', { class: lost.status.ok ? 'reconnected' : 'error', 'data-testid': 'reconnect-status' }, lost.status.message));
  return box;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
