/**
 * Which profile and database each SQL document runs against. Remembered per document URI in the
 * workspace state, so a file reopened later is bound as before.
 */
import * as vscode from 'vscode';

export interface Binding {
  profileId: string;
  database: string;
}

const STATE_KEY = 'pgExplorer.bindings';

export class DocumentBindings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get(uri: vscode.Uri): Binding | undefined {
    return this.all()[uri.toString()];
  }

  async set(uri: vscode.Uri, binding: Binding | undefined): Promise<void> {
    const all = this.all();
    if (binding) all[uri.toString()] = binding;
    else delete all[uri.toString()];
    await this.state.update(STATE_KEY, all);
    this.changed.fire(uri);
  }

  /** Forgets the bindings to a profile that was removed. */
  async forgetProfile(profileId: string): Promise<void> {
    const all = this.all();
    const uris = Object.keys(all).filter((uri) => all[uri].profileId === profileId);
    for (const uri of uris) delete all[uri];
    await this.state.update(STATE_KEY, all);
    for (const uri of uris) this.changed.fire(vscode.Uri.parse(uri));
  }

  private all(): Record<string, Binding> {
    return { ...this.state.get<Record<string, Binding>>(STATE_KEY, {}) };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
