import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gumbel } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-cli-bernoulli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gumbel train --latent bernoulli', () => {
  it('trains a VAE with binary latents and reports it in the summary', () => {
    const out = join(scratch, 'run');
    const result = gumbel(
      'train',
      '--json',
      '--latent',
      'bernoulli',
      '--latent-variables',
      '12',
      '--estimator',
      'disarm',
      '--out',
      out,
      '--steps',
      '2',
      '--train-limit',
      '100',
      '--checkpoint-every',
      '1',
      '--iw-samples',
      '2',
      '--eval-train-limit',
      '10',
    );
    expect(result.stderr).toMatch(/training 12-bit Bernoulli VAE on mnist with the disarm estimator/);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.config).toMatchObject({
      latent: 'bernoulli',
      latentVariables: 12,
      categories: 2,
      estimator: 'disarm',
    });
    expect(summary.test.importanceWeightedNll).toBeLessThanOrEqual(summary.test.negativeElbo + 5);
    const evaluated = gumbel('eval', '--json', '--model', out, '--iw-samples', '2');
    expect(evaluated.status).toBe(0);
  });

  it('refuses an estimator without binary latents, --categories with bits, and an unknown kind, in one line', () => {
    const refused = gumbel(
      'train',
      '--latent',
      'bernoulli',
      '--estimator',
      'unordered-set',
      '--out',
      join(scratch, 'a'),
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')[0]).toMatch(
      /estimator unordered-set does not work with --latent bernoulli .*use --latent categorical, or one of/,
    );
    const categories = gumbel(
      'train',
      '--latent',
      'bernoulli',
      '--categories',
      '10',
      '--out',
      join(scratch, 'b'),
    );
    expect(categories.stderr).toMatch(/categories applies to --latent categorical only/);
    const unknown = gumbel('train', '--latent', 'ternary');
    expect(unknown.stderr).toMatch(
      /'--latent <kind>' argument 'ternary' is invalid\. must be one of categorical, bernoulli/,
    );
  });
});
