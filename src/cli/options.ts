import { InvalidArgumentError } from 'commander';

/** A commander parser for integers ≥ `minimum`, with a one-line error naming the range. */
export function integerAtLeast(minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum) {
      throw new InvalidArgumentError(`must be an integer >= ${minimum}.`);
    }
    return parsed;
  };
}

/** A commander parser for integers in [`minimum`, `maximum`], with a one-line error naming the range. */
export function integerBetween(minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`must be an integer in [${minimum}, ${maximum}].`);
    }
    return parsed;
  };
}

/** A commander parser for finite numbers > 0. */
export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a finite number > 0.');
  return parsed;
}

/** A commander parser for finite numbers ≥ 0. */
export function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('must be a finite number >= 0.');
  return parsed;
}

/** A commander parser accepting one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!choices.includes(value as T))
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}.`);
    return value as T;
  };
}

/** A commander parser for finite numbers (any sign). */
export function finiteNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new InvalidArgumentError('must be a finite number.');
  return parsed;
}

/** A commander parser for numbers in [0, 1). */
export function fractionBelowOne(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed < 1))
    throw new InvalidArgumentError('must be a number in [0, 1).');
  return parsed;
}

/** A commander parser for a comma-separated list, each item parsed by `item`. */
export function listOf<T>(item: (value: string) => T): (value: string) => T[] {
  return (value) => value.split(',').map((part) => item(part.trim()));
}
