/**
 * SSH host key checks as OpenSSH does them: known_hosts files (plain and hashed host names,
 * `[host]:port` for other ports, `*`/`?` wildcards, `!` negation, `@revoked`), or one pinned
 * fingerprint. Fingerprints use OpenSSH's form, `SHA256:` + unpadded base64 of the key blob's
 * SHA-256, as `ssh-keygen -l` prints it.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SshTunnelRef } from './config';

export type HostKeyVerdict =
  | { ok: true; fingerprint: string }
  /** No entry for this host (with this key type); `otherTypes` lists key types known for it. */
  | { ok: false; problem: 'unknown'; fingerprint: string; otherTypes: string[] }
  /** An entry for this host and key type (or the pinned fingerprint) holds a different key. */
  | { ok: false; problem: 'changed'; fingerprint: string; where: string }
  | { ok: false; problem: 'revoked'; fingerprint: string; where: string };

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts `SHA256:xxx` or `xxx`, with or without base64 padding. */
export function normaliseFingerprint(text: string): string {
  const bare = text.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

/** The key type named inside an SSH public key blob (its first string), e.g. "ssh-ed25519". */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** The files OpenSSH reads when none is named: the user's, then the system's. */
export function knownHostsFiles(file: string | undefined): string[] {
  if (file) return [file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file];
  return [path.join(os.homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

interface Entry {
  marker: '' | '@revoked' | '@cert-authority';
  keyType: string;
  key: Buffer;
  where: string;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise; lower case. */
function lookupName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

function entriesFor(files: string[], host: string, port: number): Entry[] {
  const name = lookupName(host, port);
  const entries: Entry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((rawLine, index) => {
      const line = rawLine.trim();
      if (!line || line.startsWith('#')) return;
      const fields = line.split(/\s+/);
      let marker: Entry['marker'] = '';
      if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as Entry['marker'];
      if (fields.length < 3) return;
      const [hosts, keyType, keyBase64] = fields;
      if (!hostsMatch(hosts, name)) return;
      entries.push({ marker, keyType, key: Buffer.from(keyBase64, 'base64'), where: `${file}:${index + 1}` });
    });
  }
  return entries;
}

function hostsMatch(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const digest = crypto.createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!globMatch(pattern, name)) continue;
    // A negated match rules the line out whatever else matches (OpenSSH's match_hostname).
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(pattern: string, text: string): boolean {
  const regex = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
  );
  return regex.test(text);
}

/** The verdict on the key the server offered, under the profile's host key policy. */
export function checkHostKey(policy: SshTunnelRef['hostKey'], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  if (policy.kind === 'fingerprint') {
    if (normaliseFingerprint(policy.sha256) === fingerprint) return { ok: true, fingerprint };
    return { ok: false, problem: 'changed', fingerprint, where: `the pinned fingerprint ${normaliseFingerprint(policy.sha256)}` };
  }
  const entries = entriesFor(knownHostsFiles(policy.file), host, port);
  const keyType = keyTypeOf(keyBlob);
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(keyBlob));
  if (revoked) return { ok: false, problem: 'revoked', fingerprint, where: revoked.where };
  const plain = entries.filter((e) => e.marker === '');
  if (plain.some((e) => e.key.equals(keyBlob))) return { ok: true, fingerprint };
  const sameType = plain.find((e) => e.keyType === keyType);
  if (sameType) return { ok: false, problem: 'changed', fingerprint, where: sameType.where };
  return { ok: false, problem: 'unknown', fingerprint, otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/**
 * Host key algorithms to ask for first: those of keys already known for the host, so that a
 * server with several host keys shows one we can check (OpenSSH orders them the same way).
 */
export function preferredHostKeyAlgorithms(policy: SshTunnelRef['hostKey'], host: string, port: number): string[] {
  if (policy.kind !== 'knownHosts') return [];
  const types = new Set(
    entriesFor(knownHostsFiles(policy.file), host, port)
      .filter((e) => e.marker === '')
      .map((e) => e.keyType),
  );
  return [...types].flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
}
