/**
 * The Node-only part of gumbel-softmax (`import … from 'gumbel-softmax/node'`): data files, the
 * VAE trainer with its run folders and checkpoints, training on worker threads,
 * saved models on disk, and PNG pictures. The main entry point stays free of Node modules so it
 * runs in a browser.
 * @packageDocumentation
 */
export * from './data/index.js';
export type { CheckpointContents, NamedArray } from './runs/checkpointFormat.js';
export { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './runs/checkpointFormat.js';
export type { StepMetrics } from './runs/runFolder.js';
export { RUN_FILES, RunFolder } from './runs/runFolder.js';
export type { TrainConfig } from './vae/config.js';
export { checkTrainConfig, DEFAULT_TRAIN_CONFIG, MAX_WORKERS } from './vae/config.js';
export type { RunSummary } from './vae/finish.js';
export { finishRun } from './vae/finish.js';
export * from './vae/parallel/index.js';
export type { SplitScores } from './vae/report.js';
export { scoreSplit } from './vae/report.js';
export type { SaveVaeOptions } from './vae/savedModel.js';
export { loadLayersModelFromFolder, loadVae, MODEL_FILES, saveVae, toLayersModel } from './vae/savedModel.js';
export type { RunData, TrainerState } from './vae/trainer.js';
export { prepareRunData, VaeTrainer } from './vae/trainer.js';
export * from './viz/index.js';
