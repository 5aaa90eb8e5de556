/**
 * src/pool: the session-leasing PostgreSQL pool. A plain Node library: it knows nothing of
 * VS Code, the extension host or the webview.
 */
export { PgPool, BROWSER_SESSION_ID, FIRST_PAGE_SIZE } from './pool';
export type { ExecuteOptions } from './pool';
export { Session } from './session-handle';
export type { ExportRequest } from './session-handle';
export type { CopyFormat, CopyProgress } from './copy';
export { MAX_NOTICES, preloadDriver } from './connection';
export type { Disposable, Event } from './event';
export { PgError } from './errors';
export type { PgErrorKind, PgErrorFields } from './errors';
export type { PgConfig, PgAuthMethod, PgChannelBinding, PgTlsMode, PgTlsOptions, SshTunnelRef } from './config';
export type {
  ActiveCursor,
  ColumnMeta,
  ExecutionOutcome,
  PackedPage,
  PackedPageResult,
  PageResult,
  PoolOptions,
  PoolStats,
  Row,
  SessionChange,
  SessionContext,
  SessionInfo,
  SessionResetReason,
  TxStatus,
} from './types';
export type { DdlOptions } from './ddl';
export type { CheckOptions } from './check';
export type * from './introspect-types';
export { parseConnectionString, parseService } from './connection-string';
export { listServices, serviceFiles } from './pg-service';
export type { ServiceDefinition } from './pg-service';
export type { ParsedConnectionString } from './connection-string';
export { quoteIdent } from './edit';
export { whyNotPlainQuery } from './statement-kind';
export type {
  ApplyOutcome,
  Editability,
  InsertColumnInput,
  InsertedRow,
  ResultColumnMeta,
  ResultColumnTarget,
  ResultEditability,
  RowChange,
  RowKey,
  RowValues,
  TableRef,
  UpdateOutcome,
} from './edit';
export type {
  CatalogColumn,
  CatalogKeyword,
  CatalogOptions,
  CatalogRelation,
  CatalogRelationKind,
  CatalogRoutine,
  CatalogRoutineKind,
  CatalogSchema,
  CatalogSnapshot,
  CatalogType,
  CatalogTypeKind,
  KeywordCategory,
} from './catalog';
