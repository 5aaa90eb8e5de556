/**
 * Commands other extensions can call never skip what a person would be asked: every argument
 * form gets a question (consentFor has no "no question" answer), `confirm: false` changes
 * nothing, and the question shows a connection string masked, never a secret.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnectionString } from '../../src/pool';
import { consentFor, maskedConnectionString } from '../../src/extension/profiles/consent';
import { parseProfile, profileFromConfig } from '../../src/extension/profiles/profile';

const SECRET = 'consent-secret-Xy9';
const profile = parseProfile({ id: 'p1', name: 'Shop', host: 'db.example', port: 5432, database: 'shop', user: 'app' }).profile!;

describe('every external call is asked about', () => {
  test('addConnection with secrets names what comes with it, never the secret itself', () => {
    const consent = consentFor({ command: 'addConnection', profile, secrets: { password: SECRET, sshKeyPassphrase: SECRET } });
    assert.equal(consent.button, 'Add Connection');
    assert.match(consent.question, /Add the PostgreSQL connection "Shop"\?/);
    assert.match(consent.detail, /app@db\.example:5432\/shop/);
    assert.match(consent.detail, /a password and an SSH key passphrase/);
    assert.ok(!JSON.stringify(consent).includes(SECRET));
  });

  test('removeConnection asks the same with confirm: false as without', () => {
    const asked = consentFor({ command: 'removeConnection', profile, options: { confirm: false } });
    assert.deepEqual(asked, consentFor({ command: 'removeConnection', profile }));
    assert.equal(asked.button, 'Remove');
  });

  test('importConnectionString(text) shows the string masked, read-only and ignored options included', () => {
    const parsed = parseConnectionString(
      `postgresql://app:${SECRET}@db.example:6432/shop?sslmode=require&sslpassword=${SECRET}2&keepalives=1&options=-c%20default_transaction_read_only%3Don`,
    );
    const { profile: imported, ignored } = profileFromConfig(parsed.config, parsed);
    const consent = consentFor({ command: 'importConnectionString', config: parsed.config, profile: imported, ignored });
    assert.equal(consent.button, 'Import');
    assert.match(consent.detail, /^postgresql:\/\/app:••••@db\.example:6432\/shop\?sslmode=require&sslpassword=%E2%80%A2/);
    assert.match(consent.detail, /\(read-only\)/);
    assert.match(consent.detail, /Options with no effect here are ignored: keepalives/);
    assert.ok(!JSON.stringify(consent).includes(SECRET));
  });

  test('the masked echo of a socket directory and an IPv6 host is still a URI', () => {
    assert.equal(maskedConnectionString(parseConnectionString('host=/var/run/postgresql dbname=d user=u').config), 'postgresql://u@%2Fvar%2Frun%2Fpostgresql:5432/d?sslmode=prefer');
    assert.equal(maskedConnectionString(parseConnectionString(`postgresql://u:${SECRET}@[::1]/d`).config), 'postgresql://u:••••@[::1]:5432/d?sslmode=prefer');
  });
});
