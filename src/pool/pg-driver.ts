/**
 * node-postgres as the pool loads it (connection.ts imports this module on the first connection):
 * pg itself, with its DataRow parsing taught to keep the server's bytes (raw-rows.ts).
 *
 * The two packages come through one module so that they are one copy: the build makes this file a
 * bundle of its own (dist/lazy-pg.js, scripts/build.mjs), and the parser raw-rows.ts patches must
 * be the very one pg's connections use.
 */
import pg from 'pg';
import { Parser } from 'pg-protocol/dist/parser';
import { keepDataRowBytes } from './raw-rows';

keepDataRowBytes(Parser);

export { pg };
