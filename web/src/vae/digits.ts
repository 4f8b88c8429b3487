/** Pixels of one MNIST digit. */
export const PIXELS = 784;

/** Unpacks binary pixels stored 8 to a byte, most significant bit first (web/scripts/packBits.ts). */
export function unpackBits(bytes: Uint8Array, pixelCount: number): Float32Array {
  const pixels = new Float32Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) pixels[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return pixels;
}

/** Binarized digits shipped with the page (public/data/*.bin): 98 bytes each. */
export async function loadDigits(url: string): Promise<{ images: Float32Array; count: number }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const count = Math.floor(bytes.length / (PIXELS / 8));
  return { images: unpackBits(bytes, count * PIXELS), count };
}
