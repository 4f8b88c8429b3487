/** Argument checks shared by the picture writers. */
import { ArgumentError } from '../validate.js';

/** Checks `value` is a safe integer >= `minimum`, or throws an {@link ArgumentError} naming `name`. */
export function checkInteger(value: number, name: string, minimum: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new ArgumentError(name, `must be an integer >= ${minimum}, got ${String(value)}`);
  }
}

/** Checks `value` is a finite number, or throws an {@link ArgumentError} naming `name`. */
export function checkFiniteNumber(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(name, `must be a finite number, got ${String(value)}`);
  }
}
