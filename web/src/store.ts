/** A value that several sections read and one edits; subscribers hear every change. */
export class Store<T> {
  private readonly listeners: ((value: T) => void)[] = [];

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    this.current = value;
    for (const listener of this.listeners) listener(value);
  }

  subscribe(listener: (value: T) => void): void {
    this.listeners.push(listener);
  }
}
