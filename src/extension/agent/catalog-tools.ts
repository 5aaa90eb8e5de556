/**
 * The tools that read what is there: connections (names and databases only, from the settings;
 * no host, user, port or secret), schemas, a schema's objects, and one object described with its
 * DDL. They run no SQL of the agent's: only the pool's own catalog reads, names passed as
 * parameters. So they ask no confirmation; the tools that send the agent's SQL do.
 */
import type * as vscode from 'vscode';
import { PgError } from '../../pool';
import type { DdlKind, RelationDescription, Routine, SchemaContents } from '../../pool';
import type { Connections } from '../connections/connections';
import type { ProfileStore } from '../profiles/store';
import { qualifiedName } from '../sql/quote';
import { accessOf, resolveConnection } from './access';
import type { ResolvedConnection } from './access';
import { capLines, relationText, routineLine, schemaContentsText, schemasText, sequenceLine, typeLine } from './catalog-text';
import type { AgentDatabase } from './database';
import { ToolRefusal } from './refusal';
import { agentSettings } from './settings';
import { throwIfCancelled } from './sql-tools';
import type { AgentTool, Prepared } from './tool';

export const LIST_CONNECTIONS_TOOL = 'pgExplorer_listConnections';
export const LIST_SCHEMAS_TOOL = 'pgExplorer_listSchemas';
export const LIST_OBJECTS_TOOL = 'pgExplorer_listObjects';
export const DESCRIBE_TOOL = 'pgExplorer_describeObject';

interface ConnectionInput {
  connection?: unknown;
  database?: unknown;
}

export class ListConnectionsTool implements AgentTool<object> {
  readonly name = LIST_CONNECTIONS_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly connections: Connections,
  ) {}

  async prepare(): Promise<Prepared> {
    return { invocationMessage: 'Listing PostgreSQL connections' };
  }

  async invoke(): Promise<string> {
    const { enabled } = agentSettings();
    if (!enabled) throw new ToolRefusal('PG Explorer\'s agent tools are turned off (the setting pgExplorer.agent.enabled). Ask the user to turn them on.');
    const profiles = this.store.list();
    const offered = profiles.filter((p) => accessOf(p, enabled).read);
    const lines = offered.map((p) => {
      const access = accessOf(p, enabled);
      const databases = [...new Set([p.database, ...this.connections.openDatabases(p.id)])].map((d) => JSON.stringify(d)).join(', ');
      const duplicate = profiles.filter((o) => o.name === p.name).length > 1 ? ` (id ${p.id}: the name is not unique)` : '';
      const tools = access.propose ? 'read tools and pgExplorer_proposeSql' : `read tools only (${access.reason ?? ''})`;
      return `- ${JSON.stringify(p.name)}${duplicate}: database ${databases}; ${tools}`;
    });
    const hidden = profiles.length - offered.length;
    return [
      offered.length > 0 ? 'PostgreSQL connections (pass the name as "connection"; "database" defaults to the first one listed):' : 'No PostgreSQL connection is offered to agents.',
      ...lines,
      ...(hidden > 0 ? [`${hidden} more connection(s) are kept from agents by the user ("agentTools": false).`] : []),
    ].join('\n');
  }
}

export class ListSchemasTool implements AgentTool<ConnectionInput> {
  readonly name = LIST_SCHEMAS_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly database: AgentDatabase,
  ) {}

  async prepare(input: ConnectionInput): Promise<Prepared> {
    const { profile, target } = resolveConnection(this.store.list(), input, 'read', agentSettings().enabled);
    return { invocationMessage: `Listing the schemas of ${profile.name} / ${target.database}` };
  }

  async invoke(input: ConnectionInput, token: vscode.CancellationToken): Promise<string> {
    const settings = agentSettings();
    const resolved = resolveConnection(this.store.list(), input, 'read', settings.enabled);
    throwIfCancelled(token);
    const schemas = await (await this.database.catalog(resolved.target)).listSchemas();
    return [
      `Schemas of ${where(resolved)} (system schemas left out):`,
      ...capLines(schemasText(schemas.filter((s) => !s.isSystem)), settings.maxResultBytes),
    ].join('\n');
  }
}

interface SchemaInput extends ConnectionInput {
  schema?: unknown;
}

export class ListObjectsTool implements AgentTool<SchemaInput> {
  readonly name = LIST_OBJECTS_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly database: AgentDatabase,
  ) {}

  async prepare(input: SchemaInput): Promise<Prepared> {
    const { profile, target } = resolveConnection(this.store.list(), input, 'read', agentSettings().enabled);
    return { invocationMessage: `Listing the objects of schema ${requireName(input.schema, 'schema')} in ${profile.name} / ${target.database}` };
  }

  async invoke(input: SchemaInput, token: vscode.CancellationToken): Promise<string> {
    const settings = agentSettings();
    const resolved = resolveConnection(this.store.list(), input, 'read', settings.enabled);
    const schema = requireName(input.schema, 'schema');
    throwIfCancelled(token);
    const contents = await (await this.database.catalog(resolved.target)).schemaContents(schema);
    const lines = schemaContentsText(schema, contents);
    return [
      `Objects of schema ${qualifiedName(schema)} in ${where(resolved)}:`,
      ...(lines.length > 0 ? capLines(lines, settings.maxResultBytes) : ['(none, or the schema does not exist: see pgExplorer_listSchemas)']),
    ].join('\n');
  }
}

