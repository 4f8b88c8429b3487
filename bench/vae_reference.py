#!/usr/bin/python3
"""PyTorch reference run of the categorical VAE of Jang et al. (2017), for a side-by-side
comparison with the TypeScript implementation (src/vae/) at equal steps.

Optional, never needed by `npm test`. Needs PyTorch and NumPy (bench/install-reference.sh) and
the data written by bench/exportVaeData.ts, so both sides train on byte-identical binary images.
Always run with /usr/bin/python3 (Debian's python3-torch lives there).

Model: encoder 784-512-256-(N*K) logits, decoder (N*K)-256-512-784 Bernoulli logits, ReLU,
N=20, K=10; Glorot-uniform weights, zero biases; Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8);
batch 100, examples reshuffled each epoch, the last smaller batch kept.
Temperature after t steps: tau = max(tau_min, tau0 * exp(-r * S * floor(t / S))), tau0=1,
tau_min=0.5, r=3e-5, S=1000. Sample: y = F.gumbel_softmax(logits, tau) = softmax((logits + g)/tau)
along K (--hard: straight-through, F.gumbel_softmax(hard=True)).
Loss = -mean ELBO, ELBO = sum_pixels [x*l - softplus(l)] - KL, KL = sum_n (sum_k q log q + log K).

Model selection: every --eval-every steps (and at the end) the validation -ELBO (the discretized
one below, with the same noise every time) is computed and the best model kept; the final
evaluation uses that model.

Evaluation, in nats, averaged over the images of a split:
  (a) -ELBO, latent discretized: z = one-hot of one categorical sample from q(z|x) per image,
      -ELBO = -[log p(x|z) - KL(q(z|x) || uniform)];
  (b) importance-weighted -log p(x) with m samples per image:
      log p(x) ~ logmeanexp_i [log p(x|z_i) + log p(z_i) - log q(z_i|x)], z_i one-hot samples
      from q, log p(z) = -N log K, log q(z|x) = sum_n log q_n(z_n).

Example:
  /usr/bin/python3 bench/vae_reference.py --data runs/vae-data/mnist-seed0 --steps 2000 \
      --seed 0 --out runs/reference/mnist-2000.json
"""

import argparse
import copy
import hashlib
import json
import math
import os
import platform
import sys
import time

# Idle OpenMP threads sleep instead of spinning (set before torch loads libgomp). With spinning,
# two threads on two shared cores measured 5-32 steps/s here, against 32-57 with PASSIVE.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SPLITS = ("train", "validation", "test")


# ----------------------------------------------------------------------------------------- data


def load_export(folder):
    """The three splits written by bench/exportVaeData.ts, as float32 tensors [count, pixels]."""
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    if meta.get("dtype") != "float32" or meta.get("byteOrder") != "little":
        sys.exit(f"{folder}/meta.json: expected little-endian float32 files, got {meta}")
    pixels = meta["height"] * meta["width"]
    splits = {}
    for split in SPLITS:
        path = os.path.join(folder, meta["files"][split])
        with open(path, "rb") as f:
            raw = f.read()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta["sha256"][split]:
            sys.exit(f"{path}: SHA-256 {digest} differs from meta.json's {meta['sha256'][split]}")
        values = np.frombuffer(raw, dtype="<f4").reshape(-1, pixels)
        if values.shape[0] != meta["counts"][split]:
            sys.exit(f"{path}: {values.shape[0]} images, meta.json says {meta['counts'][split]}")
        if not np.all((values == 0) | (values == 1)):
            sys.exit(f"{path}: expected binary images (0 or 1)")
        splits[split] = torch.from_numpy(values.astype(np.float32))
    return meta, splits


# ---------------------------------------------------------------------------------------- model


class CategoricalVae(nn.Module):
    def __init__(self, latent_variables=20, categories=10, pixels=784, hidden=(512, 256)):
        super().__init__()
        self.latent_variables = latent_variables
        self.categories = categories
        latent = latent_variables * categories
        self.encoder = self._mlp([pixels, *hidden, latent])
        self.decoder = self._mlp([latent, *reversed(hidden), pixels])
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)  # U(-a, a), a = sqrt(6 / (fan_in + fan_out))
                nn.init.zeros_(module.bias)

    @staticmethod
    def _mlp(sizes):
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    def encode(self, images):
        """Logits of q(z|x): [batch, N, K]."""
        return self.encoder(images).view(-1, self.latent_variables, self.categories)

    def decode(self, codes):
        """Bernoulli logits of p(x|z): [batch, pixels] for codes [batch, N, K]."""
        return self.decoder(codes.reshape(-1, self.latent_variables * self.categories))


def bernoulli_log_likelihood(images, logits):
    """sum_pixels x*l - softplus(l), stable for any l. [...]"""
    return (images * logits - F.softplus(logits)).sum(-1)


