import { ArgumentError, checkPositiveNumber } from '../validate.js';

/** A temperature schedule: τ as a function of the number of training steps done. */
export type TemperatureSchedule =
  | { kind: 'constant'; initial: number }
  | {
      /** τ = max(minimum, initial·exp(−rate·t)), t rounded down to a multiple of `interval` (Jang et al. 2017). */
      kind: 'exponential';
      initial: number;
      minimum: number;
      rate: number;
      interval: number;
    }
  | {
      /** τ falls linearly from `initial` to `minimum` over `steps` steps, then stays at `minimum`. */
      kind: 'linear';
      initial: number;
      minimum: number;
      steps: number;
      interval: number;
    };

/** The paper's schedule: τ0 = 1, τ_min = 0.5, r = 3e−5, updated every 1000 steps. */
export const DEFAULT_SCHEDULE: TemperatureSchedule = {
  kind: 'exponential',
  initial: 1,
  minimum: 0.5,
  rate: 3e-5,
  interval: 1000,
};

/** Checks a schedule's numbers, naming the bad field. */
export function checkSchedule(schedule: TemperatureSchedule): void {
  checkPositiveNumber(schedule.initial, 'temperature');
  if (schedule.kind === 'constant') return;
  checkPositiveNumber(schedule.minimum, 'minTemperature');
  if (!Number.isInteger(schedule.interval) || schedule.interval < 1) {
    throw new ArgumentError('anneal interval', `must be an integer >= 1, got ${schedule.interval}`);
  }
  if (schedule.kind === 'exponential' && !(schedule.rate >= 0 && Number.isFinite(schedule.rate))) {
    throw new ArgumentError('anneal rate', `must be a finite number >= 0, got ${schedule.rate}`);
  }
  if (schedule.kind === 'linear' && (!Number.isInteger(schedule.steps) || schedule.steps < 1)) {
    throw new ArgumentError('anneal steps', `must be an integer >= 1, got ${schedule.steps}`);
  }
}

/** τ after `step` training steps. */
export function temperatureAt(schedule: TemperatureSchedule, step: number): number {
  if (schedule.kind === 'constant') return schedule.initial;
  const annealedStep = Math.floor(step / schedule.interval) * schedule.interval;
  if (schedule.kind === 'exponential') {
    return Math.max(schedule.minimum, schedule.initial * Math.exp(-schedule.rate * annealedStep));
  }
  const fraction = Math.min(1, annealedStep / schedule.steps);
  return schedule.initial + (schedule.minimum - schedule.initial) * fraction;
}
