import type { NormalSettings } from '../backprop/normalSettings.js';
import { element } from '../dom.js';
import type { ClassWeights } from '../explorer/classWeights.js';
import type { TemperatureControls } from '../explorer/temperatureControls.js';
import type { Store } from '../store.js';
import { DEFAULT_STATE, type PageState, pageStateAddress, SECTION_IDS } from './pageState.js';

/** Wait after the last change before the address is rewritten (browsers throttle history writes). */
const WRITE_DELAY_MS = 250;

/** What {@link mountShareableState} keeps in the address and resets. */
export interface ShareableParts {
  /** Where the reset button and the note about unusable parameters go. */
  container: HTMLElement;
  /** The state the page opened with, and the parameters it could not use. */
  initial: PageState;
  ignored: string[];
  weights: Store<ClassWeights>;
  /** Rebuilds the class editor showing `weights` (the editor reads its values only when built). */
  showWeights: (weights: ClassWeights) => void;
}

/** The sections whose settings the reset button restores. */
export interface ResettableSections {
  explorer: TemperatureControls;
  backprop: { set: (settings: NormalSettings) => void };
}

/**
 * Keeps the address in step with the settings (π, τ, seed, μ, σ, N as the query, the section in
 * view as the hash) so a link restores the picture; adds the reset button. Returns what the sections
 * call when their settings change, `connect`, which gives the reset button the sections' controls,
 * and `followSections`, which scrolls to the linked section (call it once the page is drawn) and
 * from then on records the section in view.
 */
export function mountShareableState(parts: ShareableParts): {
  settingsChanged: (settings: Partial<PageState>) => void;
  connect: (sections: ResettableSections) => void;
  followSections: () => void;
} {
  const state: PageState = { ...parts.initial };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const address = pageStateAddress(state, window.location.search);
      window.history.replaceState(null, '', address === '' ? window.location.pathname : address);
    }, WRITE_DELAY_MS);
  };
  parts.weights.subscribe((weights) => {
    state.weights = weights;
    write();
  });
  const reset = element('button', { type: 'button', id: 'reset-settings', class: 'secondary' }, [
    'Reset settings',
  ]);
  parts.container.append(reset);
  if (parts.ignored.length > 0) {
    parts.container.append(
      element('p', { class: 'status', id: 'address-note', role: 'status' }, [
        `The address's ${parts.ignored.join(', ')} could not be used; the page starts from the defaults there.`,
      ]),
    );
  }
  return {
    settingsChanged(settings) {
      Object.assign(state, settings);
      write();
    },
    connect({ explorer, backprop }) {
      reset.addEventListener('click', () => {
        parts.showWeights(DEFAULT_STATE.weights);
        parts.weights.set(DEFAULT_STATE.weights);
        explorer.set(DEFAULT_STATE.temperature, DEFAULT_STATE.seed);
        backprop.set(DEFAULT_STATE.normal);
      });
    },
    followSections() {
      if (state.section !== '') document.getElementById(state.section)?.scrollIntoView();
      trackSection((section) => {
        state.section = section;
        write();
      });
    },
  };
}

/** Calls `onSection` with the id of the first section in the top third of the window ('' for none). */
function trackSection(onSection: (section: string) => void): void {
  const visible = new Set<string>();
  let current: string | undefined;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) visible.add(entry.target.id);
        else visible.delete(entry.target.id);
      }
      const next = SECTION_IDS.find((id) => visible.has(id)) ?? '';
      if (next !== current) {
        if (current !== undefined) onSection(next);
        current = next;
      }
    },
    { rootMargin: '0px 0px -66% 0px' },
  );
  for (const id of SECTION_IDS) {
    const section = document.getElementById(id);
    if (section !== null) observer.observe(section);
  }
}
