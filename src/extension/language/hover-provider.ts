/**
 * Hover and signature help in SQL editors, from the cached catalog (never waiting for a load).
 */
import * as vscode from 'vscode';
import { scannerLoaded } from '../sql/scanner';
import { contextAt } from './context';
import { describeAt, signatureOf, splitArguments } from './describe';
import { cursorStatement } from './documents';
import type { LanguageState } from './state';

export class SqlHoverProvider implements vscode.HoverProvider {
  constructor(private readonly state: LanguageState) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!scannerLoaded() || !this.state.enabled('hover')) return undefined;
    const { index, session } = this.state.catalogFor(document.uri);
    if (!index) return undefined;
    const offset = document.offsetAt(position);
    const statement = cursorStatement(document, offset);
    // Hovering a name that ends a statement: the statement is the one before the `;`.
    const whole = statement.whole;
    const start = whole?.start ?? statement.start;
    const text = whole ? whole.text : statement.text;
    const found = describeAt(text, offset - start, index, session);
    if (!found) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(found.markdown), new vscode.Range(document.positionAt(start + found.start), document.positionAt(start + found.end)));
  }
}

export class SqlSignatureHelpProvider implements vscode.SignatureHelpProvider {
  constructor(private readonly state: LanguageState) {}

  provideSignatureHelp(document: vscode.TextDocument, position: vscode.Position): vscode.SignatureHelp | undefined {
    if (!scannerLoaded() || !this.state.enabled('signatureHelp')) return undefined;
    const { index, session } = this.state.catalogFor(document.uri);
    if (!index) return undefined;
    const offset = document.offsetAt(position);
    const statement = cursorStatement(document, offset);
    const call = contextAt(statement.text, offset - statement.start).call;
    if (!call) return undefined;
    const routines = index.routine(call.name, session);
    if (routines.length === 0) return undefined;
    const help = new vscode.SignatureHelp();
    help.signatures = routines.map((r) => {
      const signature = new vscode.SignatureInformation(signatureOf(r), r.comment ?? undefined);
      signature.parameters = splitArguments(r.arguments).map((a) => new vscode.ParameterInformation(a));
      return signature;
    });
    // The first overload with enough parameters for the argument being typed.
    const fits = routines.findIndex((r) => splitArguments(r.arguments).length > call.argument);
    help.activeSignature = fits >= 0 ? fits : 0;
    help.activeParameter = call.argument;
    return help;
  }
}
