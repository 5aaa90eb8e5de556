import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Selection } from '../../webview-ui/model/selection';
import { cellText, hexDump, prettyJson, viewerText } from '../../webview-ui/model/value-view';

describe('cell and viewer text', () => {
  it('draws NULL apart from the empty string and cuts long or multi-line values', () => {
    assert.deepEqual(cellText(null), { text: 'NULL', isNull: true, truncated: false });
    assert.deepEqual(cellText(''), { text: '', isNull: false, truncated: false });
    const long = cellText('x'.repeat(1000), 300);
    assert.equal(long.text.length, 300);
    assert.ok(long.truncated);
    assert.deepEqual(cellText('a\nb'), { text: 'a ⏎ b', isNull: false, truncated: true });
  });

  it('pretty-prints JSON text without turning big numbers into doubles', () => {
    const text = '{"id":12345678901234567890,"price":1.10,"tags":["a","b\\"c"],"empty":{},"none":[],"n":null}';
    assert.equal(
      prettyJson(text),
      '{\n  "id": 12345678901234567890,\n  "price": 1.10,\n  "tags": [\n    "a",\n    "b\\"c"\n  ],\n  "empty": {},\n  "none": [],\n  "n": null\n}',
    );
    assert.throws(() => prettyJson('{"a":'), SyntaxError);
    assert.equal(viewerText('{"a":1', { typeName: 'jsonb', typeOid: 3802 }).language, 'plaintext');
  });

  it('shows bytea as a hex dump with printable characters', () => {
    const v = viewerText('\\x48656c6c6f00ff', { typeName: 'bytea', typeOid: 17 });
    assert.equal(v.language, 'hex');
    assert.equal(v.note, '7 bytes');
    assert.equal(v.text, '00000000  48 65 6c 6c 6f 00 ff                             Hello..');
    assert.equal(hexDump('').length, 0);
  });
});

describe('Selection', () => {
  const ctx = { rows: 100, cols: 5, pageRows: 20 };
  it('moves with arrows, pages and Home/End, clamped to the grid', () => {
    const s = new Selection();
    s.navigate('ArrowUp', ctx, { shift: false, ctrl: false });
    assert.deepEqual(s.focus, { row: 0, col: 0 });
    s.navigate('PageDown', ctx, { shift: false, ctrl: false });
    s.navigate('ArrowRight', ctx, { shift: false, ctrl: false });
    assert.deepEqual(s.focus, { row: 20, col: 1 });
    s.navigate('End', ctx, { shift: false, ctrl: false });
    assert.deepEqual(s.focus, { row: 20, col: 4 });
    s.navigate('End', ctx, { shift: false, ctrl: true });
    assert.deepEqual(s.focus, { row: 99, col: 4 });
    s.navigate('PageDown', ctx, { shift: false, ctrl: false });
    assert.deepEqual(s.focus, { row: 99, col: 4 });
    assert.equal(s.navigate('x', ctx, { shift: false, ctrl: false }), false);
  });

  it('extends a rectangle with Shift from the anchor', () => {
    const s = new Selection();
    s.set({ row: 5, col: 3 }, false);
    s.navigate('ArrowUp', ctx, { shift: true, ctrl: false });
    s.navigate('ArrowLeft', ctx, { shift: true, ctrl: false });
    s.navigate('ArrowLeft', ctx, { shift: true, ctrl: false });
    assert.deepEqual(s.rect, { top: 4, bottom: 5, left: 1, right: 3 });
    assert.deepEqual(s.rows(), [4, 5]);
    assert.ok(s.contains(4, 2));
    assert.ok(!s.contains(6, 2));
  });
});
