// Events without vscode, shaped like vscode's: a vscode.Event can be passed where an Event is asked
// for, and an Event can be subscribed to like a vscode.Event, so the app layer runs in plain Node.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: ((e: T) => void)[] = [];

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(e: T): void {
    // A listener may unsubscribe (or subscribe another) while the event is delivered.
    for (const listener of [...this.listeners]) listener(e);
  }

  dispose(): void {
    this.listeners = [];
  }
}
