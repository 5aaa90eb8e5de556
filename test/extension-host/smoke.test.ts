import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from './bdd';

describe('smoke', () => {
  it('runs inside VS Code', () => {
    assert.ok(vscode.version);
    console.log('vscode', vscode.version, 'node', process.version);
  });
});
