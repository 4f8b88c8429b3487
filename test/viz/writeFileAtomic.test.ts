import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/viz/writeFileAtomic.js';
import { expectArgumentError } from './png.js';

const root = mkdtempSync(join(tmpdir(), 'gumbel-write-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
function newFolder(): string {
  const folder = join(root, `folder-${folders++}`);
  mkdirSync(folder);
  return folder;
}

describe('writeFileAtomic', () => {
  it('writes text and bytes (a view into a larger buffer too), leaving no temporary file', async () => {
    const folder = newFolder();
    await writeFileAtomic(join(folder, 'notes.txt'), 'τ = 0.5\n');
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('τ = 0.5\n');
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    await writeFileAtomic(join(folder, 'bytes.bin'), bytes.subarray(100, 200));
    expect(Array.from(readFileSync(join(folder, 'bytes.bin')))).toEqual(Array.from(bytes.subarray(100, 200)));
    writeFileAtomicSync(join(folder, 'sync.txt'), Buffer.from('sync'));
    expect(readFileSync(join(folder, 'sync.txt'), 'utf8')).toBe('sync');
    expect(readdirSync(folder).sort()).toEqual(['bytes.bin', 'notes.txt', 'sync.txt']);
  });

  it('replaces an existing file, keeping its mode', async () => {
    const folder = newFolder();
    const path = join(folder, 'plot.png');
    writeFileSync(path, 'old contents, longer than the new');
    chmodSync(path, 0o640);
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    writeFileAtomicSync(path, 'newer');
    expect(readFileSync(path, 'utf8')).toBe('newer');
    expect(readdirSync(folder)).toEqual(['plot.png']);
  });

  it('never lets a reader see a partly written file while it is rewritten over and over', async () => {
    const folder = newFolder();
    const path = join(folder, 'big.bin');
    const size = 1 << 20;
    // Version v is `size` bytes of the value v, so any mix of two versions or a short file shows.
    // (With a plain fs.promises.writeFile in place of writeFileAtomic this test fails every time.)
    const versions = Array.from({ length: 12 }, (_, version) => Buffer.alloc(size, version));
    writeFileSync(path, versions[0]);
    let writing = true;
    const writer = (async () => {
      for (const version of versions.slice(1)) await writeFileAtomic(path, version);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const contents = await readFile(path);
      expect(contents.length).toBe(size);
      expect(contents.equals(versions[contents[0]])).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(readFileSync(path).equals(versions[11])).toBe(true);
    expect(readdirSync(folder)).toEqual(['big.bin']);
  });

  it('leaves the target untouched and removes its temporary file when the write fails', async () => {
    const folder = newFolder();
    // Renaming a file over a non-empty folder fails after the temporary file was written.
    const target = join(folder, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'inside.txt'), 'kept');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(() => writeFileAtomicSync(target, 'data')).toThrow();
    expect(readFileSync(join(target, 'inside.txt'), 'utf8')).toBe('kept');
    expect(readdirSync(folder)).toEqual(['occupied']);
    // A missing folder is not created.
    await expect(writeFileAtomic(join(folder, 'missing', 'file.txt'), 'data')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(folder)).toEqual(['occupied']);
  });

  it('a write cut short (file-size limit, as a full disk does) fails and leaves the old file whole', () => {
    const folder = newFolder();
    const path = join(folder, 'checkpoint.bin');
    writeFileSync(path, 'the previous checkpoint');
    // Under `ulimit -f 64` (KiB) the kernel writes the first 64 KiB of 256 KiB, then refuses (EFBIG);
    // a writer that ignores the short count renames a truncated file into place.
    const script = [
      `import { writeFileAtomicSync } from ${JSON.stringify(new URL('../../src/viz/writeFileAtomic.ts', import.meta.url).pathname)};`,
      `try { writeFileAtomicSync(${JSON.stringify(path)}, new Uint8Array(1 << 18)); console.log('written'); }`,
      `catch (error) { console.log(error.code); }`,
    ].join('\n');
    const child = spawnSync(
      'bash',
      ['-c', 'ulimit -f 64; exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script],
      {
        encoding: 'utf8',
      },
    );
    expect(child.stdout.trim()).toBe('EFBIG');
    expect(readFileSync(path, 'utf8')).toBe('the previous checkpoint');
    expect(readdirSync(folder)).toEqual(['checkpoint.bin']);
  });

  it('rejects a bad path or data, naming the argument', () => {
    expectArgumentError(() => writeFileAtomic('', 'data'), 'path');
    expectArgumentError(() => writeFileAtomic(42 as never, 'data'), 'path');
    expectArgumentError(() => writeFileAtomic(join(root, 'x'), 42 as never), 'data');
    expectArgumentError(() => writeFileAtomicSync(join(root, 'x'), [1, 2] as never), 'data');
  });
});
