import { activeBackend } from '../backend.js';
import { RUN_FILES } from '../runs/runFolder.js';
import type { TrainConfig } from './config.js';
import {
  type SplitScores,
  scoreSplit,
  writeCurvesPicture,
  writeReconstructionsPicture,
  writeSamplesPicture,
} from './report.js';
import { saveVae } from './savedModel.js';
import type { VaeTrainer } from './trainer.js';

/** What `summary.json` holds. */
export interface RunSummary {
  config: TrainConfig;
  backend: string;
  steps: number;
  /** The step whose parameters were kept (best validation −ELBO) and evaluated. */
  bestStep: number;
  bestValidationNegativeElbo: number | null;
  train: SplitScores;
  test: SplitScores;
  timings: { trainingSeconds: number; stepsPerSecond: number; evaluationSeconds: number };
}

/**
 * Ends a run: loads the best parameters by validation −ELBO, scores the train subset and the test
 * set (discretized −ELBO and the m-sample importance-weighted −log p(x)), and writes summary.json,
 * the layers model, samples.png, reconstructions.png and curves.png.
 */
export async function finishRun(trainer: VaeTrainer): Promise<RunSummary> {
  const { config } = trainer.state;
  trainer.loadBest();
  const started = performance.now();
  const trainLimit = config.evalTrainLimit > 0 ? config.evalTrainLimit * 784 : trainer.data.trainFixed.length;
  const train = scoreSplit(
    trainer.model,
    trainer.data.trainFixed.subarray(0, trainLimit),
    config.iwSamples,
    11,
  );
  const test = scoreSplit(trainer.model, trainer.data.test, config.iwSamples, 13);
  const evaluationSeconds = (performance.now() - started) / 1000;
  const summary: RunSummary = {
    config,
    backend: activeBackend(),
    steps: trainer.state.step,
    bestStep: trainer.state.bestStep,
    bestValidationNegativeElbo: trainer.state.bestValidation,
    train,
    test,
    timings: {
      trainingSeconds: trainer.state.trainingSeconds,
      stepsPerSecond: trainer.state.step / Math.max(trainer.state.trainingSeconds, 1e-9),
      evaluationSeconds,
    },
  };
  const { folder } = trainer;
  folder.writeJson(RUN_FILES.summary, summary);
  await saveVae(trainer.model, folder.path, trainer.temperature);
  writeSamplesPicture(trainer.model, folder, config.seed);
  writeReconstructionsPicture(trainer.model, folder, trainer.data.test);
  writeCurvesPicture(folder, folder.readMetrics());
  return summary;
}
