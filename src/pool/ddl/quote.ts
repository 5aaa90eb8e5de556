/** Identifier and literal quoting with quote_ident's rules (the server's keyword list included). */
export class Quoter {
  constructor(private readonly keywords: ReadonlySet<string>) {}

  ident(name: string): string {
    if (/^[a-z_][a-z0-9_]*$/.test(name) && !this.keywords.has(name)) return name;
    return `"${name.replace(/"/g, '""')}"`;
  }

  qualified(schema: string, name: string): string {
    return `${this.ident(schema)}.${this.ident(name)}`;
  }

  /** quote_literal: E'' with doubled backslashes when there are any, so standard_conforming_strings does not matter. */
  literal(text: string): string {
    const quoted = `'${text.replace(/'/g, "''")}'`;
    return text.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
  }

  /** ` COLLATE schema.name`, or nothing for the type's default collation (null). */
  collation(schema: string | null, name: string | null): string {
    return name === null ? '' : ` COLLATE ${this.maybeQualified(schema, name)}`;
  }

  maybeQualified(schema: string | null, name: string): string {
    return schema === null ? this.ident(name) : this.qualified(schema, name);
  }

  /** A role as GRANT and OWNER TO name it: PUBLIC is the keyword, not a role. */
  role(name: string): string {
    return name === '' ? 'PUBLIC' : this.ident(name);
  }
}
