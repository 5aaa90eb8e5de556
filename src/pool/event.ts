/**
 * A minimal typed event, in the shape of VS Code's `Event<T>`: subscribing returns something to
 * dispose, so the host can put pool subscriptions into its DisposableStores unchanged. src/pool
 * cannot import vscode, so this is its own.
 */

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  /** Calls every listener; one that throws does not stop the others (nor the pool's own work). */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A listener's failure is its own: the pool's state machine must not be interrupted by it.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
