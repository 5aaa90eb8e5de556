/**
 * Which connections the agent tools may use, and for what. Three switches, checked on every call
 * (settings can change between calls): `pgExplorer.agent.enabled` for all of them, `agentTools:
 * false` on a profile for that connection, and `readOnly` on a profile, which leaves the agent the
 * read tools only: proposing a change for a connection the user marked read-only would ask them
 * to work around their own safeguard.
 */
import type { ConnectionProfile } from '../profiles/profile';
import type { AgentTarget } from './database';
import { ToolRefusal } from './refusal';

export type ToolUse = 'read' | 'propose';

export interface ConnectionAccess {
  read: boolean;
  propose: boolean;
  /** Why a use is not offered, for list_connections and refusals. */
  reason?: string;
}

export interface ResolvedConnection {
  profile: ConnectionProfile;
  target: AgentTarget;
}

/** What the agent may do on one connection. */
export function accessOf(profile: ConnectionProfile, enabled: boolean): ConnectionAccess {
  if (!enabled) return { read: false, propose: false, reason: 'the setting pgExplorer.agent.enabled is off' };
  if (profile.agentTools === false) {
    return { read: false, propose: false, reason: 'the connection has "agentTools": false in pgExplorer.connections' };
  }
  if (profile.readOnly) return { read: true, propose: false, reason: 'the connection is read-only: agents get the read tools only' };
  return { read: true, propose: true };
}

/**
 * The profile named by a tool's `connection` input (its name, or its id when names repeat) and
 * the database (`database`, else the profile's), refused with a message the model can act on.
 */
export function resolveConnection(
  profiles: readonly ConnectionProfile[],
  input: { connection?: unknown; database?: unknown },
  use: ToolUse,
  enabled: boolean,
): ResolvedConnection {
  if (!enabled) {
    throw new ToolRefusal('PG Explorer\'s agent tools are turned off (the setting pgExplorer.agent.enabled). Ask the user to turn them on.');
  }
  const wanted = typeof input.connection === 'string' ? input.connection.trim() : '';
  if (!wanted) throw new ToolRefusal('Give "connection": a connection name as pgExplorer_listConnections lists it.');
  const byId = profiles.find((p) => p.id === wanted);
  const byName = profiles.filter((p) => p.name === wanted);
  const byFolded = profiles.filter((p) => p.name.toLowerCase() === wanted.toLowerCase());
  const matches = byId ? [byId] : byName.length > 0 ? byName : byFolded;
  if (matches.length === 0) {
    const names = profiles.map((p) => JSON.stringify(p.name)).join(', ');
    throw new ToolRefusal(`There is no connection named ${JSON.stringify(wanted)}. Connections: ${names || 'none'} (pgExplorer_listConnections).`);
  }
  if (matches.length > 1) {
    throw new ToolRefusal(
      `${matches.length} connections are named ${JSON.stringify(wanted)}: give "connection" as one of their ids ` +
        `(${matches.map((p) => p.id).join(', ')}).`,
    );
  }
  const profile = matches[0];
  const access = accessOf(profile, enabled);
  if (!access[use]) {
    const what = use === 'read' ? 'Agent tools are not offered' : 'Proposing SQL is not offered';
    throw new ToolRefusal(`${what} on ${JSON.stringify(profile.name)}: ${access.reason ?? 'not allowed'}.`);
  }
  if (input.database !== undefined && (typeof input.database !== 'string' || input.database.trim() === '')) {
    throw new ToolRefusal('"database" must be a database name; leave it out for the connection\'s own database.');
  }
  const database = typeof input.database === 'string' ? input.database : profile.database;
  return { profile, target: { profileId: profile.id, database } };
}
