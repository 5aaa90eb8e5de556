/**
 * One pool session per SQL document: its own leased connection, transaction and cursor, under a
 * UUID made for the document. SET, temp tables and transactions persist across runs in it and
 * are never seen by another editor. When the document's last tab closes the session is
 * released; an open transaction is rolled back and the user is told so, never committed.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { PgPool, Session, TxStatus } from '../../pool';
import type { Connections } from '../connections/connections';
import type { ProfileStore } from '../profiles/store';
import type { Binding, DocumentBindings } from './bindings';

export interface EditorSession {
  readonly uri: vscode.Uri;
  /** The pool session id: a UUID per document. */
  readonly id: string;
  readonly binding: Binding;
  readonly pool: PgPool;
  /** The document's line of work in the pool: its connection, SETs, transaction and cursor. */
  readonly session: Session;
  /** The transaction status, as the session reports it now (never a copy). */
  readonly txStatus: TxStatus;
  /** Set while a run (one or more statements) is in flight. */
  running: boolean;
}

class Entry implements EditorSession {
  running = false;
  readonly session: Session;

  constructor(
    readonly uri: vscode.Uri,
    readonly id: string,
    readonly binding: Binding,
    readonly pool: PgPool,
    public retain: vscode.Disposable,
  ) {
    this.session = pool.session(id);
  }

  get txStatus(): TxStatus {
    return this.session.info().txStatus;
  }
}

