/**
 * What a person is asked before a profile command that another extension (or a link) started
 * changes anything: the argument forms of addConnection, removeConnection and
 * importConnectionString never skip the question a person would get. Plain data, no VS Code:
 * commands.ts shows it as a modal dialog. No text here ever carries a secret: a connection
 * string is echoed masked.
 */
import type { PgConfig } from '../../pool';
import { describeProfile } from './profile';
import type { ConnectionProfile, ProfileSecrets } from './profile';

export interface Consent {
  question: string;
  detail: string;
  /** The button that agrees; anything else (Escape, Cancel) declines. */
  button: string;
}

export type ExternalCall =
  | { command: 'addConnection'; profile: ConnectionProfile; secrets: ProfileSecrets }
  | { command: 'removeConnection'; profile: ConnectionProfile; options?: { confirm?: boolean } }
  | { command: 'importConnectionString'; config: PgConfig; profile: ConnectionProfile; ignored: string[] };

const SECRET_LABELS: Record<keyof ProfileSecrets, string> = {
  password: 'a password',
  tlsKeyPassphrase: 'a TLS key passphrase',
  sshPassword: 'an SSH password',
  sshKeyPassphrase: 'an SSH key passphrase',
};

/** The question for a call. There is no call that gets none: `confirm: false` is not honoured. */
export function consentFor(call: ExternalCall): Consent {
  switch (call.command) {
    case 'addConnection': {
      const secrets = (Object.keys(call.secrets) as (keyof ProfileSecrets)[]).filter((k) => call.secrets[k]).map((k) => SECRET_LABELS[k]);
      return {
        question: `Add the PostgreSQL connection "${call.profile.name}"?`,
        detail:
          `A command asks to add ${describeProfile(call.profile)}${call.profile.readOnly ? ' (read-only)' : ''}.` +
          (secrets.length > 0 ? ` It comes with ${secrets.join(' and ')}, to be kept in VS Code's secret storage.` : '') +
          ' Add it only if you started this.',
        button: 'Add Connection',
      };
    }
    case 'removeConnection':
      return {
        question: `Remove the connection ${call.profile.name}?`,
        detail: `${describeProfile(call.profile)}. Its stored password and passphrases are deleted too; open editors using it are disconnected.`,
        button: 'Remove',
      };
    case 'importConnectionString':
      return {
        question: `Import the connection "${call.profile.name}"?`,
        detail:
          `${maskedConnectionString(call.config)}${call.profile.readOnly ? ' (read-only)' : ''}.` +
          (call.config.auth.kind === 'password' ? " The password in it goes to VS Code's secret storage." : '') +
          (call.ignored.length > 0 ? ` Options with no effect here are ignored: ${call.ignored.join(', ')}.` : ''),
        button: 'Import',
      };
  }
}

/** A URI for what was read, with any password shown as •••• (a masked echo of the string). */
export function maskedConnectionString(config: PgConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host.startsWith('/') ? encodeURIComponent(config.host) : config.host;
  const password = config.auth.kind === 'password' ? ':••••' : '';
  const params = new URLSearchParams();
  if (config.tls) params.set('sslmode', config.tls.mode);
  if (config.tls?.keyPassphrase) params.set('sslpassword', '••••');
  if (config.auth.kind === 'pgpass' && config.auth.file) params.set('passfile', config.auth.file);
  if (config.applicationName) params.set('application_name', config.applicationName);
  if (config.channelBinding) params.set('channel_binding', config.channelBinding);
  if (config.requireAuth) params.set('require_auth', config.requireAuth);
  const query = params.toString();
  return `postgresql://${encodeURIComponent(config.user)}${password}@${host}:${config.port}/${encodeURIComponent(config.database)}${query ? `?${query}` : ''}`;
}
