import { type CategoricalVae, gumbelMax, tf } from 'gumbel-softmax';

/** Pixel probabilities sigmoid(decoder logits) of one code (a class index per latent variable). */
export async function decodeCode(vae: CategoricalVae, code: number[]): Promise<Float32Array> {
  const pixels = tf.tidy(() => {
    // An int32 one-hot cast to float: tf.oneHot's float32 output is wrong on the wasm backend.
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(code, 'int32'), vae.shape.categories), 'float32');
    return tf.sigmoid(vae.decode(tf.expandDims(oneHot, 0)));
  });
  try {
    return (await pixels.data()) as Float32Array;
  } finally {
    pixels.dispose();
  }
}

/** A code drawn from the prior (each variable uniform over its classes) by the Gumbel-max trick. */
export async function randomCode(vae: CategoricalVae, seed: number): Promise<number[]> {
  const { latentVariables, categories } = vae.shape;
  const indices = tf.tidy(() =>
    gumbelMax(tf.zeros([latentVariables, categories]), { seed, validateArgs: false }),
  );
  try {
    return Array.from(await indices.data());
  } finally {
    indices.dispose();
  }
}

/** The most likely code of an image under the encoder: argmax of q(z|x) for each variable. */
export async function encodeImage(vae: CategoricalVae, image: Float32Array): Promise<number[]> {
  const indices = tf.tidy(() => tf.argMax(vae.encode(tf.tensor2d(image, [1, image.length])), 2));
  try {
    return Array.from(await indices.data());
  } finally {
    indices.dispose();
  }
}
