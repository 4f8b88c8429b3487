/**
 * A policy over discrete actions: a contextual bandit with 6 contexts and 5 actions, whose expected
 * rewards form a table R the learner never sees. Each step the policy (logits = a table W of
 * parameters, one row per context) picks one action per context and receives a noisy reward.
 * Two estimators of ∇ E[reward], one environment query per context per step each:
 * - REINFORCE with a moving-average baseline (`estimators.scoreFunction`): needs only the rewards;
 * - straight-through Gumbel (`estimators.straightThroughGumbel`): needs the reward to be a
 *   differentiable function of the one-hot action, here z · R[c] + noise (a simulator the gradient
 *   can pass through), and in exchange uses the reward of every action's direction at once.
 * Prints both learning curves (expected reward of the policy, the best possible being 1).
 *
 *   npm run build && node --import tsx examples/banditPolicy.ts
 */
import { fileURLToPath } from 'node:url';
import { estimators, initBackend, RandomGenerator, tf } from 'gumbel-softmax';

const CONTEXTS = 6;
const ACTIONS = 5;

/** The sizes of a run (the test runs a short one). */
export interface BanditOptions {
  /** Optimizer steps per estimator (default 300). */
  steps?: number;
  /** Learning rate of Adam (default 0.05). */
  learningRate?: number;
  /** Standard deviation of the reward noise (default 0.5). */
  rewardNoise?: number;
}

/** The expected reward of the policy, averaged over contexts, after each step. */
export interface LearningCurves {
  straightThroughGumbel: number[];
  reinforce: number[];
}

/**
 * Expected rewards R[c, a] in [0, 1]: each context's best action is worth 1, the others less, and
 * the best action differs between contexts. Written out, not drawn, so the best reward is known.
 */
function rewardTable(): tf.Tensor2D {
  const rows = Array.from({ length: CONTEXTS }, (_, context) =>
    Array.from(
      { length: ACTIONS },
      (_, action) => 1 - (((action - context + ACTIONS) % ACTIONS) * 0.2 + 0.05 * (action % 2)),
    ),
  );
  rows.forEach((row, context) => {
    row[context % ACTIONS] = 1;
  });
  return tf.tensor2d(rows);
}

/** E_{a ~ softmax(W[c])} R[c, a], averaged over contexts. */
function expectedReward(policy: tf.Variable, rewards: tf.Tensor2D): number {
  return tf.tidy(() => tf.mean(tf.sum(tf.mul(tf.softmax(policy), rewards), 1)).dataSync()[0]);
}

/** Trains one policy from zero logits with `estimate` and returns its learning curve. */
function train(
  estimate: (logits: tf.Tensor, loss: (actions: tf.Tensor) => tf.Tensor) => tf.Tensor,
  rewards: tf.Tensor2D,
  options: Required<BanditOptions>,
  seed: number,
): number[] {
  const policy = tf.tidy(() => tf.variable(tf.zeros([CONTEXTS, ACTIONS]))); // tidy frees the zeros
  const optimizer = tf.train.adam(options.learningRate);
  const noise = new RandomGenerator(seed);
  const curve: number[] = [];
  for (let step = 0; step < options.steps; step++) {
    // The environment: reward z · R[c] plus Gaussian noise, one draw per context; loss = −reward.
    const rewardNoise = tf.randomNormal(
      [CONTEXTS],
      0,
      options.rewardNoise,
      'float32',
      noise.nextUint32(1)[0],
    );
    const negativeReward = (actions: tf.Tensor) =>
      tf.neg(tf.add(tf.sum(tf.mul(actions, rewards), -1), rewardNoise));
    optimizer.minimize(() => tf.mean(estimate(policy, negativeReward)) as tf.Scalar, false, [policy]);
    rewardNoise.dispose();
    curve.push(expectedReward(policy, rewards));
  }
  optimizer.dispose();
  policy.dispose();
  return curve;
}

/** Trains the two policies and prints their learning curves side by side. */
export async function runBanditPolicy(options: BanditOptions = {}): Promise<LearningCurves> {
  await initBackend();
  const settings = { steps: 300, learningRate: 0.05, rewardNoise: 0.5, ...options };
  const rewards = rewardTable();
  const gumbelNoise = new RandomGenerator(1);
  const scoreNoise = new RandomGenerator(2);
  const baseline = new estimators.MovingAverageBaseline({ decay: 0.9 });
  const curves: LearningCurves = {
    straightThroughGumbel: train(
      (logits, loss) =>
        estimators.straightThroughGumbel(logits, loss, {
          temperature: 1,
          seed: gumbelNoise,
          validateArgs: false,
        }).loss,
      rewards,
      settings,
      3,
    ),
    reinforce: train(
      (logits, loss) =>
        estimators.scoreFunction(logits, loss, { baseline, seed: scoreNoise, validateArgs: false }).loss,
      rewards,
      settings,
      3,
    ),
  };
  const uniform = tf.tidy(() => tf.mean(rewards).dataSync()[0]);
  rewards.dispose();
  console.log(
    `step   straight-through Gumbel   REINFORCE + baseline   (expected reward; best 1, uniform policy ${uniform.toFixed(2)})`,
  );
  const every = Math.max(1, Math.floor(settings.steps / 10));
  for (let step = every - 1; step < settings.steps; step += every) {
    const row = [curves.straightThroughGumbel[step], curves.reinforce[step]].map((value) =>
      value.toFixed(3).padStart(10),
    );
    console.log(`${String(step + 1).padStart(4)}   ${row[0]}                ${row[1]}`);
  }
  return curves;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runBanditPolicy();
}
