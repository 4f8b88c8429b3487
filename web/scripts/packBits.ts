/** Packs binary pixels (0 or 1) into bytes, most significant bit first, 784 pixels = 98 bytes. */
export function packBits(pixels: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(pixels.length / 8));
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] >= 0.5) bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  return bytes;
}
