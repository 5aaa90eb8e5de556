/** What tree nodes need from the host: profiles, pools (through Catalogs) and paging state. */
import type { Connections } from '../connections/connections';
import type { ProfileStore } from '../profiles/store';
import type { Catalog, CatalogScope } from './catalog';

export interface TreeServices {
  store: ProfileStore;
  connections: Connections;
  /** The catalog of one database of a profile (opening its pool on first use). */
  catalog(profileId: string, database: string): Promise<Catalog>;
  /** How many items of a paged list are shown, by the list node's id. */
  shown(listId: string): number;
  /** Forgets cached catalog answers of open pools only (never opens one): a database, or all of the profile's. */
  invalidate(profileId: string, database?: string, scope?: CatalogScope): void;
  showMore(listId: string): void;
  /** The name filter set on a schema node (by its id), if any: its groups list only the matching objects. */
  filter(schemaId: string): string | undefined;
}
