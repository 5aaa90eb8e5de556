/**
 * The comment lines above a proposed script: who proposed it, that nothing ran, how to run it,
 * and the agent's explanation. Line comments only, each cut at line breaks, so no text in a name
 * or an explanation can end a comment and become SQL. Plain text, no vscode.
 */
export function proposalHeader(connection: string, database: string, explanation: unknown): string {
  const lines = [
    `Proposed by an AI agent for ${oneLine(connection)} / ${oneLine(database)}. Nothing here has run.`,
    'Read it, then run it yourself: Ctrl+Enter runs the statement under the cursor, Ctrl+Shift+Enter all.',
    // PostgreSQL ends a line comment at CR as well as LF.
    ...(typeof explanation === 'string' && explanation.trim() ? explanation.trim().split(/\r\n|\r|\n/) : []),
  ];
  return `${lines.map((line) => `-- ${line}`.trimEnd()).join('\n')}\n\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
