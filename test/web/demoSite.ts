import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type PreviewServer, preview } from 'vite';

const configFile = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

/** The demo built into a temporary folder and served by `vite preview` on a free localhost port. */
export interface DemoSite {
  url: string;
  close: () => Promise<void>;
}

/** Builds web/ (as `npm run build:web` does, into a temporary folder) and serves it. */
export async function startDemoSite(): Promise<DemoSite> {
  const outDir = mkdtempSync(join(tmpdir(), 'gumbel-web-'));
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  let server: PreviewServer;
  try {
    server = await preview({
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
    });
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
