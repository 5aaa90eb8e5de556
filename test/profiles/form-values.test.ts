/**
 * The connection form's fields to a profile and back (form-values.ts): what a user types becomes
 * the profile the settings keep, each wrong field is named, and what the form does not show
 * (imported or hand-edited settings, a trusted SSH host key) survives an edit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyFormValues, formValuesOf, profileFromForm, tlsSectionShown } from '../../src/extension/profiles/form-values';
import type { ConnectionProfile } from '../../src/extension/profiles/profile';

describe('connection form values', () => {
  it('makes a profile from the fields, and the same fields from the profile', () => {
    const values = { ...emptyFormValues(), name: ' Prod ', host: 'db.example', port: '6432', user: 'app', readOnly: true, color: 'red' as const };
    const { profile, problems } = profileFromForm(values, 'id-1');
    assert.deepEqual(problems, []);
    assert.deepEqual(profile, {
      id: 'id-1', name: 'Prod', host: 'db.example', port: 6432, database: 'postgres', user: 'app', auth: 'password',
      tls: { mode: 'prefer' }, readOnly: true, color: 'red',
    });
    assert.deepEqual(formValuesOf(profile!), { ...values, name: 'Prod' });
  });

  it('names every field that keeps the fields from being a profile', () => {
    const values = { ...emptyFormValues(), name: '', port: '70000', ssh: true, sshHost: '', sshUser: 'me', sshKeyFile: '' };
    const { profile, problems } = profileFromForm(values, 'id');
    assert.equal(profile, undefined);
    assert.deepEqual(problems.map((p) => p.field), ['name', 'port', 'sshHost', 'sshKeyFile']);
  });

  it('writes a section only when it is shown: TLS files under prefer and a hidden SSH tunnel are not kept', () => {
    const values = { ...emptyFormValues(), name: 'x', caFile: '/ca.pem', sshHost: 'bastion', sshUser: 'me' };
    assert.equal(tlsSectionShown(values), false);
    const { profile } = profileFromForm(values, 'id');
    assert.deepEqual(profile?.tls, { mode: 'prefer' });
    assert.equal(profile?.ssh, undefined);
    const full = profileFromForm({ ...values, tlsMode: 'verify-full' }, 'id').profile;
    assert.deepEqual(full?.tls, { mode: 'verify-full', caFile: '/ca.pem' });
  });

  it('certificate authentication needs TLS and both files', () => {
    const base = { ...emptyFormValues(), name: 'x', auth: 'certificate' as const };
    assert.deepEqual(profileFromForm(base, 'id').problems.map((p) => p.field), ['tlsMode']);
    assert.deepEqual(profileFromForm({ ...base, tlsMode: 'require' }, 'id').problems.map((p) => p.field), ['certFile', 'keyFile']);
  });

  it('keeps on edit what the form does not show', () => {
    const editing: ConnectionProfile = {
      id: 'id', name: 'x', host: 'h', port: 5432, database: 'd', user: 'u', auth: 'password',
      applicationName: 'mine', startupSettings: { 'app.tenant': '7' }, agentTools: false, requireAuth: 'scram-sha-256',
      ssh: { host: 'bastion', port: 22, user: 'me', auth: 'agent', trustedFingerprint: 'SHA256:abc', knownHostsFile: '/kh' },
    };
    const same = profileFromForm(formValuesOf(editing), 'id', editing).profile;
    assert.equal(same?.applicationName, 'mine');
    assert.deepEqual(same?.startupSettings, { 'app.tenant': '7' });
    assert.equal(same?.agentTools, false);
    assert.equal(same?.requireAuth, 'scram-sha-256');
    assert.equal(same?.ssh?.trustedFingerprint, 'SHA256:abc');
    // Another SSH host: the key trusted for the old one is not carried over.
    const moved = profileFromForm({ ...formValuesOf(editing), sshHost: 'other' }, 'id', editing).profile;
    assert.equal(moved?.ssh?.trustedFingerprint, undefined);
  });
});
