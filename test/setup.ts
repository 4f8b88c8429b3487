import { initBackend } from '../src/index.js';

// Every test file runs on the WebAssembly backend unless GUMBEL_BACKEND says otherwise.
await initBackend((process.env.GUMBEL_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'wasm');
