/**
 * The Node-only part of gumbel-softmax (`import … from 'gumbel-softmax/node'`): data files, the
 * VAE trainer with its run folders and checkpoints, training on worker threads, saved models on
 * disk (any layers model: `fileSystemHandler`), and PNG pictures. The main entry point stays free
 * of Node modules so it runs in a browser.
 * @packageDocumentation
 */
export * from './data/index.js';
export {
  FILE_SCHEME,
  fileSystemHandler,
  MODEL_FOLDER_FILES,
  registerFileSystemRouter,
} from './io/fileSystem.js';
export { enableRelaxedSimd, relaxedSimdValidates } from './nodeWasmFeatures.js';
export type { CheckpointContents, NamedArray } from './runs/checkpointFormat.js';
export { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './runs/checkpointFormat.js';
export type { LockOwner } from './runs/lock.js';
export { LOCK_FILE, RunLock, RunLockedError } from './runs/lock.js';
export type { StepMetrics } from './runs/runFolder.js';
export { RUN_FILES, RunFolder, RunWriteError } from './runs/runFolder.js';
export type { TrainConfig } from './vae/config.js';
export { checkTrainConfig, DEFAULT_TRAIN_CONFIG, MAX_WORKERS } from './vae/config.js';
export type { FinishRunOptions, RunSummary } from './vae/finish.js';
export { finishRun } from './vae/finish.js';
export * from './vae/parallel/index.js';
export type { SplitScores } from './vae/report.js';
export { scoreSplit } from './vae/report.js';
export type { SaveVaeOptions } from './vae/savedModel.js';
export {
  loadLayersModelFromFolder,
  loadVae,
  MODEL_FILES,
  readSavedVae,
  saveVae,
  toLayersModel,
} from './vae/savedModel.js';
export type { RunData, TrainerState } from './vae/trainer.js';
export { prepareRunData, VaeTrainer } from './vae/trainer.js';
export * from './viz/index.js';
