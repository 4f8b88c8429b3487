import { describe, expect, it } from 'vitest';
import {
  Categorical,
  type Distribution,
  ExpRelaxedOneHotCategorical,
  Gumbel,
  klDivergence,
  LogitRelaxedBernoulli,
  Normal,
  OneHotCategorical,
  RelaxedBernoulli,
  RelaxedOneHotCategorical,
  tf,
} from '../../src/index.js';
import { expectAllocates, expectArgumentError } from './helpers.js';

/** One distribution built from plain arrays, a value in its support, and what it owns. */
interface Case {
  name: string;
  /** Builds it from numbers and arrays (so it owns `owned` tensors). */
  fromArrays: () => Distribution;
  owned: number;
  /** Builds it from caller-owned tensors. */
  fromTensors: (tensors: tf.Tensor[]) => Distribution;
  tensors: () => tf.Tensor[];
  /** A value in the support, for logProb. */
  value: () => tf.Tensor;
  /** Every method and getter that returns a tensor. */
  methods: string[];
}

const scalarMethods = ['sample', 'rsample', 'logProb', 'entropy', 'mean', 'mode', 'variance', 'stddev'];
const relaxedMethods = ['sample', 'rsample', 'logProb', 'logits', 'probs'];

const cases: Case[] = [
  {
    name: 'Normal',
    fromArrays: () => new Normal({ loc: [0, 1], scale: [1, 2] }),
    owned: 2,
    fromTensors: ([loc, scale]) => new Normal({ loc, scale }),
    tensors: () => [tf.tensor([0, 1]), tf.tensor([1, 2])],
    value: () => tf.tensor([0.5, 0.5]),
    methods: scalarMethods,
  },
  {
    name: 'Gumbel',
    fromArrays: () => new Gumbel({ loc: [0, 1], scale: 2 }),
    owned: 2,
    fromTensors: ([loc, scale]) => new Gumbel({ loc, scale }),
    tensors: () => [tf.tensor([0, 1]), tf.scalar(2)],
    value: () => tf.tensor([0.5, 0.5]),
    methods: scalarMethods,
  },
  {
    name: 'Categorical',
    fromArrays: () => new Categorical({ logits: [[0, 1, 2]] }),
    owned: 1,
    fromTensors: ([logits]) => new Categorical({ logits }),
    tensors: () => [tf.tensor([[0, 1, 2]])],
    value: () => tf.tensor([1], undefined, 'int32'),
    methods: ['sample', 'logProb', 'entropy', 'mode', 'logits', 'probs'],
  },
  {
    name: 'OneHotCategorical',
    fromArrays: () => new OneHotCategorical({ probs: [0.2, 0.8] }),
    owned: 1,
    fromTensors: ([probs]) => new OneHotCategorical({ probs }),
    tensors: () => [tf.tensor([0.2, 0.8])],
    value: () => tf.tensor([0, 1]),
    methods: ['sample', 'logProb', 'entropy', 'mean', 'mode', 'variance', 'logits', 'probs'],
  },
  {
    name: 'ExpRelaxedOneHotCategorical',
    fromArrays: () => new ExpRelaxedOneHotCategorical({ temperature: [0.5], logits: [0, 1, 2] }),
    owned: 2,
    fromTensors: ([temperature, logits]) => new ExpRelaxedOneHotCategorical({ temperature, logits }),
    tensors: () => [tf.scalar(0.5), tf.tensor([0, 1, 2])],
    value: () => tf.log(tf.tensor([0.2, 0.3, 0.5])),
    methods: relaxedMethods,
  },
  {
    name: 'RelaxedOneHotCategorical',
    fromArrays: () => new RelaxedOneHotCategorical({ temperature: 0.5, probs: [0.3, 0.7] }),
    owned: 1,
    fromTensors: ([temperature, probs]) => new RelaxedOneHotCategorical({ temperature, probs }),
    tensors: () => [tf.scalar(0.5), tf.tensor([0.3, 0.7])],
    value: () => tf.tensor([0.4, 0.6]),
    methods: relaxedMethods,
  },
  {
    name: 'LogitRelaxedBernoulli',
    fromArrays: () => new LogitRelaxedBernoulli({ temperature: 0.5, logits: [0, 1] }),
    owned: 1,
    fromTensors: ([temperature, logits]) => new LogitRelaxedBernoulli({ temperature, logits }),
    tensors: () => [tf.scalar(0.5), tf.tensor([0, 1])],
    value: () => tf.tensor([0.3, -2]),
    methods: relaxedMethods,
  },
  {
    name: 'RelaxedBernoulli',
    fromArrays: () => new RelaxedBernoulli({ temperature: [2, 3], probs: [0.4, 0.6] }),
    owned: 2,
    fromTensors: ([temperature, probs]) => new RelaxedBernoulli({ temperature, probs }),
    tensors: () => [tf.tensor([2, 3]), tf.tensor([0.4, 0.6])],
    value: () => tf.tensor([0.3, 0.9]),
    methods: relaxedMethods,
  },
];

