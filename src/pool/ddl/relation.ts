/**
 * Tables, partitions, inheritance children, typed, foreign and unlogged tables, views and
 * materialized views, written as pg_dump writes them:
 *  - a partition is created as a table with its own columns, defaults, NOT NULLs, constraints and
 *    indexes, then attached (ATTACH PARTITION matches the parent's indexes and constraints to its
 *    own and keeps their names); Show DDL of a partitioned table writes every partition below it
 *    that way (tableWithPartitions);
 *  - an inheritance child declares only its local columns (inherited ones come from INHERITS, in
 *    the parent's order, generation expressions included), then sets the defaults and NOT NULLs it
 *    has and its parents do not;
 *  - a typed table is `OF type`, with only the options its columns add;
 *  - foreign keys, NOT VALID checks and checks that call a function (which may take the table's
 *    row type) come after every table, with triggers, rules and policies.
 */
import type { Client } from 'pg';
import { describeRelation, sequencesOwnedBy } from '../introspect';
import type { ColumnDetail, ConstraintInfo, IndexInfo, PartitionInfo, RelationDescription } from '../introspect-types';
import { notFound } from './piece';
import type { DdlPiece } from './piece';
import { commentOn, grants, ownerTo } from './privileges';
import type { Quoter } from './quote';
import { relationMetaSql } from './relation-sql';
import type { ColumnExtra, RelationMeta } from './relation-sql';
import { sequencePiece, withSequenceMeta } from './sequence-type';
import type { SequenceWithMeta } from './sequence-type';

export type RelationDdlKind = 'table' | 'view' | 'materializedView';

const RELKIND_FOR: Record<RelationDdlKind, RelationMeta['relkind'][]> = {
  table: ['r', 'p', 'f'],
  view: ['v'],
  materializedView: ['m'],
};

const NOUN: Record<RelationMeta['relkind'], string> = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW' };

export async function relationPiece(client: Client, q: Quoter, version: number, kind: RelationDdlKind, schema: string, name: string): Promise<DdlPiece> {
  return (await relationParts(client, q, version, kind, schema, name)).piece;
}

/**
 * Show DDL of a table: the table, then, when it is partitioned, every partition below it
 * (sub-partitions too, depth first, each level in name order), each written as pg_dump writes a
 * partition: CREATE TABLE with its own columns, then ALTER TABLE ONLY parent ATTACH PARTITION.
 * Creating parts first, then every `after` part, so a foreign key of one finds the others.
 */
export async function tableWithPartitions(client: Client, q: Quoter, version: number, schema: string, name: string): Promise<DdlPiece> {
  const pieces: DdlPiece[] = [];
  const visit = async (s: string, n: string): Promise<void> => {
    const { piece, partitions } = await relationParts(client, q, version, 'table', s, n);
    pieces.push(piece);
    for (const p of partitions) await visit(p.schema, p.name);
  };
  await visit(schema, name);
  return { create: pieces.flatMap((p) => p.create), after: pieces.flatMap((p) => p.after) };
}

async function relationParts(
  client: Client,
  q: Quoter,
  version: number,
  kind: RelationDdlKind,
  schema: string,
  name: string,
): Promise<{ piece: DdlPiece; partitions: PartitionInfo[] }> {
  const { rows } = await client.query<RelationMeta>(relationMetaSql(version), [schema, name]);
  const meta = rows[0];
  if (!meta || !RELKIND_FOR[kind].includes(meta.relkind)) throw notFound(kind === 'materializedView' ? 'materialized view' : kind, schema, name);
  const rel = await describeRelation(client, schema, name);
  const table = new TableText(q, rel, meta, version);
  const owned = meta.relkind === 'v' || meta.relkind === 'm' ? [] : await sequencesOwnedBy(client, rel.oid);
  return { piece: table.piece(await withSequenceMeta(client, owned)), partitions: meta.relkind === 'p' ? rel.partitions : [] };
}

class TableText {
  private readonly target: string;
  private readonly noun: string;
  private readonly extras: Map<string, ColumnExtra>;
  private readonly separated: Set<string>;

  constructor(
    private readonly q: Quoter,
    private readonly rel: RelationDescription,
    private readonly meta: RelationMeta,
    private readonly version: number,
  ) {
    this.target = q.qualified(rel.schema, rel.name);
    this.noun = NOUN[meta.relkind];
    this.extras = new Map((meta.columns ?? []).map((c) => [c.name, c]));
    this.separated = new Set((meta.checks ?? []).filter((c) => !c.validated || c.callsFunction).map((c) => c.name));
  }

