import { requestedBackend, startPageBackend } from './backend.js';
import { mountBackendChooser } from './backendChooser.js';
import { byId } from './dom.js';
import { mountEvaluation } from './evaluation/evaluationSection.js';
import { classEditor } from './explorer/classEditor.js';
import type { ClassWeights } from './explorer/classWeights.js';
import { mountTemperatureExplorer } from './explorer/temperatureExplorer.js';
import { mountLab } from './lab/labSection.js';
import { mountGumbelMaxSampler } from './sampler/gumbelMaxSampler.js';
import { Store } from './store.js';
import { mountVae } from './vae/vaeSection.js';

/** Starts TF.js, says which backend it runs on, then builds the sections. */
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

  const weights = new Store<ClassWeights>({ mode: 'probabilities', values: [0.5, 0.3, 0.2] });
  const explorer = byId('explorer');
  const explorerBody = byId('explorer-body');
  explorerBody.append(classEditor(weights.value, (next) => weights.set(next)));
  mountTemperatureExplorer(explorer, explorerBody, weights);
  mountGumbelMaxSampler(byId('sampler'), byId('sampler-body'), weights);
  mountLab(byId('lab'), byId('lab-body'));
  await mountVae(byId('vae'), byId('vae-body'));
  await mountEvaluation(byId('evaluation'), byId('evaluation-body'));
}

main().catch((error) => {
  const status = byId('backend-status');
  status.classList.add('error');
  status.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(error);
});
