import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnView } from '../../src/shared/results-model';
import { formatCopy } from '../../webview-ui/model/copy-format';

const col = (name: string, typeOid: number, typeName: string): ColumnView => ({ name, typeOid, typeName, tableOid: null, columnNumber: null });
const columns = [col('id', 20, 'bigint'), col('name', 25, 'text'), col('ok', 16, 'boolean'), col('amount', 1700, 'numeric')];
const rows = [
  ['9223372036854775807', 'plain', 't', '12345678901234567890.000001'],
  ['2', 'tab\there, "quoted"\nnew line', 'f', null],
  ['3', '', null, 'NaN'],
  ['4', "it's a \\ back|slash", 'f', '-1.5e3'],
];

describe('copy formats', () => {
  it('TSV: tabs between fields, values with tabs, quotes or newlines quoted, NULL empty', () => {
    assert.equal(
      formatCopy('tsv', { columns, rows: rows.slice(0, 3), header: true }),
      'id\tname\tok\tamount\n' +
        '9223372036854775807\tplain\tt\t12345678901234567890.000001\n' +
        '2\t"tab\there, ""quoted""\nnew line"\tf\t\n' +
        '3\t\t\tNaN',
    );
  });

  it('CSV: RFC 4180 quoting; the empty string quoted, NULL an empty field', () => {
    assert.equal(
      formatCopy('csv', { columns, rows: rows.slice(1, 3), header: false }),
      '2,"tab\there, ""quoted""\nnew line",f,\n3,"",,NaN',
    );
  });

  it('Markdown: a table with | and newlines escaped and NULL marked', () => {
    assert.equal(
      formatCopy('markdown', { columns: columns.slice(1, 3), rows: [rows[1].slice(1, 3), rows[3].slice(1, 3), ['', null]], header: true }),
      '| name | ok |\n| --- | --- |\n| tab\there, "quoted"<br>new line | f |\n| it\'s a \\\\ back\\|slash | f |\n|  | *NULL* |',
    );
  });

  it('INSERT: quoted identifiers, exact numbers bare, text as literals, NULL', () => {
    assert.equal(
      formatCopy('insert', { columns, rows: [rows[0], rows[2], rows[3]], header: false, table: { schema: 'public', name: 'My "T"' } }),
      'INSERT INTO "public"."My ""T""" ("id", "name", "ok", "amount") VALUES (9223372036854775807, \'plain\', true, 12345678901234567890.000001);\n' +
        'INSERT INTO "public"."My ""T""" ("id", "name", "ok", "amount") VALUES (3, \'\', NULL, \'NaN\');\n' +
        'INSERT INTO "public"."My ""T""" ("id", "name", "ok", "amount") VALUES (4, E\'it\'\'s a \\\\ back|slash\', false, -1.5e3);',
    );
  });
});
