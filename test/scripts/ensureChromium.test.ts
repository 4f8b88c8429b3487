import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-chromium-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const chromium = join(scratch, 'chromium');
const calls = join(scratch, 'calls.log');
const bin = join(scratch, 'bin');

/** Stand-ins for apt-get and sudo that log their arguments; `apt-get install` "installs" chromium. */
function fakeTools(): void {
  mkdirSync(bin, { recursive: true });
  const log = `echo "$(basename "$0") DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> ${calls}`;
  const install = `case "$*" in *install*chromium*) printf '#!/bin/sh\\n' > ${chromium}; chmod +x ${chromium};; esac`;
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\n${log}\n${install}\n`);
  writeFileSync(join(bin, 'sudo'), `#!/bin/sh\n${log}\nexec "$@"\n`);
  for (const tool of ['apt-get', 'sudo']) chmodSync(join(bin, tool), 0o755);
}

function ensureChromium() {
  return spawnSync('sh', [join(repositoryRoot, 'scripts/ensureChromium.sh')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ENSURE_CHROMIUM_PATH: chromium },
  });
}

describe('scripts/ensureChromium.sh (npm test’s pretest)', () => {
  it('installs Chromium with apt-get, without questions, when it is missing; then does nothing, quietly', () => {
    fakeTools();
    const first = ensureChromium();
    expect(first.status).toBe(0);
    expect(existsSync(chromium)).toBe(true);
    const logged = readFileSync(calls, 'utf8');
    expect(logged).toMatch(/apt-get DEBIAN_FRONTEND=noninteractive update/);
    expect(logged).toMatch(/apt-get DEBIAN_FRONTEND=noninteractive install -y -q chromium/);
    if (process.getuid?.() !== 0) expect(logged).toMatch(/^sudo /m); // sudo only when not root

    rmSync(calls);
    const second = ensureChromium();
    expect([second.status, second.stdout, second.stderr]).toEqual([0, '', '']);
    expect(existsSync(calls)).toBe(false); // no apt-get the second time
  });
});
