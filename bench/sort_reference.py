"""PyTorch cross-check of `gumbel sort` (Mena et al. 2018, §5.1).

Written for this project from the paper's description and the hyper-parameters of the reference
code (google/gumbel_sinkhorn, sorting/): each of N uniform numbers goes through 1 -> hidden ReLU
-> N, the rows form the log-score matrix, the loss is the mean squared error between the sorted
numbers and P^T x with P = sinkhorn((X + noise * g) / tau), and held-out sequences are scored by
the Hungarian matching of the noiseless scores (prop. wrong, prop. any wrong, Kendall's tau).

Usage (Debian's python3-torch, see install-reference.sh; no SciPy needed):
    /usr/bin/python3 bench/sort_reference.py '{"n": 80, "steps": 500, "lr_end": 0.001}'
Keys: n, steps, batch, lr, lr_end (geometric decay), tau, tau_end (geometric), iters, iters_end
(linear), samples, noise, noise_end (linear), hidden, test (held-out sequences), seed.
Prints one line: the overrides, the training MSE at 10/25/50/75/100 % of the run, the measures.
"""
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
config = dict(n=80, steps=500, batch=10, lr=0.1, lr_end=None, tau=1.0, tau_end=None, iters=10,
              iters_end=None, samples=5, noise=1.0, noise_end=None, hidden=32, test=200, seed=1)
overrides = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
config.update(overrides)
torch.manual_seed(config['seed'])
n = config['n']
network = torch.nn.Sequential(torch.nn.Linear(1, config['hidden']), torch.nn.ReLU(),
                              torch.nn.Linear(config['hidden'], n))
for layer in (network[0], network[2]):  # tf.contrib fully_connected: Glorot uniform, zero biases
    torch.nn.init.xavier_uniform_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
optimizer = torch.optim.Adam(network.parameters(), lr=config['lr'], eps=1e-8)


def log_sinkhorn(log_alpha, iterations):
    for _ in range(iterations):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -2, keepdim=True)
    return log_alpha


def geometric(start, end, progress):
    return start if end is None else start * (end / start) ** progress


def linear(start, end, progress):
    return start if end is None else start + (end - start) * progress


started = time.time()
losses = []
for step in range(config['steps']):
    progress = step / max(1, config['steps'] - 1)
    for group in optimizer.param_groups:
        group['lr'] = geometric(config['lr'], config['lr_end'], progress)
    tau = geometric(config['tau'], config['tau_end'], progress)
    noise = linear(config['noise'], config['noise_end'], progress)
    iterations = round(linear(config['iters'], config['iters_end'], progress))
    numbers = torch.rand(config['batch'], n)
    ordered, _ = torch.sort(numbers, 1)
    scores = network(numbers.reshape(-1, 1)).reshape(-1, n, n)
    uniforms = torch.rand(config['batch'], config['samples'], n, n).clamp(1e-20, 1)
    gumbel = -torch.log(-torch.log(uniforms))
    soft = log_sinkhorn((scores[:, None] + noise * gumbel) / tau, iterations).exp()
    estimate = (soft * numbers[:, None, :, None]).sum(2)  # the number that lands at each position
    loss = ((estimate - ordered[:, None, :]) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
training_seconds = time.time() - started


def best_assignment(scores):
    """Maximum-score assignment (Hungarian, shortest augmenting paths): the column of each row."""
    size = scores.shape[0]
    cost = np.zeros((size + 1, size + 1))
    cost[1:, 1:] = -scores
    row_potential = np.zeros(size + 1)
    column_potential = np.zeros(size + 1)
    row_of_column = np.zeros(size + 1, dtype=int)
    previous = np.zeros(size + 1, dtype=int)
    for row in range(1, size + 1):
        row_of_column[0] = row
        column = 0
        slack = np.full(size + 1, np.inf)
        visited = np.zeros(size + 1, dtype=bool)
        while True:
            visited[column] = True
            current = row_of_column[column]
            reduced = cost[current] - row_potential[current] - column_potential
            open_columns = ~visited
            open_columns[0] = False
            better = open_columns & (reduced < slack)
            slack[better] = reduced[better]
            previous[better] = column
            candidates = np.where(open_columns, slack, np.inf)
            next_column = int(np.argmin(candidates))
            delta = candidates[next_column]
            row_potential[row_of_column[visited]] += delta
            column_potential[visited] -= delta
            slack[open_columns] -= delta
            column = next_column
            if row_of_column[column] == 0:
                break
        while column != 0:
            row_of_column[column] = row_of_column[previous[column]]
            column = previous[column]
    assignment = np.zeros(size, dtype=int)
    for column in range(1, size + 1):
        assignment[row_of_column[column] - 1] = column - 1
    return assignment


with torch.no_grad():
    held_out = torch.rand(config['test'], n)
    test_scores = network(held_out.reshape(-1, 1)).reshape(-1, n, n).double().numpy()
wrong = 0
any_wrong = 0
taus = []
upper = np.triu_indices(n, 1)
for s in range(config['test']):
    positions = best_assignment(test_scores[s])
    ranks = np.argsort(np.argsort(held_out[s].numpy()))
    errors = int((positions != ranks).sum())
    wrong += errors
    any_wrong += errors > 0
    signs = np.sign(positions[:, None] - positions[None, :]) * np.sign(ranks[:, None] - ranks[None, :])
    taus.append(signs[upper].mean())
marks = [int(f * config['steps']) for f in (0.1, 0.25, 0.5, 0.75, 1)]
curve = ' '.join(f'{m}:{np.mean(losses[max(0, m - 20):m]):.2e}' for m in marks)
print(json.dumps(overrides), 'MSE@', curve,
      f'wrong {wrong / (config["test"] * n):.4f} any {any_wrong / config["test"]:.3f}',
      f'tau {np.mean(taus):.4f} train {training_seconds:.0f}s', flush=True)