  piece(owned: SequenceWithMeta[]): DdlPiece {
    const { q, rel, meta, target } = this;
    const create: string[] = [];
    if (meta.relkind === 'v' || meta.relkind === 'm') {
      create.push(this.createView());
      for (const c of rel.columns) {
        if (c.default !== null) create.push(`ALTER ${this.noun} ${target} ALTER COLUMN ${q.ident(c.name)} SET DEFAULT ${c.default}`);
      }
    } else {
      // The sequences of serial columns come first (the defaults name them) and are tied to their
      // columns after, so the text runs on its own.
      const sequences = owned.map((s) => sequencePiece(this.q, s));
      create.push(...sequences.flatMap((s) => s.create));
      create.push(this.createTable());
      create.push(...this.columnAlterations());
      create.push(...sequences.flatMap((s) => s.after));
    }
    for (const index of rel.indexes) {
      if (index.constraint === null && (!index.isInherited || this.isPartition)) create.push(this.indexDefinition(index));
    }
    if (this.isPartition && rel.parent) {
      create.push(`ALTER TABLE ONLY ${q.qualified(rel.parent.schema, rel.parent.name)} ATTACH PARTITION ${target} ${rel.partitionBound ?? 'DEFAULT'}`);
    }
    create.push(...this.tableSettings());
    create.push(ownerTo(q, this.noun, target, meta.owner));
    create.push(...grants(q, `TABLE ${target}`, meta.owner, meta.acl));
    for (const c of meta.columns ?? []) create.push(...grants(q, `TABLE ${target}`, meta.owner, c.acl, c.name));
    create.push(...this.comments());
    for (const s of meta.statistics ?? []) {
      const stat = q.qualified(s.schema, s.name);
      create.push(s.definition);
      if (s.target !== null) create.push(`ALTER STATISTICS ${stat} SET STATISTICS ${s.target}`);
      create.push(ownerTo(q, 'STATISTICS', stat, s.owner), ...commentOn(q, `STATISTICS ${stat}`, s.comment));
    }
    return { create, after: this.afterTables() };
  }

  private get isPartition(): boolean {
    return this.meta.is_partition;
  }

  private createView(): string {
    const { meta, target } = this;
    const body = (meta.view_def ?? '').trim().replace(/;$/, '');
    const withOptions = meta.rel_options ? ` WITH (${meta.rel_options})` : '';
    return meta.relkind === 'v'
      ? `CREATE VIEW ${target}${withOptions} AS\n${body}`
      : `CREATE MATERIALIZED VIEW ${target}${withOptions} AS\n${body}\nWITH ${meta.populated ? '' : 'NO '}DATA`;
  }

  /** The constraints written inside CREATE TABLE: a partition repeats what it has from its parent. */
  private inlineConstraints(): string[] {
    const { rel } = this;
    return [rel.primaryKey, ...rel.uniqueConstraints, ...rel.checks, ...rel.exclusions]
      .filter((c): c is ConstraintInfo => c !== null && (this.isPartition || !c.isInherited) && !this.separated.has(c.name))
      .map((c) => `CONSTRAINT ${this.q.ident(c.name)} ${c.definition}`);
  }

  private createTable(): string {
    const { q, rel, meta, target } = this;
    const foreign = meta.relkind === 'f';
    const head = `CREATE ${foreign ? 'FOREIGN ' : meta.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${target}`;
    const columns = rel.columns.flatMap((c) => this.columnDefinition(c));
    const lines = [...columns, ...this.inlineConstraints()];
    const body = lines.length > 0 ? ` (\n    ${lines.join(',\n    ')}\n)` : meta.of_type ? '' : ' (\n)';
    const tail: string[] = [];
    if (meta.inherits.length > 0) tail.push(`INHERITS (${meta.inherits.join(', ')})`);
    if (rel.partitionKey) tail.push(`PARTITION BY ${rel.partitionKey}`);
    const storage = [meta.rel_options, meta.toast_options].filter((o) => o).join(', ');
    if (storage) tail.push(`WITH (${storage})`);
    if (foreign && meta.server) tail.push(`SERVER ${q.ident(meta.server)}${meta.server_options ? ` OPTIONS (${meta.server_options})` : ''}`);
    const text = `${head}${meta.of_type ? ` OF ${meta.of_type}` : ''}${body}`;
    return tail.length > 0 ? `${text}\n${tail.join('\n')}` : text;
  }

