import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, RunLock, RunLockedError } from '../../src/runs/lock.js';
import { RunFolder } from '../../src/runs/runFolder.js';

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'gumbel-lock-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const fixture = new URL('./fixtures/holdLock.ts', import.meta.url).pathname;

/** The pid of a process that has ended (a child that exited), so certainly not alive. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

function writeLock(folder: string, owner: { pid: number; host: string; token: string }): void {
  writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ ...owner, since: '2026-01-01T00:00:00Z' }));
}

/**
 * Starts `count` children that all try to lock `folder` at the same moment; when every child has
 * said what happened, lets the winner release and resolves with their outputs.
 */
async function race(folder: string, count: number): Promise<string[]> {
  const startAt = Date.now() + 3000; // after every child has loaded
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', fixture, folder, String(startAt)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout?.on('data', (chunk) => {
            out += chunk;
            if (/^(locked|refused|failed)/m.test(out)) resolve(out.trim());
          });
          child.on('exit', () => resolve(out.trim()));
        }),
    ),
  );
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null
        ? undefined
        : new Promise((resolve) => {
            child.on('exit', resolve);
            child.stdin?.end();
          }),
    ),
  );
  return outputs;
}

describe('RunLock', () => {
  it('holds the owner’s pid and host, refuses a second owner by pid, and is gone after release', () => {
    const folder = freshFolder();
    const lock = RunLock.acquire(folder);
    const owner = JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8'));
    expect(owner.pid).toBe(process.pid);
    expect(owner.host).toBe(hostname());
    expect(lock.isHeld).toBe(true);
    expect(() => RunLock.acquire(folder)).toThrow(RunLockedError);
    expect(() => RunLock.acquire(folder)).toThrow(`${folder} is in use by process ${process.pid}`);
    lock.release();
    lock.release(); // twice is fine
    expect(readdirSync(folder)).toEqual([]);
    RunLock.acquire(folder).release();
  });

  it('takes over a lock whose process has ended, with a one-line notice', () => {
    const folder = freshFolder();
    const pid = deadPid();
    writeLock(folder, { pid, host: hostname(), token: 'stale' });
    const notices: string[] = [];
    const lock = RunLock.acquire(folder, (notice) => notices.push(notice));
    expect(notices).toEqual([
      `note: ${folder} was locked by process ${pid}, which has ended; taking the lock over`,
    ]);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(readdirSync(folder)).toEqual([]); // no draft or claim files left behind
  });

  it('never takes over a lock of another host (its pid cannot be checked) and says how to clear it', () => {
    const folder = freshFolder();
    writeLock(folder, { pid: deadPid(), host: 'another-machine', token: 'remote' });
    expect(() => RunLock.acquire(folder)).toThrow(
      /on host another-machine .*delete .*run\.lock if that process is gone/,
    );
  });

  it('names a lock file it did not write instead of guessing', () => {
    const folder = freshFolder();
    writeFileSync(join(folder, LOCK_FILE), 'garbage');
    expect(() => RunLock.acquire(folder)).toThrow(
      `${join(folder, LOCK_FILE)} is not a lock this library wrote`,
    );
  });

  it('does not remove a lock that another process owns now', () => {
    const folder = freshFolder();
    const lock = RunLock.acquire(folder);
    writeLock(folder, { pid: process.pid, host: hostname(), token: 'someone-else' });
    expect(lock.isHeld).toBe(false);
    lock.release();
    expect(readdirSync(folder)).toEqual([LOCK_FILE]);
  });

  it('eight processes locking one folder at the same moment: exactly one wins, the others name its pid', async () => {
    const folder = freshFolder();
    const outputs = await race(folder, 8);
    expect(outputs.filter((out) => out === 'locked')).toHaveLength(1);
    const refused = outputs.filter((out) => out.startsWith('refused:'));
    expect(refused).toHaveLength(7);
    for (const line of refused) expect(line).toMatch(new RegExp(`${folder} is in use by process \\d+`));
    expect(readdirSync(folder)).toEqual([]); // the winner released it
  });

  it('eight processes taking over one stale lock at the same moment: exactly one wins', async () => {
    const folder = freshFolder();
    const pid = deadPid();
    writeLock(folder, { pid, host: hostname(), token: 'stale' });
    const outputs = await race(folder, 8);
    const winners = outputs.filter((out) => out.endsWith('locked'));
    expect(winners).toHaveLength(1);
    expect(winners[0]).toContain(`locked by process ${pid}, which has ended`);
    expect(outputs.filter((out) => out.startsWith('refused:'))).toHaveLength(7);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('is given back when its process exits without releasing, and taken over after a SIGKILL', async () => {
    const folder = freshFolder();
    const exited = spawnSync(process.execPath, ['--import', 'tsx', fixture, folder, '0', 'exit'], {
      encoding: 'utf8',
    });
    expect(exited.stdout.trim()).toBe('locked');
    expect(readdirSync(folder)).toEqual([]);

    const killed = spawn(process.execPath, ['--import', 'tsx', fixture, folder, '0'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => killed.stdout?.once('data', () => resolve()));
    expect(() => RunLock.acquire(folder)).toThrow(`in use by process ${killed.pid}`);
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.on('exit', resolve));
    const notices: string[] = [];
    RunLock.acquire(folder, (notice) => notices.push(notice)).release();
    expect(notices[0]).toContain(`locked by process ${killed.pid}, which has ended`);
  });

  it('RunFolder.openForWriting locks; a plain RunFolder (a reader) does not', () => {
    const path = freshFolder();
    const writer = RunFolder.openForWriting(path);
    expect(() => RunFolder.openForWriting(path)).toThrow(RunLockedError);
    expect(() => new RunFolder(path)).not.toThrow();
    writer.release();
    RunFolder.openForWriting(path).release();
  });
});