const DESCRIBE_KINDS = ['table', 'view', 'materializedView', 'function', 'procedure', 'sequence', 'type'] as const;
type DescribeKind = (typeof DESCRIBE_KINDS)[number];

interface DescribeInput extends SchemaInput {
  name?: unknown;
  kind?: unknown;
}

export class DescribeObjectTool implements AgentTool<DescribeInput> {
  readonly name = DESCRIBE_TOOL;

  constructor(
    private readonly store: ProfileStore,
    private readonly database: AgentDatabase,
  ) {}

  async prepare(input: DescribeInput): Promise<Prepared> {
    const { profile, target } = resolveConnection(this.store.list(), input, 'read', agentSettings().enabled);
    const name = qualifiedName(requireName(input.schema, 'schema'), requireName(input.name, 'name'));
    describeKind(input.kind);
    return { invocationMessage: `Describing ${name} in ${profile.name} / ${target.database}` };
  }

  async invoke(input: DescribeInput, token: vscode.CancellationToken): Promise<string> {
    const settings = agentSettings();
    const resolved = resolveConnection(this.store.list(), input, 'read', settings.enabled);
    const schema = requireName(input.schema, 'schema');
    const name = requireName(input.name, 'name');
    const kind = describeKind(input.kind);
    throwIfCancelled(token);
    const catalog = await this.database.catalog(resolved.target);
    let lines: string[];
    let ddlKind: DdlKind;
    if (kind === undefined || kind === 'table' || kind === 'view' || kind === 'materializedView') {
      let relation: RelationDescription | undefined;
      try {
        relation = await catalog.describeRelation(schema, name);
      } catch (err) {
        // Without a kind, a name that is not a relation may still be a function, sequence or type.
        if (!(kind === undefined && err instanceof PgError && err.code === '42P01')) throw err;
      }
      if (relation) {
        lines = relationText(relation);
        ddlKind = relation.kind === 'view' ? 'view' : relation.kind === 'materializedView' ? 'materializedView' : 'table';
      } else {
        ({ lines, ddlKind } = otherObject(await catalog.schemaContents(schema), schema, name, undefined));
      }
    } else {
      ({ lines, ddlKind } = otherObject(await catalog.schemaContents(schema), schema, name, kind));
    }
    const ddl = await catalog.getDdl(ddlKind, schema, name).then(
      (text) => ['DDL:', '```sql', text.trimEnd(), '```'],
      (err: unknown) => [`DDL: not available (${err instanceof Error ? err.message : String(err)})`],
    );
    return capLines([`In ${where(resolved)}:`, ...lines, ...ddl], settings.maxResultBytes).join('\n');
  }
}

/** A routine, sequence or type of the schema by name; `kind` narrows the search. */
function otherObject(contents: SchemaContents, schema: string, name: string, kind: DescribeKind | undefined): { lines: string[]; ddlKind: DdlKind } {
  // Aggregates and window functions are functions too (their DDL comes with kind `function`).
  const wantRoutine = (r: Routine): boolean =>
    kind === undefined || (kind === 'procedure' ? r.kind === 'procedure' : kind === 'function' && r.kind !== 'procedure');
  const routines = contents.routines.filter((r) => r.name === name && wantRoutine(r));
  if (routines.length > 0) {
    return { lines: routines.map(routineLine), ddlKind: routines[0].kind === 'procedure' ? 'procedure' : 'function' };
  }
  const sequence = contents.sequences.find((s) => s.name === name);
  if (sequence && (kind === undefined || kind === 'sequence')) return { lines: [sequenceLine(sequence)], ddlKind: 'sequence' };
  const type = contents.types.find((t) => t.name === name);
  if (type && (kind === undefined || kind === 'type')) return { lines: [typeLine(type)], ddlKind: 'type' };
  throw new ToolRefusal(
    `There is no ${kind ?? 'table, view, function, procedure, sequence or type'} named ${JSON.stringify(name)} in schema ${JSON.stringify(schema)} ` +
      '(names are case-sensitive, as stored; see pgExplorer_listObjects).',
  );
}

function describeKind(kind: unknown): DescribeKind | undefined {
  if (kind === undefined) return undefined;
  if (typeof kind === 'string' && (DESCRIBE_KINDS as readonly string[]).includes(kind)) return kind as DescribeKind;
  throw new ToolRefusal(`"kind" must be one of ${DESCRIBE_KINDS.join(', ')}, or left out.`);
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new ToolRefusal(`Give "${field}": the name exactly as stored (case-sensitive, unquoted).`);
  return value;
}

function where(resolved: ResolvedConnection): string {
  return `${JSON.stringify(resolved.profile.name)}, database ${JSON.stringify(resolved.target.database)}`;
}
