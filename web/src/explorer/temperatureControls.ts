import { element, numberField } from '../dom.js';

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
}

/** Builds the controls; `onChange` runs after every change of τ or the seed. */
export function temperatureControls(onChange: () => void): TemperatureControls {
  const slider = element('input', {
    type: 'range',
    id: 'temperature',
    min: LOG_MIN,
    max: LOG_MAX,
    step: 0.01,
    value: 0,
  });
  const readout = element('output', { for: 'temperature', id: 'temperature-value' });
  const sliderLabel = element('label', { for: 'temperature' }, ['Temperature τ (log scale, 0.05 to 10): ']);
  const temperature = () => Math.min(10, Math.max(0.05, 10 ** Number(slider.value)));
  const showTemperature = () => {
    const text = `τ = ${formatTemperature(temperature())}`;
    readout.textContent = text;
    slider.setAttribute('aria-valuetext', text);
  };
  const seed = numberField('Seed', { min: 0, step: 1, value: 1, id: 'seed' });
  const resample = element('button', { type: 'button', id: 'resample' }, ['Resample']);
  const seedValue = () => {
    const value = Number(seed.input.value);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  };
  slider.addEventListener('input', () => {
    showTemperature();
    onChange();
  });
  seed.input.addEventListener('input', () => {
    seed.input.setAttribute('aria-invalid', String(String(seedValue()) !== seed.input.value));
    onChange();
  });
  resample.addEventListener('click', () => {
    seed.input.value = String(seedValue() + 1);
    seed.input.setAttribute('aria-invalid', 'false');
    onChange();
  });
  showTemperature();
  const sliderField = element('div', { class: 'field' }, [
    element('span', {}, [sliderLabel, readout]),
    slider,
  ]);
  return {
    element: element('div', { class: 'controls' }, [sliderField, seed.label, resample]),
    temperature,
    seed: seedValue,
  };
}
