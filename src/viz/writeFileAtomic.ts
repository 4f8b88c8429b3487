/**
 * Crash-safe file writes (Node only), so a run killed mid-write never leaves a truncated picture or
 * log behind. Wraps npm's `write-file-atomic` (the package npm itself writes its files with).
 */
import writeFileAtomicLibrary from 'write-file-atomic';
import { ArgumentError } from '../validate.js';

/** What {@link writeFileAtomic} writes: text (as UTF-8) or bytes. */
export type FileContents = string | Uint8Array;

function checkArguments(path: string, data: FileContents): string | Buffer {
  if (typeof path !== 'string' || path === '') {
    throw new ArgumentError(
      'path',
      `must be a non-empty string, got ${typeof path === 'string' ? "''" : typeof path}`,
    );
  }
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new ArgumentError('data', `must be a string or a Uint8Array (e.g. a Buffer), got ${typeof data}`);
}

/**
 * Writes `data` to `path` atomically: into a uniquely named temporary file beside `path`, flushed
 * to disk (fsync), then renamed over `path`, so `path` always holds either its old contents or all
 * of `data`, never part. The temporary file is removed if the write fails or the process exits
 * first (on signals too); concurrent writes to the same path from this process run one after the
 * other. An existing file keeps its mode and owner. The folder must exist.
 *
 * @throws {ArgumentError} (synchronously) for a path that is not a non-empty string or data that is
 *   neither a string nor bytes; the promise rejects with the file system's error otherwise.
 */
export function writeFileAtomic(path: string, data: FileContents): Promise<void> {
  const contents = checkArguments(path, data);
  return writeFileAtomicLibrary(path, contents, { fsync: true });
}

/** {@link writeFileAtomic}, blocking until the file is in place. */
export function writeFileAtomicSync(path: string, data: FileContents): void {
  writeFileAtomicLibrary.sync(path, checkArguments(path, data), { fsync: true });
}