  private columnDefinition(c: ColumnDetail): string[] {
    const { q, meta } = this;
    const extra = this.extras.get(c.name);
    const inherited = extra?.inherited ?? false;
    if (meta.of_type) {
      // The type gives the columns; only what the table adds is written.
      const options = `${c.default !== null ? ` DEFAULT ${c.default}` : ''}${c.nullable ? '' : ' NOT NULL'}`;
      return options ? [`${q.ident(c.name)} WITH OPTIONS${options}`] : [];
    }
    if (!this.isPartition && extra && !extra.local) return [];
    let def = `${q.ident(c.name)} ${c.dataType}${extra?.fdwOptions ? ` OPTIONS (${extra.fdwOptions})` : ''}${q.collation(c.collationSchema, c.collation)}`;
    if (c.generated !== null) def += ` GENERATED ALWAYS AS (${c.generated}) ${c.generatedKind === 'virtual' ? 'VIRTUAL' : 'STORED'}`;
    // A partition gets its parent's identity when attached (17+); before 17 partitions have none.
    if (c.identity && !(this.isPartition && inherited)) {
      def += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${this.identityOptions(extra)}`;
    }
    if (c.default !== null) def += ` DEFAULT ${c.default}`;
    if (!c.nullable) def += ' NOT NULL';
    return [def];
  }

  private identityOptions(extra: ColumnExtra | undefined): string {
    const s = extra?.identitySequence;
    if (!s) return '';
    const options = [
      `SEQUENCE NAME ${this.q.qualified(s.schema, s.name)}`,
      `START WITH ${s.start}`,
      `INCREMENT BY ${s.increment}`,
      `MINVALUE ${s.min}`,
      `MAXVALUE ${s.max}`,
      `CACHE ${s.cache}`,
    ];
    if (s.cycle) options.push('CYCLE');
    return ` (\n        ${options.join('\n        ')}\n    )`;
  }

  /** What an inheritance child changes on inherited columns, and per-column settings. */
  private columnAlterations(): string[] {
    const { q, rel, target } = this;
    const out: string[] = [];
    const only = `ALTER ${this.noun} ONLY ${target}`;
    for (const c of rel.columns) {
      const extra = this.extras.get(c.name);
      if (!extra) continue;
      const column = `${only} ALTER COLUMN ${q.ident(c.name)}`;
      if (!this.isPartition && !extra.local && !this.meta.of_type) {
        if (c.default !== null && c.default !== extra.parentDefault) out.push(`${column} SET DEFAULT ${c.default}`);
        if (c.default === null && extra.parentDefault !== null && c.generated === null) out.push(`${column} DROP DEFAULT`);
        if (!c.nullable && !extra.parentNotNull) out.push(`${column} SET NOT NULL`);
      }
      if (extra.statistics !== null) out.push(`${column} SET STATISTICS ${extra.statistics}`);
      if (extra.storage !== null) out.push(`${column} SET STORAGE ${{ p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' }[extra.storage]}`);
      if (extra.compression !== null) out.push(`${column} SET COMPRESSION ${extra.compression === 'l' ? 'lz4' : 'pglz'}`);
      if (extra.options) out.push(`${column} SET (${extra.options})`);
      const sequence = extra.identitySequence;
      // Made logged or unlogged as the table is; ALTER SEQUENCE ... SET [UN]LOGGED exists from 15 on.
      if (sequence && this.version >= 150000 && sequence.unlogged !== (this.meta.persistence === 'u')) {
        out.push(`ALTER SEQUENCE ${q.qualified(sequence.schema, sequence.name)} SET ${sequence.unlogged ? 'UNLOGGED' : 'LOGGED'}`);
      }
    }
    return out;
  }

  /**
   * pg_get_indexdef prints a partitioned table's index as `ON ONLY`, which would leave the index
   * invalid and its partitions without one; plain `ON` builds it on every partition (or attaches
   * the partition's own, made with it), as it was.
   */
  private indexDefinition(index: IndexInfo): string {
    if (this.meta.relkind !== 'p') return index.definition;
    const head = `CREATE ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${this.q.ident(index.name)} ON ONLY `;
    return index.definition.startsWith(head) ? `${head.slice(0, -'ONLY '.length)}${index.definition.slice(head.length)}` : index.definition;
  }

  private tableSettings(): string[] {
    const { q, meta, target } = this;
    if (meta.relkind !== 'r' && meta.relkind !== 'p') return [];
    const out: string[] = [];
    const only = `ALTER TABLE ONLY ${target}`;
    if (meta.replica_identity === 'n') out.push(`${only} REPLICA IDENTITY NOTHING`);
    if (meta.replica_identity === 'f') out.push(`${only} REPLICA IDENTITY FULL`);
    if (meta.replica_identity === 'i' && meta.replica_index) out.push(`${only} REPLICA IDENTITY USING INDEX ${q.ident(meta.replica_index)}`);
    if (meta.clustered_index) out.push(`${only} CLUSTER ON ${q.ident(meta.clustered_index)}`);
    if (meta.row_security) out.push(`${only} ENABLE ROW LEVEL SECURITY`);
    if (meta.force_row_security) out.push(`${only} FORCE ROW LEVEL SECURITY`);
    return out;
  }

  private comments(): string[] {
    const { q, rel, target } = this;
    const out = commentOn(q, `${this.noun} ${target}`, rel.comment);
    for (const c of rel.columns) out.push(...commentOn(q, `COLUMN ${target}.${q.ident(c.name)}`, c.comment));
    // Foreign keys and separated checks have their comments after them.
    const inline = [rel.primaryKey, ...rel.uniqueConstraints, ...rel.checks, ...rel.exclusions];
    for (const c of inline) {
      if (c && (!c.isInherited || this.isPartition) && !this.separated.has(c.name)) {
        out.push(...commentOn(q, `CONSTRAINT ${q.ident(c.name)} ON ${target}`, c.comment));
      }
    }
    for (const i of rel.indexes) {
      if (!i.isInherited || this.isPartition) out.push(...commentOn(q, `INDEX ${q.qualified(rel.schema, i.name)}`, i.comment));
    }
    return out;
  }

  private ownForeignKeys(): ConstraintInfo[] {
    return this.rel.foreignKeys.filter((fk) => fk.direction === 'outgoing' && !fk.isInherited);
  }

  private afterTables(): string[] {
    const { q, rel, meta, target } = this;
    const out: string[] = [];
    const alter = `ALTER ${this.noun} ${meta.relkind === 'p' ? '' : 'ONLY '}${target}`;
    for (const c of rel.checks) {
      if (this.separated.has(c.name) && !c.isInherited) {
        out.push(`ALTER ${this.noun} ${target} ADD CONSTRAINT ${q.ident(c.name)} ${c.definition}`);
        if (c.comment !== null) out.push(...commentOn(q, `CONSTRAINT ${q.ident(c.name)} ON ${target}`, c.comment));
      }
    }
    for (const fk of this.ownForeignKeys()) {
      out.push(`${alter} ADD CONSTRAINT ${q.ident(fk.name)} ${fk.definition}`);
      out.push(...commentOn(q, `CONSTRAINT ${q.ident(fk.name)} ON ${target}`, fk.comment));
    }
    for (const trigger of rel.triggers) {
      out.push(trigger.definition);
      if (trigger.enabled !== 'O') {
        const how = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[trigger.enabled];
        out.push(`ALTER ${meta.relkind === 'f' ? 'FOREIGN TABLE' : 'TABLE'} ${target} ${how} TRIGGER ${q.ident(trigger.name)}`);
      }
      out.push(...commentOn(q, `TRIGGER ${q.ident(trigger.name)} ON ${target}`, trigger.comment));
    }
    for (const rule of meta.rules ?? []) {
      out.push(rule.definition.trim().replace(/;$/, ''));
      if (rule.enabled !== 'O') {
        const how = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[rule.enabled];
        out.push(`ALTER TABLE ${target} ${how} RULE ${q.ident(rule.name)}`);
      }
      out.push(...commentOn(q, `RULE ${q.ident(rule.name)} ON ${target}`, rule.comment));
    }
    for (const p of meta.policies ?? []) {
      let text = `CREATE POLICY ${q.ident(p.name)} ON ${target}`;
      if (!p.permissive) text += ' AS RESTRICTIVE';
      const command = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' }[p.command];
      if (command !== 'ALL') text += ` FOR ${command}`;
      const roles = p.roles.map((r) => q.role(r));
      if (roles.length > 0 && !(roles.length === 1 && roles[0] === 'PUBLIC')) text += ` TO ${roles.join(', ')}`;
      if (p.using !== null) text += ` USING (${p.using})`;
      if (p.withCheck !== null) text += ` WITH CHECK (${p.withCheck})`;
      out.push(text, ...commentOn(q, `POLICY ${q.ident(p.name)} ON ${target}`, p.comment));
    }
    return out;
  }
}
