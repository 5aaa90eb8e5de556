import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnView } from '../../src/shared/results-model';
import { EMPTY_SORT_FILTER } from '../../src/shared/sort-filter-model';
import { SortFilterState, cycleSort, describeQuickFilter, quickFiltersFor, sortMark } from '../../webview-ui/model/sort-state';

const columns: ColumnView[] = ['id', 'name', 'amount'].map((name, i) => ({ name, typeName: 'text', typeOid: 25, tableOid: 1, columnNumber: i + 1 }));

describe('sort state', () => {
  it('a click cycles one column ascending, descending, none, and replaces another column', () => {
    let sort = cycleSort([], 1, false);
    assert.deepEqual(sort, [{ column: 1, direction: 'asc' }]);
    sort = cycleSort(sort, 1, false);
    assert.deepEqual(sort, [{ column: 1, direction: 'desc' }]);
    assert.deepEqual(cycleSort(sort, 1, false), []);
    assert.deepEqual(cycleSort(sort, 2, false), [{ column: 2, direction: 'asc' }]);
  });

  it('a shift-click adds a column after the others and cycles it in its place', () => {
    let sort = cycleSort([{ column: 1, direction: 'desc' }], 0, true);
    sort = cycleSort(sort, 2, true);
    assert.deepEqual(sort, [
      { column: 1, direction: 'desc' },
      { column: 0, direction: 'asc' },
      { column: 2, direction: 'asc' },
    ]);
    sort = cycleSort(sort, 0, true);
    assert.deepEqual(sort[1], { column: 0, direction: 'desc' }, 'cycled where it is');
    sort = cycleSort(sort, 0, true);
    assert.deepEqual(sort, [
      { column: 1, direction: 'desc' },
      { column: 2, direction: 'asc' },
    ]);
  });

  it('the header shows the direction, and the place in the order when several columns sort', () => {
    assert.equal(sortMark([{ column: 1, direction: 'asc' }], 1), '▲');
    assert.equal(sortMark([{ column: 1, direction: 'asc' }], 0), '');
    const two = [
      { column: 2, direction: 'desc' as const },
      { column: 0, direction: 'asc' as const },
    ];
    assert.equal(sortMark(two, 2), '▼1');
    assert.equal(sortMark(two, 0), '▲2');
  });

  it('offers = and <> only for a value, IS NULL / IS NOT NULL always', () => {
    assert.deepEqual(
      quickFiltersFor(1, "O'Brien").map((f) => f.op),
      ['eq', 'ne', 'contains', 'isNull', 'notNull'],
    );
    assert.deepEqual(quickFiltersFor(1, "O'Brien")[0], { column: 1, op: 'eq', value: "O'Brien" });
    assert.deepEqual(
      quickFiltersFor(1, null).map((f) => f.op),
      ['isNull', 'notNull'],
    );
    assert.equal(describeQuickFilter({ column: 1, op: 'eq', value: 'x\\y' }, columns), 'name = x\\y');
    assert.equal(describeQuickFilter({ column: 2, op: 'notNull' }, columns), 'amount IS NOT NULL');
    assert.match(describeQuickFilter({ column: 0, op: 'contains', value: 'z'.repeat(100) }, columns), /^id contains z{40}…$/);
  });

  it('builds each request from the one in flight, and shows a spec only once the host ran it', () => {
    const s = new SortFilterState();
    assert.match(s.blocked(false) ?? '', /Checking/);
    s.sortable = true;
    assert.equal(s.blocked(false), undefined);
    assert.match(s.blocked(true) ?? '', /Commit or discard/);
    const first = s.sortBy(0, false);
    s.send(first);
    assert.ok(s.busy);
    // A quick filter asked for before the sort came back keeps the sort.
    const second = s.withQuick({ column: 1, op: 'eq', value: 'a' });
    assert.deepEqual(second.sort, first.sort);
    s.send(second);
    s.answered(first, true, { sql: 'SQL 1' });
    assert.deepEqual(s.applied, first);
    assert.ok(s.busy, 'the second is still in flight');
    s.answered(second, true, { sql: 'SQL 2' });
    assert.ok(!s.busy);
    assert.deepEqual(s.applied.quick, [{ column: 1, op: 'eq', value: 'a' }]);
    // The same column and operator again replaces the value.
    assert.deepEqual(s.withQuick({ column: 1, op: 'eq', value: 'b' }).quick, [{ column: 1, op: 'eq', value: 'b' }]);
    assert.deepEqual(s.withoutQuick(0).quick, []);
  });

  it('a failed request keeps what is shown and says why', () => {
    const s = new SortFilterState();
    s.sortable = true;
    const bad = s.withWhere('nope = ');
    s.send(bad);
    s.answered(bad, false, { error: 'syntax error at end of input' });
    assert.deepEqual(s.applied, EMPTY_SORT_FILTER);
    assert.equal(s.error, 'syntax error at end of input');
    assert.ok(!s.busy);
  });

  it('a result that cannot be wrapped says why', () => {
    const s = new SortFilterState();
    s.sortable = false;
    s.reason = 'it contains an UPDATE';
    assert.equal(s.blocked(false), 'it contains an UPDATE');
  });
});