/** Calls a method (with options or a value) or reads a getter by name. */
function call(distribution: Distribution, method: string, value: tf.Tensor): tf.Tensor {
  const target = distribution as unknown as Record<string, unknown>;
  const member = target[method];
  if (typeof member !== 'function') return member as tf.Tensor;
  if (method === 'logProb') return (member as (v: tf.Tensor) => tf.Tensor).call(distribution, value);
  if (method === 'sample' || method === 'rsample') {
    return (member as (o: object) => tf.Tensor).call(distribution, { sampleShape: [2], seed: 1 });
  }
  return (member as () => tf.Tensor).call(distribution);
}

describe.each(cases)('$name', (testCase) => {
  it('owns the tensors it made from arrays, and dispose() frees exactly those (twice is safe)', () => {
    const before = tf.memory().numTensors;
    const distribution = testCase.fromArrays();
    expect(tf.memory().numTensors - before).toBe(testCase.owned);
    distribution.dispose();
    distribution.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps caller tensors as given: builds without allocating and never disposes them', () => {
    const tensors = testCase.tensors();
    const before = tf.memory().numTensors;
    const distribution = testCase.fromTensors(tensors);
    expect(tf.memory().numTensors).toBe(before);
    distribution.dispose();
    expect(tensors.every((t) => !t.isDisposed)).toBe(true);
    for (const t of tensors) t.dispose();
  });

  it('every method returns exactly one new tensor and leaks nothing', () => {
    const distribution = testCase.fromArrays();
    const value = testCase.value();
    for (const method of testCase.methods) {
      expectAllocates(() => call(distribution, method, value));
    }
    value.dispose();
    distribution.dispose();
  });

  it('survives the tf.tidy it was built in', () => {
    let distribution: Distribution | undefined;
    tf.tidy(() => {
      distribution = testCase.fromArrays();
    });
    if (!distribution) throw new Error('not built');
    const sample = distribution.sample({ seed: 3 });
    expect(sample.isDisposed).toBe(false);
    sample.dispose();
    distribution.dispose();
  });

  it('prepends sampleShape and rejects a bad one', () => {
    const distribution = testCase.fromArrays();
    const sample = distribution.sample({ sampleShape: [3, 1], seed: 2 });
    expect(sample.shape).toEqual([3, 1, ...distribution.batchShape, ...distribution.eventShape]);
    sample.dispose();
    for (const sampleShape of [[-1], [1.5], 'x' as unknown as number[]]) {
      expectArgumentError(() => distribution.sample({ sampleShape }), 'sampleShape');
    }
    distribution.dispose();
  });
});

describe('parameter ownership and checking', () => {
  it('a failed constructor frees what it had already converted', () => {
    const integerScale = tf.tensor([1, 1], undefined, 'int32');
    const before = tf.memory().numTensors;
    expectArgumentError(() => new Normal({ loc: [0, 1], scale: [1, -1] }), 'scale');
    expectArgumentError(() => new Gumbel({ loc: [0, 1], scale: [1, 2, 3] }), 'scale');
    expectArgumentError(() => new Normal({ loc: [0, 1], scale: integerScale }), 'scale');
    expectArgumentError(
      () =>
        new RelaxedOneHotCategorical({
          temperature: [0.5, -1],
          logits: [
            [0, 1],
            [1, 0],
          ],
        }),
      'temperature',
    );
    expectArgumentError(() => new RelaxedBernoulli({ temperature: [1, 2], probs: [0, 0.5] }), 'probs');
    expectArgumentError(() => new OneHotCategorical({ probs: [0.5, 0.2] }), 'probs');
    expect(tf.memory().numTensors).toBe(before);
    integerScale.dispose();
  });

  it('a missing parameter is named in the error', () => {
    expectArgumentError(() => new Normal({ loc: 0 } as never), 'scale');
    expectArgumentError(() => new Gumbel({ scale: 1 } as never), 'loc');
    expectArgumentError(() => new RelaxedOneHotCategorical({ logits: [0, 1] } as never), 'temperature');
    expectArgumentError(() => new LogitRelaxedBernoulli({ logits: [0, 1] } as never), 'temperature');
  });

  it('validateArgs: false skips the checks that read values', () => {
    const unchecked = new Normal({ loc: 0, scale: -1, validateArgs: false });
    expect(unchecked.validateArgs).toBe(false);
    unchecked.dispose();
    const categorical = new Categorical({ probs: [0.5, 0.2], validateArgs: false });
    categorical.dispose();
  });

  it('gradients reach a variable the distribution was built from inside tf.grad', () => {
    const loc = tf.variable(tf.tensor([0.5, -0.5]));
    const gradient = tf.grad((l: tf.Tensor) => new Normal({ loc: l, scale: 1 }).logProb([1, 1]))(loc);
    // d/dμ log N(x; μ, 1) = x − μ.
    expect(Array.from(gradient.dataSync())).toEqual([0.5, 1.5]);
    gradient.dispose();
    loc.dispose();
  });

  it('klDivergence returns exactly one new tensor for each registered pair', () => {
    const pairs: [Distribution, Distribution][] = [
      [new Categorical({ logits: [0, 1] }), new Categorical({ logits: [1, 0] })],
      [new OneHotCategorical({ logits: [0, 1] }), new OneHotCategorical({ logits: [1, 0] })],
      [new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 })],
      [new Gumbel({ loc: 0, scale: 1 }), new Gumbel({ loc: 1, scale: 2 })],
    ];
    for (const [p, q] of pairs) {
      expectAllocates(() => klDivergence(p, q));
      p.dispose();
      q.dispose();
    }
  });
});
