/**
 * Go to definition on a relation, type or function name: opens its DDL (PgPool.getDdl, the same
 * text as the tree's Show DDL) as a read-only `pgx-ddl:` document. The URI names the object and
 * the editor it came from, whose pool answers.
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';
import { objectAt } from './describe';
import type { ObjectRef } from './describe';
import { cursorStatement } from './documents';
import type { LanguageState } from './state';

export const DDL_SCHEME = 'pgx-ddl';

export class SqlDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly state: LanguageState) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    if (!scannerLoaded()) return undefined;
    const { index, session } = this.state.catalogFor(document.uri);
    if (!index) return undefined;
    const offset = document.offsetAt(position);
    const statement = cursorStatement(document, offset).whole;
    if (!statement) return undefined;
    const object = objectAt(statement.text, offset - statement.start, index, session);
    if (!object) return undefined;
    const uri = vscode.Uri.from({
      scheme: DDL_SCHEME,
      path: `/${object.schema}.${object.name}.sql`,
      query: JSON.stringify({ ...object, from: document.uri.toString() }),
    });
    return new vscode.Location(uri, new vscode.Position(0, 0));
  }
}

export class DdlContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly state: LanguageState) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = JSON.parse(uri.query) as ObjectRef & { from: string };
    const pool = this.state.poolFor(vscode.Uri.parse(ref.from));
    if (!pool) return `-- Not connected: connect ${ref.schema}.${ref.name}'s database to see its definition.`;
    try {
      return await pool.getDdl(ref.kind, ref.schema, ref.name);
    } catch (err) {
      return `-- Could not read the definition of ${ref.schema}.${ref.name}: ${(err as Error).message}`;
    }
  }
}
