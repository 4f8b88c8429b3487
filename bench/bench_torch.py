#!/usr/bin/python3
"""PyTorch side of `npm run bench`: the same work as bench/bench.ts, timed the same way.

Reads a JSON job on stdin ({"opShapes": [[rows, K], ...], "repeats": n, "vaeSteps": n,
"threads": t, optional "relaxedTopK": [rows, n, k], "opsTwoThreads": true to time the
Gumbel-softmax ops on 2 threads as well) and prints JSON timings (milliseconds per
call: median, min, max). Relaxed top-k: forward + backward of sum(w * relaxed k-hot), the formula
of src/structured/relaxedTopK.ts (no framework ships one). Gumbel-softmax:
forward + backward w.r.t. the logits of sum(w * F.gumbel_softmax(logits, tau=1, hard)); VAE:
one Adam step of the 784-512-256-(20x10) categorical VAE at batch 100 (analytic KL, soft sample),
on t threads ("vaeStep") and again on 2 threads ("vaeStepTwoThreads") for the 2-worker comparison.
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def timed(fn, repeats):
    for _ in range(3):
        fn()
    samples = []
    cpu_samples = []  # process CPU time, all threads: leaves out waits for a core on a shared machine
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu_samples.append((time.process_time() - cpu_start) * 1000)
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": repeats,
        "cpu": {"median": statistics.median(cpu_samples), "min": min(cpu_samples)},
    }


def op_case(rows, categories, hard, repeats, floor=False):
    """fwd + bwd of sum(w * gumbel_softmax(logits)); with floor, of sum(w * logits): the harness alone."""
    logits = torch.randn(rows, categories, requires_grad=True)
    weights = torch.randn(rows, categories)

    def run():
        logits.grad = None
        sample = logits if floor else F.gumbel_softmax(logits, tau=1.0, hard=hard)
        (sample * weights).sum().backward()

    return timed(run, repeats)


def relaxed_topk_case(rows, items, k, repeats):
    """Xie & Ermon's relaxed k-hot as src/structured/relaxedTopK.ts computes it (tau = 0.5), fwd + bwd."""
    logits = torch.randn(rows, items, requires_grad=True)
    weights = torch.randn(rows, items)
    temperature = 0.5

    def relaxed(perturbed):
        total = torch.zeros_like(perturbed)
        for step in range(k):
            scores = perturbed / temperature
            log_p = F.log_softmax(scores, -1)
            total = total + log_p.exp()
            if step < k - 1:
                largest = F.one_hot(scores.argmax(-1), items).bool()
                others = torch.logsumexp(scores.masked_fill(largest, float("-inf")), -1, True) - torch.logsumexp(scores, -1, True)
                rest = torch.log1p(-log_p.masked_fill(largest, -1.0).exp())
                perturbed = perturbed + torch.where(largest, others.expand_as(scores), rest)
        return total

    def run():
        logits.grad = None
        gumbel = -torch.log(-torch.log(torch.rand(rows, items)))
        (relaxed(logits + gumbel) * weights).sum().backward()

    return timed(run, repeats)


def gumbel_sinkhorn_case(batch, n, iterations, repeats):
    log_scores = torch.randn(batch, n, n, requires_grad=True)
    weights = torch.randn(batch, n, n)

    def run():
        log_scores.grad = None
        # Gumbel noise as F.gumbel_softmax draws it; no framework ships Gumbel-Sinkhorn.
        gumbels = -torch.empty_like(log_scores).exponential_().log()
        log_alpha = log_scores + gumbels  # tau = 1
        for _ in range(iterations):
            log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-1, keepdim=True)
            log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-2, keepdim=True)
        (log_alpha.exp() * weights).sum().backward()

    return timed(run, repeats)


def vae_case(steps):
    n, k = 20, 10
    encoder = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, n * k))
    decoder = nn.Sequential(nn.Linear(n * k, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784))
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=1e-3)
    images = (torch.rand(100, 784) < 0.3).float()

    def step():
        logits = encoder(images).view(-1, n, k)
        code = F.gumbel_softmax(logits, tau=1.0).view(-1, n * k)
        pixel_logits = decoder(code)
        reconstruction = -F.binary_cross_entropy_with_logits(pixel_logits, images, reduction="none").sum(-1)
        log_q = F.log_softmax(logits, -1)
        kl = (log_q.exp() * log_q).sum(-1).sum(-1) + n * torch.log(torch.tensor(float(k)))
        loss = -(reconstruction - kl).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return timed(step, steps)


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(job.get("threads", 1))
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if "opShapes" in job:
        ops = []
        for rows, categories in job["opShapes"]:
            for hard in (False, True):
                ops.append({"shape": [rows, categories], "hard": hard, "ms": op_case(rows, categories, hard, job["repeats"])})
        result["ops"] = ops
        if job.get("opsTwoThreads"):  # the same ops again on 2 threads, for the bench's 2-thread column
            torch.set_num_threads(2)
            result["opsTwoThreads"] = [
                {"shape": op["shape"], "hard": op["hard"], "ms": op_case(*op["shape"], op["hard"], job["repeats"])} for op in ops
            ]
            torch.set_num_threads(job.get("threads", 1))
        if job.get("opFloor"):  # the harness alone per shape, after the ops (1 thread)
            for rows, categories in job["opShapes"]:
                ms = op_case(rows, categories, False, job["repeats"], floor=True)
                ops.append({"shape": [rows, categories], "hard": False, "floor": True, "ms": ms})
    if "sinkhorn" in job:
        case = job["sinkhorn"]
        result["gumbelSinkhorn"] = gumbel_sinkhorn_case(case["batch"], case["n"], case["iterations"], job["repeats"])
    if "relaxedTopK" in job:
        rows, items, k = job["relaxedTopK"]
        result["relaxedTopK"] = relaxed_topk_case(rows, items, k, job["repeats"])
    if "vaeSteps" in job:
        result["vaeStep"] = vae_case(job["vaeSteps"])
        torch.set_num_threads(2)
        result["vaeStepTwoThreads"] = vae_case(job["vaeSteps"])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