export class EditorSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's session started, ended, or changed transaction state. */
  readonly onDidChange = this.changed.event;
  /** Fires with the document's key before its session is released (results panels close). */
  private readonly released = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidRelease = this.released.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Documents whose close-with-transaction question is being asked. */
  private readonly asking = new Set<string>();

  constructor(
    private readonly connections: Connections,
    bindings: DocumentBindings,
    private readonly store: ProfileStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (e.closed.length > 0) this.releaseClosed();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.releaseIfClosed(doc.uri)),
      bindings.onDidChange((uri) => {
        const entry = this.sessions.get(uri.toString());
        const now = bindings.get(uri);
        if (entry && (now?.profileId !== entry.binding.profileId || now?.database !== entry.binding.database)) {
          void this.release(uri, 'its connection was changed');
        }
      }),
      connections.onWillDisconnect(async (profileId) => {
        const mine = [...this.sessions.values()].filter((e) => e.binding.profileId === profileId);
        await Promise.all(mine.map((e) => this.release(e.uri, 'its connection was closed')));
      }),
      connections.onDidChangeState((profileId) => {
        // A disconnected profile's sessions are gone with its pools (the server rolled back).
        for (const entry of [...this.sessions.values()]) {
          if (entry.binding.profileId === profileId && !connections.openDatabases(profileId).includes(entry.binding.database)) {
            this.forget(entry);
          }
        }
      }),
    );
  }

  get(uri: vscode.Uri): EditorSession | undefined {
    return this.sessions.get(uri.toString());
  }

  all(): EditorSession[] {
    return [...this.sessions.values()];
  }

  /** The document's session, started on its bound pool if it has none yet. */
  async open(uri: vscode.Uri, binding: Binding): Promise<EditorSession> {
    const key = uri.toString();
    const existing = this.sessions.get(key);
    const pool = await this.connections.pool(binding.profileId, binding.database);
    if (existing && existing.pool === pool) return existing;
    if (existing) this.forget(existing);
    const retain = this.connections.retain(binding.profileId, binding.database);
    const entry = new Entry(uri, existing?.id ?? randomUUID(), binding, pool, retain);
    // The status bar follows the session's own events (BEGIN, COMMIT, an error, a lost connection).
    const events = entry.session.onDidChange((change) => {
      if (change.change !== 'busy' && this.sessions.get(key) === entry) this.changed.fire(uri);
    });
    entry.retain = vscode.Disposable.from(retain, events);
    this.sessions.set(key, entry);
    this.changed.fire(uri);
    return entry;
  }

  /** Marks a run (several statements, one after another) as started or ended. */
  setRunning(session: EditorSession, running: boolean): void {
    const entry = this.sessions.get(session.uri.toString());
    if (!entry) return;
    entry.running = running;
    this.changed.fire(entry.uri);
  }

  /**
   * Ends the document's session: cancels a running statement, rolls back an open transaction
   * (telling the user why) and returns the connection to the pool.
   */
  async release(uri: vscode.Uri, why: string, options: { userChose?: boolean } = {}): Promise<void> {
    const entry = this.sessions.get(uri.toString());
    if (!entry) return;
    this.sessions.delete(uri.toString());
    this.released.fire(uri);
    const openTx = entry.session.info().txStatus !== 'idle';
    try {
      await entry.session.release();
    } catch (err) {
      this.log.warn(`Releasing the session of ${uri.toString(true)} failed: ${(err as Error).message}`);
    } finally {
      entry.retain.dispose();
      this.changed.fire(uri);
    }
    const profile = this.store.get(entry.binding.profileId);
    this.log.info(`Released the session of ${uri.toString(true)} (${why}).`);
    if (openTx && !options.userChose) {
      const name = uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri);
      const message = `The open transaction of ${name} on ${profile?.name ?? entry.binding.profileId}/${entry.binding.database} was rolled back because ${why}.`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message);
    }
  }

  private forget(entry: Entry): void {
    this.sessions.delete(entry.uri.toString());
    entry.retain.dispose();
    this.changed.fire(entry.uri);
  }

  /** Releases the session of every document that no longer has a tab. */
  private releaseClosed(): void {
    const open = openTabUris();
    for (const entry of [...this.sessions.values()]) {
      if (!open.has(entry.uri.toString())) void this.closed(entry);
    }
  }

  private releaseIfClosed(uri: vscode.Uri): void {
    const entry = this.sessions.get(uri.toString());
    if (entry && !openTabUris().has(uri.toString())) void this.closed(entry);
  }

  /**
   * A document's last tab closed. With no open transaction its session is released; with one,
   * the user decides first (VS Code cannot stop a tab from closing, so Cancel reopens the
   * editor, its session and transaction untouched), unless pgExplorer.editors.onCloseWithTransaction
   * says to roll back. Nothing is committed or rolled back without the user having said so.
   */
  private async closed(entry: Entry): Promise<void> {
    const key = entry.uri.toString();
    if (this.asking.has(key)) return;
    const policy = vscode.workspace.getConfiguration('pgExplorer.editors').get<string>('onCloseWithTransaction', 'ask');
    if (entry.txStatus === 'idle' || policy === 'rollback') return this.release(entry.uri, 'its editor was closed');
    this.asking.add(key);
    try {
      const profile = this.store.get(entry.binding.profileId);
      const name = entry.uri.scheme === 'untitled' ? entry.uri.path : vscode.workspace.asRelativePath(entry.uri);
      const failed = entry.txStatus === 'failed';
      const canReopen = entry.uri.scheme !== 'untitled';
      const commit = 'Commit';
      const rollback = 'Rollback';
      // VS Code adds Cancel to a modal: it keeps the transaction (the editor is reopened).
      const choices = [...(failed ? [] : [commit]), rollback];
      const cancelSays = canReopen
        ? 'Cancel reopens the editor with its session and transaction.'
        : 'The editor was not saved, so it cannot be reopened: Cancel rolls back too.';
      const answer = await vscode.window.showWarningMessage(
        `${name} was closed with ${failed ? 'a failed' : 'an open'} transaction on ${profile?.name ?? entry.binding.profileId}/${entry.binding.database}.`,
        {
          modal: true,
          detail: `${failed ? 'The transaction failed; it can only be rolled back.' : 'Commit it or roll it back now.'} ${cancelSays}`,
        },
        ...choices,
      );
      if (this.sessions.get(key) !== entry) return;
      if (answer === commit) {
        try {
          await entry.session.execute('COMMIT');
          this.log.info(`Committed the open transaction of ${name} as its editor closed.`);
        } catch (err) {
          void vscode.window.showErrorMessage(`COMMIT of ${name} failed: ${(err as Error).message}. The transaction was rolled back.`);
        }
        return this.release(entry.uri, 'its editor was closed');
      }
      if (answer === rollback) return this.release(entry.uri, 'its editor was closed', { userChose: true });
      if (answer === undefined && !canReopen) return this.release(entry.uri, 'its editor was closed');
      // Cancel: nothing is lost.
      await vscode.window.showTextDocument(entry.uri, { preview: false });
    } finally {
      this.asking.delete(key);
    }
  }

  /** Releases every session (deactivate), rolling back what is open. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((e) => this.release(e.uri, 'the extension was stopped')));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const entry of this.sessions.values()) entry.retain.dispose();
    this.sessions.clear();
    this.changed.dispose();
    this.released.dispose();
  }
}

function openTabUris(): Set<string> {
  const uris = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputText) uris.add(input.uri.toString());
      else if (input instanceof vscode.TabInputTextDiff) uris.add(input.modified.toString());
    }
  }
  return uris;
}