def kl_to_uniform(logits):
    """KL(Cat(softmax logits) || uniform over K), summed over the N variables. [batch]"""
    log_q = F.log_softmax(logits, -1)
    return ((log_q.exp() * log_q).sum(-1) + math.log(logits.shape[-1])).sum(-1)


def temperature_at(step, tau0, tau_min, rate, interval):
    return max(tau_min, tau0 * math.exp(-rate * interval * (step // interval)))


# ----------------------------------------------------------------------------------- evaluation


def categorical_samples(log_q, samples, generator):
    """`samples` category indices per variable by Gumbel-max: [samples, *log_q.shape[:-1]]."""
    uniforms = torch.rand((samples, *log_q.shape), generator=generator)
    # u = 0 gives -inf noise: that class cannot win, which is harmless.
    return (log_q.unsqueeze(0) - torch.log(-torch.log(uniforms))).argmax(-1)


@torch.no_grad()
def discretized_neg_elbo(model, images, seed, batch=500):
    """(a): mean over images of -[log p(x|z) - KL(q||uniform)], z one-hot, one sample per image."""
    generator = torch.Generator().manual_seed(seed)
    total = 0.0
    for start in range(0, images.shape[0], batch):
        x = images[start : start + batch]
        logits = model.encode(x)
        log_q = F.log_softmax(logits, -1)
        index = categorical_samples(log_q, 1, generator)[0]
        codes = F.one_hot(index, model.categories).to(x.dtype)
        elbo = bernoulli_log_likelihood(x, model.decode(codes)) - kl_to_uniform(logits)
        total += -elbo.sum().item()
    return total / images.shape[0]


@torch.no_grad()
def importance_weighted_nll(model, images, samples, seed, image_batch=100, max_rows=10000):
    """(b): mean over images of -logmeanexp_i [log p(x|z_i) + log p(z_i) - log q(z_i|x)]."""
    generator = torch.Generator().manual_seed(seed)
    n, k = model.latent_variables, model.categories
    log_prior = -n * math.log(k)
    total = 0.0
    for start in range(0, images.shape[0], image_batch):
        x = images[start : start + image_batch]
        log_q = F.log_softmax(model.encode(x), -1)  # [B, N, K]
        chunk = max(1, max_rows // x.shape[0])
        log_weights = []
        for done in range(0, samples, chunk):
            s = min(chunk, samples - done)
            index = categorical_samples(log_q, s, generator)  # [s, B, N]
            log_q_z = log_q.unsqueeze(0).expand(s, -1, -1, -1).gather(-1, index.unsqueeze(-1)).squeeze(-1).sum(-1)
            codes = F.one_hot(index, k).to(x.dtype)  # [s, B, N, K]
            decoded = model.decode(codes).view(s, x.shape[0], -1)
            log_px_z = bernoulli_log_likelihood(x.unsqueeze(0), decoded)  # [s, B]
            log_weights.append(log_px_z + log_prior - log_q_z)
        log_weights = torch.cat(log_weights, 0)  # [samples, B]
        log_px = torch.logsumexp(log_weights.double(), 0) - math.log(samples)
        total += -log_px.sum().item()
    return total / images.shape[0]


def evaluate(model, images, iw_samples, seed):
    started = time.perf_counter()
    neg_elbo = discretized_neg_elbo(model, images, seed)
    elbo_seconds = time.perf_counter() - started
    result = {"images": images.shape[0], "neg_elbo": neg_elbo, "neg_elbo_seconds": elbo_seconds}
    if iw_samples > 0:
        started = time.perf_counter()
        result["iw_nll"] = importance_weighted_nll(model, images, iw_samples, seed + 1)
        result["iw_samples"] = iw_samples
        result["iw_seconds"] = time.perf_counter() - started
    return result


# ------------------------------------------------------------------------------------- training


def train(args, splits):
    torch.manual_seed(args.seed)
    model = CategoricalVae()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    data_generator = torch.Generator().manual_seed(args.seed + 1)
    validation_seed = args.seed + 2  # the same noise at every validation, so scores compare
    train_images = splits["train"]
    count = train_images.shape[0]

    best = {"step": 0, "validation_neg_elbo": discretized_neg_elbo(model, splits["validation"], validation_seed)}
    best_state = copy.deepcopy(model.state_dict())
    history = [{"step": 0, "validation_neg_elbo": best["validation_neg_elbo"]}]
    log(f"step 0: validation -ELBO {best['validation_neg_elbo']:.2f}")

    step, epoch, order, position = 0, 0, None, count
    train_seconds, window_loss, window_steps = 0.0, 0.0, 0
    wall_start = time.perf_counter()
    while step < args.steps:
        if position >= count:
            order, position, epoch = torch.randperm(count, generator=data_generator), 0, epoch + 1
        batch = train_images[order[position : position + args.batch_size]]
        position += args.batch_size
        temperature = temperature_at(step, args.tau0, args.tau_min, args.anneal_rate, args.anneal_interval)

        started = time.perf_counter()
        logits = model.encode(batch)
        codes = F.gumbel_softmax(logits, tau=temperature, hard=args.hard, dim=-1)
        elbo = bernoulli_log_likelihood(batch, model.decode(codes)) - kl_to_uniform(logits)
        loss = -elbo.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        train_seconds += time.perf_counter() - started
        step += 1

        loss_value = loss.item()
        if not math.isfinite(loss_value):
            sys.exit(f"non-finite loss {loss_value} at step {step}")
        window_loss, window_steps = window_loss + loss_value, window_steps + 1
        if step % args.eval_every == 0 or step == args.steps:
            validation = discretized_neg_elbo(model, splits["validation"], validation_seed)
            entry = {
                "step": step,
                "epoch": epoch,
                "temperature": temperature,
                "train_loss": window_loss / window_steps,
                "validation_neg_elbo": validation,
                "train_seconds": train_seconds,
            }
            history.append(entry)
            window_loss, window_steps = 0.0, 0
            if validation < best["validation_neg_elbo"]:
                best = {"step": step, "validation_neg_elbo": validation}
                best_state = copy.deepcopy(model.state_dict())
            log(
                f"step {step}: tau {temperature:.4f}, train loss {entry['train_loss']:.2f}, "
                f"validation -ELBO {validation:.2f} (best {best['validation_neg_elbo']:.2f} at {best['step']}), "
                f"{step / train_seconds:.1f} steps/s"
            )
    wall_seconds = time.perf_counter() - wall_start
    model.load_state_dict(best_state)
    timing = {
        "train_seconds": train_seconds,
        "steps_per_second": step / train_seconds if train_seconds > 0 else None,
        "wall_seconds_with_validation": wall_seconds,
    }
    return model, best, history, timing


def loaded_blas_libraries():
    """The BLAS/LAPACK shared objects this process has mapped (Linux), e.g. OpenBLAS's."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    names = ("blas", "lapack", "mkl")
    return sorted({os.path.realpath(p) for p in paths if any(n in os.path.basename(p).lower() for n in names)})


def log(message):
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="folder written by bench/exportVaeData.ts")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hard", action="store_true", help="straight-through Gumbel-softmax")
    p.add_argument("--iw-samples", type=int, default=1000, help="m of the importance-weighted bound (0: skip)")
    p.add_argument("--eval-train-subset", type=int, default=1000, help="first n train images to evaluate (0: all)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--out", help="JSON report (default: stdout only)")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--eval-every", type=int, default=1000)
    p.add_argument("--tau0", type=float, default=1.0)
    p.add_argument("--tau-min", type=float, default=0.5)
    p.add_argument("--anneal-rate", type=float, default=3e-5)
    p.add_argument("--anneal-interval", type=int, default=1000)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    load_at_start = os.getloadavg()
    meta, splits = load_export(args.data)
    log(
        f"torch {torch.__version__}, {args.threads} thread(s); {meta['dataset']} seed {meta['seed']}: "
        + ", ".join(f"{s} {splits[s].shape[0]}" for s in SPLITS)
    )

    model, best, history, timing = train(args, splits)
    log(f"trained {args.steps} steps in {timing['train_seconds']:.1f} s ({timing['steps_per_second']:.1f} steps/s)")

    subset = splits["train"] if args.eval_train_subset <= 0 else splits["train"][: args.eval_train_subset]
    evaluation = {}
    for name, images in (("train_subset", subset), ("test", splits["test"])):
        evaluation[name] = evaluate(model, images, args.iw_samples, seed=args.seed + 3)
        e = evaluation[name]
        iw = f", IW(m={args.iw_samples}) -log p(x) {e['iw_nll']:.2f} in {e['iw_seconds']:.1f} s" if "iw_nll" in e else ""
        log(f"{name} ({e['images']} images): -ELBO {e['neg_elbo']:.2f}{iw}")

    report = {
        "config": vars(args),
        "data": {k: meta[k] for k in ("dataset", "seed", "binarization", "counts", "sha256")},
        "model": {"latent_variables": 20, "categories": 10, "hidden": [512, 256], "kl": "analytic"},
        "best": best,
        "timing": timing,
        "evaluation": evaluation,
        "history": history,
        "environment": {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "blas_libraries": loaded_blas_libraries(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
    }
    text = json.dumps(report, indent=2)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text + "\n")
        log(f"wrote {args.out}")
    else:
        print(text)


if __name__ == "__main__":
    main()
