/**
 * Owners and privileges as pg_dump writes them: ALTER ... OWNER TO, then, when the object's ACL is
 * not the default (NULL), REVOKE ALL from PUBLIC and the owner and a GRANT per grantee in the
 * ACL's order, so the rebuilt ACL is the same array. Grants made by someone other than the owner
 * are written as the owner's (pg_dump switches role for them; this text runs as whoever applies it).
 */
import type { Quoter } from './quote';

/** One privilege of an ACL as aclexplode lists it; grantee '' is PUBLIC. */
export interface AclItem {
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** An ACL as JSON (AclItem[]), or NULL for the default one; `acl` is an aclitem[] expression. */
export function aclJson(acl: string): string {
  return `CASE WHEN ${acl} IS NOT NULL THEN COALESCE((SELECT json_agg(json_build_object(
      'grantee', CASE WHEN x.grantee = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(x.grantee) END,
      'privilege', x.privilege_type, 'grantable', x.is_grantable) ORDER BY x.ord)
    FROM pg_catalog.aclexplode(${acl}) WITH ORDINALITY x(grantor, grantee, privilege_type, is_grantable, ord)), '[]'::json) END`;
}

/**
 * `object` is what follows ON in GRANT (`TABLE s.t`, `FUNCTION s.f(integer)`); `columns` makes
 * column privileges (`GRANT SELECT (c) ON TABLE ...`), which have no default to revoke.
 */
export function grants(q: Quoter, object: string, owner: string, acl: AclItem[] | null, column?: string): string[] {
  if (acl === null) return [];
  const out = column === undefined ? [`REVOKE ALL ON ${object} FROM PUBLIC`, `REVOKE ALL ON ${object} FROM ${q.role(owner)}`] : [];
  const groups = new Map<string, { grantee: string; grantable: boolean; privileges: string[] }>();
  for (const item of acl) {
    const key = `${item.grantable ? 'g' : 'n'}:${item.grantee}`;
    const group = groups.get(key) ?? { grantee: item.grantee, grantable: item.grantable, privileges: [] };
    group.privileges.push(item.privilege);
    groups.set(key, group);
  }
  const cols = column === undefined ? '' : ` (${q.ident(column)})`;
  for (const g of groups.values()) {
    out.push(`GRANT ${g.privileges.join(',')}${cols} ON ${object} TO ${q.role(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
  return out;
}

/** `ALTER <noun> <target> OWNER TO role`. */
export function ownerTo(q: Quoter, noun: string, target: string, owner: string): string {
  return `ALTER ${noun} ${target} OWNER TO ${q.role(owner)}`;
}

export function commentOn(q: Quoter, what: string, comment: string | null): string[] {
  return comment === null ? [] : [`COMMENT ON ${what} IS ${q.literal(comment)}`];
}
