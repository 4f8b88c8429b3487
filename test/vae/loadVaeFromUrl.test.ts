import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVae, loadVaeFromUrl } from '../../src/vae/layersModel.js';
import { CategoricalVae } from '../../src/vae/model.js';
import { SavedModelError } from '../../src/vae/modelFormat.js';

// loadVaeFromUrl reads a model over HTTP as strictly as loadVae reads one from disk.
const files = new Map<string, Uint8Array | string>();
let server: Server;
let base = '';

beforeAll(async () => {
  const vae = new CategoricalVae({ latentVariables: 2, categories: 3, inputSize: 6, hiddenUnits: [4] }, 2);
  const { modelJson, weightData } = await encodeVae(vae, 'weights.bin');
  vae.dispose();
  files.set('/good/model.json', JSON.stringify(modelJson));
  files.set('/good/weights.bin', new Uint8Array(weightData));
  files.set('/nan/model.json', JSON.stringify(modelJson));
  const nan = new Uint8Array(weightData.slice(0));
  new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
  files.set('/nan/weights.bin', nan);
  files.set('/garbage/model.json', '{"modelTopology": nul');
  server = createServer((request, response) => {
    const body = files.get(request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('loadVaeFromUrl', () => {
  it('loads a served model and finds its weights beside model.json', async () => {
    const vae = await loadVaeFromUrl(`${base}/good/model.json`);
    expect(vae.shape).toEqual({ latentVariables: 2, categories: 3, inputSize: 6, hiddenUnits: [4] });
    vae.dispose();
  });

  it('names the URL and the problem: missing, not JSON, NaN weights, missing weights', async () => {
    await expect(loadVaeFromUrl(`${base}/none/model.json`)).rejects.toThrow(
      new SavedModelError(`${base}/none/model.json`, 'cannot fetch the model (HTTP 404)'),
    );
    await expect(loadVaeFromUrl(`${base}/garbage/model.json`)).rejects.toThrow(
      /garbage\/model.json: cannot read the model \(not JSON/,
    );
    await expect(loadVaeFromUrl(`${base}/nan/model.json`)).rejects.toThrow(
      /nan\/weights.bin: weight encoder_hidden_1\/kernel holds NaN at index 2/,
    );
    files.delete('/good/weights.bin');
    await expect(loadVaeFromUrl(`${base}/good/model.json`)).rejects.toThrow(
      /good\/weights.bin: cannot fetch the weights \(HTTP 404\)/,
    );
  });
});
