import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from './bdd';
import { EXTENSION_ID, api } from './support';

describe('commands', () => {
  it('registers every command the extension contributes', async () => {
    await api();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (extension?.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 20, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    for (const name of ['addConnection', 'editConnection', 'duplicateConnection', 'removeConnection', 'connect', 'disconnect', 'importConnectionString']) {
      assert.ok(contributed.includes(`pgExplorer.${name}`), `pgExplorer.${name} is not contributed`);
    }
  });
});
