/**
 * How one value is drawn in a cell and in the value viewer. The cell shows a short single line;
 * the viewer shows the whole value, JSON pretty-printed and bytea as hex bytes. Pure text work.
 */
import type { CellValue } from '../../src/shared/results-model';

/** Longest text a cell draws; the rest is in the viewer. Keeps the DOM small for huge values. */
export const CELL_TEXT_LIMIT = 300;

export interface CellText {
  text: string;
  /** NULL, drawn differently from the empty string. */
  isNull: boolean;
  /** The cell shows less than the whole value. */
  truncated: boolean;
}

export function cellText(value: CellValue, limit = CELL_TEXT_LIMIT): CellText {
  if (value === null) return { text: 'NULL', isNull: true, truncated: false };
  let text = value.length > limit ? value.slice(0, limit) : value;
  const multiline = /[\r\n]/.test(text);
  if (multiline) text = text.replace(/\r\n|\r|\n/g, ' ⏎ ');
  return { text, isNull: false, truncated: value.length > limit || multiline };
}

const JSON_TYPES = new Set(['json', 'jsonb']);
const BYTEA_OID = 17;

export interface ViewerText {
  text: string;
  /** Language hint for the viewer (and for "open in editor"). */
  language: 'json' | 'hex' | 'plaintext';
  note?: string;
}

/** The whole value for the viewer. */
export function viewerText(value: CellValue, column: { typeName: string; typeOid: number }): ViewerText {
  if (value === null) return { text: '', language: 'plaintext', note: 'NULL' };
  if (JSON_TYPES.has(column.typeName)) {
    try {
      // Re-indenting through JSON.parse would turn big numbers into doubles: indent the text itself.
      return { text: prettyJson(value), language: 'json' };
    } catch {
      return { text: value, language: 'plaintext', note: 'Not valid JSON; shown as stored.' };
    }
  }
  if (column.typeOid === BYTEA_OID && value.startsWith('\\x')) {
    return { text: hexDump(value.slice(2)), language: 'hex', note: `${(value.length - 2) / 2} bytes` };
  }
  return { text: value, language: 'plaintext' };
}

/**
 * Pretty-prints JSON text without parsing it into JS values (so 12345678901234567890 and 1.10 stay
 * as written). Throws on text that is not JSON.
 */
export function prettyJson(text: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  let i = 0;
  const n = text.length;
  const newline = (): string => '\n' + indent.repeat(depth);
  let expectValue = true;
  let sawAny = false;
  while (i < n) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    sawAny = true;
    if (ch === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) throw new SyntaxError('unterminated string');
      out += text.slice(i, j + 1);
      i = j + 1;
      expectValue = false;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      let k = i + 1;
      while (k < n && /\s/.test(text[k])) k++;
      if (text[k] === close) {
        out += ch + close;
        i = k + 1;
        expectValue = false;
        continue;
      }
      depth++;
      out += ch + newline();
      i++;
      expectValue = true;
    } else if (ch === '}' || ch === ']') {
      if (depth === 0) throw new SyntaxError('unbalanced');
      depth--;
      out += newline() + ch;
      i++;
      expectValue = false;
    } else if (ch === ',') {
      out += ',' + newline();
      i++;
      expectValue = true;
    } else if (ch === ':') {
      out += ': ';
      i++;
      expectValue = true;
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m || !expectValue) throw new SyntaxError(`unexpected ${ch}`);
      out += m[0];
      i += m[0].length;
      expectValue = false;
    }
  }
  if (!sawAny || depth !== 0) throw new SyntaxError('incomplete JSON');
  return out;
}

/** 16 bytes a line: offset, hex bytes, printable ASCII. */
export function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let at = 0; at < hex.length; at += 32) {
    const chunk = hex.slice(at, at + 32);
    const bytes = chunk.match(/../g) ?? [];
    const ascii = bytes.map((b) => {
      const code = Number.parseInt(b, 16);
      return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.';
    });
    lines.push(`${(at / 2).toString(16).padStart(8, '0')}  ${bytes.join(' ').padEnd(47)}  ${ascii.join('')}`);
  }
  return lines.join('\n');
}
