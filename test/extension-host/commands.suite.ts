import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from './bdd';
import { EXTENSION_ID, addProfile, api, consent, env } from './support';

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

  it('asks a person before the argument forms change anything, and a "no" changes nothing', async () => {
    await api();
    const before = consent.asked.length;
    const id = await addProfile('Consent check');
    assert.match(consent.asked[before]?.question ?? '', /Add the PostgreSQL connection "Consent check"/);
    assert.ok(!JSON.stringify(consent.asked).includes(env.password), 'a question showed the password');
    const listed = (): unknown[] => vscode.workspace.getConfiguration('pgExplorer').get<unknown[]>('connections', []);
    consent.answer = false;
    try {
      const removed = await vscode.commands.executeCommand<boolean>('pgExplorer.removeConnection', id, { confirm: false });
      assert.equal(removed, false);
      assert.match(consent.asked.at(-1)?.question ?? '', /Remove the connection Consent check\?/);
      assert.ok(JSON.stringify(listed()).includes(id), 'declining removed the profile');
      const notAdded = await vscode.commands.executeCommand<string | undefined>('pgExplorer.addConnection', {
        profile: { name: 'Declined', host: env.host, port: env.port, database: env.database, user: env.user },
        secrets: { password: env.password },
      });
      assert.equal(notAdded, undefined);
      assert.ok(!JSON.stringify(listed()).includes('Declined'));
      const url = `postgresql://${env.user}:${encodeURIComponent(env.password)}@${env.host}:${env.port}/${env.database}`;
      assert.equal(await vscode.commands.executeCommand('pgExplorer.importConnectionString', url), undefined);
      assert.match(consent.asked.at(-1)?.detail ?? '', /:••••@/);
    } finally {
      consent.answer = true;
    }
    assert.equal(await vscode.commands.executeCommand<boolean>('pgExplorer.removeConnection', id, { confirm: false }), true);
  });
});
