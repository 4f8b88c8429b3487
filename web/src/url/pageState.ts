import {
  DEFAULT_NORMAL,
  MU_RANGE,
  type NormalSettings,
  SAMPLE_CHOICES,
  SIGMA_RANGE,
} from '../backprop/normalSettings.js';
import { type ClassWeights, problemWith } from '../explorer/classWeights.js';
import { MAX_SEED, MAX_TEMPERATURE, MIN_TEMPERATURE } from '../explorer/temperatureControls.js';

/** The page's sections in the lecture's order (their element ids). */
export const SECTION_IDS = [
  'backprop',
  'gumbel-noise',
  'sampler',
  'explorer',
  'straight-through',
  'lab',
  'vae',
  'evaluation',
] as const;

/**
 * The settings a shared link carries: π, τ and seed of the explorer, μ, σ and N of the backprop
 * section, and the section in view.
 */
export interface PageState {
  weights: ClassWeights;
  temperature: number;
  seed: number;
  normal: NormalSettings;
  /** A section id, or '' for the top of the page. */
  section: string;
}

/** The page as it opens without settings in its address. */
export const DEFAULT_STATE: PageState = {
  weights: { mode: 'probabilities', values: [0.5, 0.3, 0.2] },
  temperature: 1,
  seed: 1,
  normal: DEFAULT_NORMAL,
  section: '',
};

/** The query parameters the state uses (any other, such as `backend`, is left alone). */
const KEYS = ['pi', 'logits', 'tau', 'seed', 'mu', 'sigma', 'n'] as const;

/** The state in `search` (a query string) and `hash`, and which parameters were unusable and ignored. */
export function parsePageState(search: string, hash: string): { state: PageState; ignored: string[] } {
  const params = new URLSearchParams(search);
  const ignored: string[] = [];
  const read = <T>(key: string, parse: (text: string) => T | undefined, fallback: T): T => {
    const text = params.get(key);
    if (text === null) return fallback;
    const value = parse(text);
    if (value === undefined) ignored.push(key);
    return value ?? fallback;
  };
  const weightsIn = (mode: ClassWeights['mode']) => (text: string) => {
    const values = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
    return problemWith(mode, values) === undefined ? { mode, values } : undefined;
  };
  const logits = read('logits', weightsIn('logits'), undefined);
  const section = decodeURIComponent(hash.replace(/^#/, ''));
  return {
    state: {
      weights: read('pi', weightsIn('probabilities'), logits ?? DEFAULT_STATE.weights),
      temperature: read('tau', (text) => inRange(Number(text), MIN_TEMPERATURE, MAX_TEMPERATURE), 1),
      seed: read(
        'seed',
        (text) => (/^\d+$/.test(text) ? inRange(Number(text), 0, MAX_SEED) : undefined),
        DEFAULT_STATE.seed,
      ),
      normal: {
        mu: read('mu', (text) => tenths(inRange(Number(text), ...MU_RANGE)), DEFAULT_NORMAL.mu),
        sigma: read('sigma', (text) => tenths(inRange(Number(text), ...SIGMA_RANGE)), DEFAULT_NORMAL.sigma),
        samples: read(
          'n',
          (text) => (SAMPLE_CHOICES.includes(Number(text)) ? Number(text) : undefined),
          DEFAULT_NORMAL.samples,
        ),
      },
      section: (SECTION_IDS as readonly string[]).includes(section) ? section : '',
    },
    ignored,
  };
}

function inRange(value: number, min: number, max: number): number | undefined {
  return Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/** `value` rounded to the sliders' step of 0.1. */
function tenths(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 10) / 10;
}

/**
 * The address for `state`: `search`'s other parameters kept (e.g. `backend`), settings equal to the
 * defaults left out, the section as the hash. Returns the query string and hash (`?…#…`, or '').
 */
export function pageStateAddress(state: PageState, search: string): string {
  const params = new URLSearchParams(search);
  for (const key of KEYS) params.delete(key);
  const { weights } = state;
  const defaults = DEFAULT_STATE.weights;
  const sameWeights =
    weights.mode === defaults.mode &&
    weights.values.length === defaults.values.length &&
    weights.values.every((value, k) => value === defaults.values[k]);
  if (!sameWeights) params.set(weights.mode === 'probabilities' ? 'pi' : 'logits', weights.values.join(','));
  if (state.temperature !== DEFAULT_STATE.temperature) params.set('tau', String(state.temperature));
  if (state.seed !== DEFAULT_STATE.seed) params.set('seed', String(state.seed));
  const { mu, sigma, samples } = state.normal;
  if (mu !== DEFAULT_NORMAL.mu) params.set('mu', String(tenths(mu)));
  if (sigma !== DEFAULT_NORMAL.sigma) params.set('sigma', String(tenths(sigma)));
  if (samples !== DEFAULT_NORMAL.samples) params.set('n', String(samples));
  const query = params.toString().replaceAll('%2C', ',');
  return `${query === '' ? '' : `?${query}`}${state.section === '' ? '' : `#${state.section}`}`;
}
