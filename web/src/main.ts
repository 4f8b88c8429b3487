import { requestedBackend, startPageBackend } from './backend.js';
import { mountBackendChooser } from './backendChooser.js';
import { mountBackprop } from './backprop/backpropSection.js';
import { byId, element } from './dom.js';
import { mountEvaluation } from './evaluation/evaluationSection.js';
import { classEditor } from './explorer/classEditor.js';
import type { ClassWeights } from './explorer/classWeights.js';
import { mountTemperatureExplorer } from './explorer/temperatureExplorer.js';
import { mountLab } from './lab/labSection.js';
import { mountGumbelNoise } from './noise/noiseSection.js';
import { mountGumbelMaxSampler } from './sampler/gumbelMaxSampler.js';
import { Store } from './store.js';
import { mountStraightThrough } from './straightThrough/straightThroughSection.js';
import { parsePageState } from './url/pageState.js';
import { mountShareableState } from './url/shareableState.js';
import { mountVae } from './vae/vaeSection.js';

/** Starts TF.js, says which backend it runs on, then builds the sections in the lecture's order. */
async function main(): Promise<void> {
  const status = byId('backend-status');
  // Mounted first, so a reader can switch away from a backend that fails to start.
  mountBackendChooser(
    byId('backend-chooser'),
    new URLSearchParams(window.location.search).get('backend') ?? '',
  );
  const requested = requestedBackend(window.location.search);
  const backend = await startPageBackend(requested);
  status.textContent =
    `TensorFlow.js backend: ${backend.name}, ${backend.description}` +
    (backend.forced ? ' (chosen in the address).' : '.') +
    (backend.skipped.length > 0 ? ` Passed over: ${backend.skipped.join('; ')}.` : '');
  document.body.dataset.backend = backend.name;

  const { state: initial, ignored } = parsePageState(window.location.search, window.location.hash);
  const weights = new Store<ClassWeights>(initial.weights);
  const editorSlot = element('div');
  const showWeights = (shown: ClassWeights) =>
    editorSlot.replaceChildren(classEditor(shown, (next) => weights.set(next)));
  showWeights(weights.value);
  const share = mountShareableState({
    container: byId('share-controls'),
    initial,
    ignored,
    weights,
    showWeights,
  });

  const backprop = mountBackprop(byId('backprop'), byId('backprop-body'), initial.normal, (normal) =>
    share.settingsChanged({ normal }),
  );
  mountGumbelNoise(byId('gumbel-noise'), byId('gumbel-noise-body'));
  byId('sampler-body').append(editorSlot);
  mountGumbelMaxSampler(byId('sampler'), byId('sampler-body'), weights);
  const explorer = mountTemperatureExplorer(
    byId('explorer'),
    byId('explorer-body'),
    weights,
    initial,
    share.settingsChanged,
  );
  mountStraightThrough(byId('straight-through'), byId('straight-through-body'), weights);
  mountLab(byId('lab'), byId('lab-body'));
  share.connect({ explorer, backprop });
  await mountVae(byId('vae'), byId('vae-body'));
  await mountEvaluation(byId('evaluation'), byId('evaluation-body'));
  share.followSections();
}

main().catch((error) => {
  const status = byId('backend-status');
  status.classList.add('error');
  status.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(error);
});
