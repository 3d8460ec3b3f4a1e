"""PyTorch side of `npm run bench`: the same training steps as src/engine/benchmark.ts.

Same encoders (MLP or stride-2 3x3 CNN + projection head Linear-ReLU-Linear), the same views
(the batch repeated twice, view-major), the same losses (NT-Xent, SupCon L_out, written inline
here), Adam at lr 1e-3, random pixels and labels i % 10. Timed after a warm-up, on the number of
threads asked for.

usage: bench_torch.py CASES_JSON THREADS [WARMUP STEPS ROUNDS]
CASES_JSON: a list of {"name", "encoder", "embeddingDim", "loss", "batchSize"} (the TypeScript
bench cases); prints one JSON list of {"name", "batchSize", "threads", "msPerStep", "cpuMsPerStep"}
(wall and process CPU time per step, the best of ROUNDS windows of STEPS steps).
"""

import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def encoder(cfg, embedding_dim):
    enc = cfg["encoder"]
    layers = []
    if enc["name"] == "mlp":
        width = 784
        for i, h in enumerate(enc["hidden"]):
            layers.append(nn.Linear(width, h))
            if i < len(enc["hidden"]) - 1:
                layers.append(nn.ReLU())
            width = h
    else:
        channels, side = 1, 28
        for c in enc["channels"]:
            # padding 1 at stride 2 gives TF's "same" output size (28 -> 14 -> 7).
            layers += [nn.Conv2d(channels, c, 3, stride=2, padding=1), nn.ReLU()]
            channels, side = c, (side + 1) // 2
        layers += [nn.Flatten(), nn.Linear(channels * side * side, enc["representation"])]
        width = enc["representation"]
    hidden = enc["projectionHidden"]
    layers += [nn.ReLU(), nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, embedding_dim)]
    return nn.Sequential(*layers)


def nt_xent(z, temperature):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    n = m // 2
    s = z @ z.T / temperature
    s = s.masked_fill(torch.eye(m, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, m), torch.arange(0, n)])
    return F.cross_entropy(s, target)


def supcon(z, labels, temperature, base_temperature):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    s = z @ z.T / temperature
    others = ~torch.eye(m, dtype=torch.bool)
    pos = (labels[:, None] == labels[None, :]) & others
    log_prob = s - torch.logsumexp(s.masked_fill(~others, float("-inf")), dim=1, keepdim=True)
    mean_pos = (pos * log_prob).sum(1) / pos.sum(1).clamp(min=1)
    return -(temperature / base_temperature) * mean_pos.mean()


def bench(cfg, threads, warmup, steps, rounds):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    n = cfg["batchSize"]
    model = encoder(cfg, cfg["embeddingDim"])
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    cnn = cfg["encoder"]["name"] == "cnn"
    images = torch.rand(n, 1, 28, 28) if cnn else torch.rand(n, 784)
    labels = torch.arange(n) % 10
    loss_cfg = cfg["loss"]
    t = loss_cfg.get("temperature", 0.1)

    def step():
        views = torch.cat([images, images])
        z = model(views)
        if loss_cfg["name"] == "nt_xent":
            loss = nt_xent(z, t)
        else:
            loss = supcon(z, torch.cat([labels, labels]), t, loss_cfg.get("base_temperature", 0.07))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    best = (float("inf"), float("inf"))
    # The best of `rounds` windows, as the TypeScript bench does: other jobs only add time.
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        window = (
            (time.perf_counter() - t0) / steps * 1000,
            (time.process_time() - c0) / steps * 1000,
        )
        best = min(best, window)
    return best


def main():
    cases = json.loads(sys.argv[1])
    threads = int(sys.argv[2])
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    out = []
    for cfg in cases:
        ms, cpu = bench(cfg, threads, warmup, steps, rounds)
        out.append(
            {
                "name": cfg["name"],
                "batchSize": cfg["batchSize"],
                "threads": threads,
                "msPerStep": ms,
                "cpuMsPerStep": cpu,
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
