import { gumbelSoftmax, tf } from 'gumbel-softmax';

/** The slide's two temperatures. */
export const SLIDE_TEMPERATURES = [2, 0.1] as const;
/** Samples drawn at each temperature. */
export const SLIDE_SAMPLES = 3;

/**
 * The slide's two pictures: {@link SLIDE_SAMPLES} relaxed samples softmax((log π + g)/τ) at τ = 2 and
 * at τ = 0.1, from the same Gumbel noise g (the same `seed`): one row per sample, one array per τ.
 */
export async function slidePictureNumbers(logits: number[], seed: number): Promise<number[][][]> {
  const samples = tf.tidy(() => {
    const rows = tf.tile(tf.tensor2d([logits]), [SLIDE_SAMPLES, 1]);
    return SLIDE_TEMPERATURES.map((temperature) =>
      gumbelSoftmax(rows, { temperature, seed, validateArgs: false }),
    );
  });
  try {
    const values = (await Promise.all(samples.map((tensor) => tensor.data()))) as Float32Array[];
    return values.map((flat) =>
      Array.from({ length: SLIDE_SAMPLES }, (_, i) =>
        Array.from(flat.subarray(i * logits.length, (i + 1) * logits.length)),
      ),
    );
  } finally {
    tf.dispose(samples);
  }
}
