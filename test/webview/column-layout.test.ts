/**
 * Columns laid out before the user touches them: numbers right-aligned by their type (never by
 * their values), widths that fit the header and the first page within bounds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnView } from '../../src/shared/results-model';
import { FIT_BOUNDS, fitColumnWidths, isNumericColumn } from '../../webview-ui/model/column-layout';

const col = (name: string, typeName: string, typeOid: number): ColumnView => ({ name, typeName, typeOid, tableOid: null, columnNumber: null });
/** 7 px a character, as a monospace font of that width would draw it. */
const measure = { name: (t: string) => t.length * 7, type: (t: string) => t.length * 6, cell: (t: string) => t.length * 7 };

describe('isNumericColumn', () => {
  it('right-aligns int2/4/8, numeric, float4/8, money and oid, by oid or by name', () => {
    for (const [name, oid] of [['smallint', 21], ['integer', 23], ['bigint', 20], ['numeric(12,2)', 1700], ['real', 700], ['double precision', 701], ['money', 790], ['oid', 26]] as const) {
      assert.ok(isNumericColumn(col('x', name, oid)), name);
    }
    assert.ok(isNumericColumn({ typeName: 'numeric', typeOid: 0 }), 'by name when the oid is unknown');
  });

  it('leaves text that looks like numbers, dates and JSON left-aligned', () => {
    for (const [name, oid] of [['text', 25], ['character varying(20)', 1043], ['timestamp with time zone', 1184], ['jsonb', 3802], ['integer[]', 1007], ['interval', 1186]] as const) {
      assert.ok(!isNumericColumn(col('x', name, oid)), name);
    }
  });
});

describe('fitColumnWidths', () => {
  const columns = [col('id', 'integer', 23), col('url', 'text', 25), col('created_at', 'timestamp with time zone', 1184), col('doc', 'jsonb', 3802)];
  const rows = [
    ['1', 'https://example.com/a/rather/long/path?query=1', '2026-12-02 08:10:13.123456+00', `{"a": "${'x'.repeat(500)}"}`],
    ['22', null, '2026-12-02 08:10:13+00', '{}'],
  ];

  it('fits a URL and a timestamp whole, a long JSON value to the upper bound, a short column to its header', () => {
    const [id, url, created, doc] = fitColumnWidths(columns, rows, measure);
    assert.ok(url >= 'https://example.com/a/rather/long/path?query=1'.length * 7, `the URL fits (${url})`);
    assert.ok(created >= '2026-12-02 08:10:13.123456+00'.length * 7, `the timestamp fits (${created})`);
    assert.ok(created >= 'timestamp with time zone'.length * 6, 'the type name fits');
    assert.equal(doc, FIT_BOUNDS.max, 'a 500-character value stops at the bound');
    assert.ok(id >= FIT_BOUNDS.min && id < 100, `a narrow column stays narrow (${id})`);
  });

  it('measures only the first page, and a result without rows by its header', () => {
    const many = [...rows, ...Array.from({ length: 200 }, () => ['1', 'u', 't', 'd']), ['1', 'x'.repeat(300), 't', 'd']];
    assert.deepEqual(fitColumnWidths(columns, many, measure).slice(0, 2), fitColumnWidths(columns, rows, measure).slice(0, 2), 'row 203 is not measured');
    const empty = fitColumnWidths(columns, [], measure);
    assert.ok(empty.every((w) => w >= FIT_BOUNDS.min && w <= FIT_BOUNDS.max));
  });
});
