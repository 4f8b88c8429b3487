import { element, numberField } from '../dom.js';
import { fieldMessage, readInteger, readNumber } from '../fieldCheck.js';

/** The slider's range in log10 τ: 0.05 (10^−1.3, rounded) to 10, in steps of 0.01 (×1.023). */
const LOG_MIN = -1.3;
const LOG_MAX = 1;

/** τ written with two significant decimals where it is small. */
export function formatTemperature(temperature: number): string {
  return temperature < 0.1 ? temperature.toFixed(3) : temperature.toFixed(2);
}

/** The temperature slider (log scale), the seed and the resample button. */
export interface TemperatureControls {
  element: HTMLElement;
  temperature: () => number;
  seed: () => number;
  /** Shows `temperature` and `seed` (already checked) in the controls and calls `onChange`. */
  set: (temperature: number, seed: number) => void;
}

/** The explorer's τ and seed. */
export interface TemperatureSettings {
  temperature: number;
  seed: number;
}

export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 10;
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * Builds the controls; `onChange` runs after every change of τ or the seed. τ is set with the slider
 * or typed in its box; a typed τ or seed that cannot be used gets an inline message and the figures
 * keep the last good value.
 */
export function temperatureControls(
  onChange: () => void,
  initial: TemperatureSettings = { temperature: 1, seed: 1 },
): TemperatureControls {
  const slider = element('input', {
    type: 'range',
    id: 'temperature',
    min: LOG_MIN,
    max: LOG_MAX,
    step: 0.01,
    value: Math.log10(initial.temperature),
  });
  const readout = element('output', { for: 'temperature', id: 'temperature-value' });
  const sliderLabel = element('label', { for: 'temperature' }, ['Temperature τ (log scale, 0.05 to 10): ']);
  let temperature = initial.temperature;
  const typed = numberField('τ', {
    min: MIN_TEMPERATURE,
    max: MAX_TEMPERATURE,
    step: 'any',
    value: initial.temperature,
    id: 'temperature-input',
    'aria-describedby': 'temperature-input-message',
  });
  const typedMessage = fieldMessage('temperature-input-message', () => [typed.input]);
  const showTemperature = () => {
    const text = `τ = ${formatTemperature(temperature)}`;
    readout.textContent = text;
    slider.setAttribute('aria-valuetext', text);
  };
  const seed = numberField('Seed', {
    min: 0,
    step: 1,
    value: initial.seed,
    id: 'seed',
    'aria-describedby': 'seed-message',
  });
  const seedMessage = fieldMessage('seed-message', () => [seed.input]);
  let seedValue = initial.seed;
  const resample = element('button', { type: 'button', id: 'resample' }, ['Resample']);
  slider.addEventListener('input', () => {
    temperature = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, 10 ** Number(slider.value)));
    typed.input.value = formatTemperature(temperature);
    typedMessage.clear();
    showTemperature();
    onChange();
  });
  typed.input.addEventListener('input', () => {
    const read = readNumber(typed.input);
    const problem =
      'problem' in read
        ? read.problem
        : read.value < MIN_TEMPERATURE || read.value > MAX_TEMPERATURE
          ? `τ must be from ${MIN_TEMPERATURE} to ${MAX_TEMPERATURE}`
          : undefined;
    if (problem !== undefined || !('value' in read)) {
      typedMessage.show(problem ?? 'not a number');
      return;
    }
    typedMessage.clear();
    temperature = read.value;
    slider.value = String(Math.log10(temperature));
    showTemperature();
    onChange();
  });
  seed.input.addEventListener('input', () => {
    const value = readInteger(seed.input, seedMessage, 0, MAX_SEED, 'the seed');
    if (value === undefined) return;
    seedValue = value;
    onChange();
  });
  resample.addEventListener('click', () => {
    seedValue = seedValue < MAX_SEED ? seedValue + 1 : 0;
    seed.input.value = String(seedValue);
    seedMessage.clear();
    onChange();
  });
  showTemperature();
  const sliderField = element('div', { class: 'field' }, [
    element('span', {}, [sliderLabel, readout]),
    slider,
  ]);
  return {
    element: element('div', { class: 'controls' }, [
      sliderField,
      typed.label,
      seed.label,
      resample,
      typedMessage.element,
      seedMessage.element,
    ]),
    temperature: () => temperature,
    seed: () => seedValue,
    set(nextTemperature, nextSeed) {
      temperature = nextTemperature;
      seedValue = nextSeed;
      slider.value = String(Math.log10(temperature));
      typed.input.value = String(temperature);
      seed.input.value = String(seedValue);
      typedMessage.clear();
      seedMessage.clear();
      showTemperature();
      onChange();
    },
  };
}
