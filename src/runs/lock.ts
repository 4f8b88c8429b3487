/**
 * An exclusive lock on a run folder (Node only), so two trainers never write into one folder.
 *
 * The lock is a file, `run.lock`, holding its owner's pid, host and a random token. It appears
 * atomically with its contents: the owner writes a private file first and hard-links it to the
 * lock's name, which fails when the name exists (link(2) is atomic, as O_EXCL is, and a reader
 * never sees a lock without its contents). A lock whose owner ran on this host and no longer
 * exists is stale: one process takes it over (guarded by a per-token claim file, so two
 * processes taking over the same stale lock cannot both win), with a one-line notice.
 *
 * No library is used: `proper-lockfile` (the common choice) decides staleness by an mtime that
 * the owner refreshes on a timer, which a long synchronous training step or evaluation would stop,
 * and it records no pid; the pid check is what makes "the owner is gone" exact here.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = 'run.lock';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Random, unique to one acquisition. */
  token: string;
}

/** The run folder is in use by another live process (or one on another host). */
export class RunLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly owner: LockOwner,
  ) {
    const where = owner.host === hostname() ? '' : ` on host ${owner.host}`;
    super(
      `${folder} is in use by process ${owner.pid}${where} (since ${owner.since}); wait for it to end` +
        ` or stop it${where ? `, or delete ${join(folder, LOCK_FILE)} if that process is gone` : ''}`,
    );
    this.name = 'RunLockedError';
  }
}

/** Whether a process with this pid exists on this host (EPERM means it exists but is not ours). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's owner; undefined when there is no lock file, 'unreadable' when it is not one of ours. */
function readOwner(path: string): LockOwner | 'unreadable' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (Number.isInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.token === 'string') {
      return owner;
    }
  } catch {
    // not JSON
  }
  return 'unreadable';
}

function tokenOf(path: string): string | undefined {
  const owner = readOwner(path);
  return typeof owner === 'object' ? owner.token : undefined;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Blocks this thread for `milliseconds` (acquiring is synchronous, and waits only in a race). */
function sleepSync(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** A held lock on a run folder; {@link RunLock.release} (or the process's exit) gives it back. */
export class RunLock {
  private held = true;
  private readonly releaseOnExit = () => this.release();

  private constructor(
    readonly folder: string,
    readonly owner: LockOwner,
  ) {
    process.once('exit', this.releaseOnExit);
  }

  /**
   * Takes the lock of `folder` (which must exist), taking over a stale one with a notice through
   * `notify` (default: one line on stderr).
   *
   * @throws {RunLockedError} when a live process holds it.
   */
  static acquire(folder: string, notify: (message: string) => void = (m) => console.error(m)): RunLock {
    const path = join(folder, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    const draft = `${path}.${owner.token}`;
    writeFileSync(draft, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          linkSync(draft, path);
          return new RunLock(folder, owner);
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
        const current = readOwner(path);
        if (current === undefined) continue; // released meanwhile: try again
        if (current === 'unreadable') {
          throw new Error(`${path} is not a lock this library wrote; delete it if no trainer uses ${folder}`);
        }
        if (current.host !== owner.host || processExists(current.pid)) {
          throw new RunLockedError(folder, current);
        }
        if (RunLock.takeOver(path, draft, current)) {
          notify(
            `note: ${folder} was locked by process ${current.pid}, which has ended; taking the lock over`,
          );
          return new RunLock(folder, owner);
        }
        sleepSync(5); // another process is taking it over: look again when it is done
      }
      throw new Error(`${path}: the lock kept changing hands; try again`);
    } finally {
      unlinkQuietly(draft);
    }
  }

  /**
   * Replaces the stale lock of `stale` by ours (the `draft` file). Only the process that creates the
   * claim file of the stale token may replace it, and only if the lock still holds that token.
   */
  private static takeOver(path: string, draft: string, stale: LockOwner): boolean {
    const claim = `${path}.takeover-${stale.token}`;
    try {
      linkSync(draft, claim); // atomic, and born with our pid in it
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      const claimant = readOwner(claim);
      if (typeof claimant === 'object' && !processExists(claimant.pid)) unlinkQuietly(claim); // died mid-takeover
      return false;
    }
    try {
      if (tokenOf(path) !== stale.token) return false;
      renameSync(draft, path);
      return true;
    } finally {
      unlinkQuietly(claim);
    }
  }

  /** Whether this process still holds the lock (it has not been released or taken from it). */
  get isHeld(): boolean {
    return this.held && tokenOf(join(this.folder, LOCK_FILE)) === this.owner.token;
  }

  /** Gives the lock back (removes the lock file if it is still ours). Safe to call twice. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.releaseOnExit);
    const path = join(this.folder, LOCK_FILE);
    try {
      if (tokenOf(path) === this.owner.token) unlinkQuietly(path);
    } catch {
      // the folder went away or became unreadable: nothing left to give back
    }
  }
}
