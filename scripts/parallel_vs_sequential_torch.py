#!/usr/bin/python3
"""PyTorch's training speed for the two models of `seqlab lab parallel-vs-sequential`.

The same LSTM language model (embedding 64, 2 x 256, linear head) and causal Transformer
(embedding and the sinusoidal table, pre-LN nn.TransformerEncoder layers with GELU and FFN 4*d,
a final LayerNorm, linear head), the same AdamW step (beta2 0.99, weight decay 0.1 on matrices)
and gradient clipping, at 4,096 tokens per batch: median training tokens/s of timed steps after
warm-up, against T, and at T = 128 on 1 and 2 threads. Random token ids (speed does not depend on
the text). Run with Debian's python3-torch: /usr/bin/python3 scripts/parallel_vs_sequential_torch.py
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn

VOCAB = 65


class LstmLm(nn.Module):
    def __init__(self, embed=64, hidden=256, layers=2):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, embed)
        self.rnn = nn.LSTM(embed, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, VOCAB)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0])


class CausalTransformer(nn.Module):
    def __init__(self, d, heads=4, layers=4):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        layer = nn.TransformerEncoderLayer(d, heads, 4 * d, 0.0, activation="gelu", batch_first=True, norm_first=True)
        self.layers = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, VOCAB)
        self.d = d

    def forward(self, x):
        t = x.shape[1]
        pos = torch.arange(t, dtype=torch.float32).unsqueeze(1)
        omega = torch.exp(torch.arange(0, self.d, 2, dtype=torch.float32) * (-math.log(10000.0) / self.d))
        pe = torch.zeros(t, self.d)
        pe[:, 0::2] = torch.sin(pos * omega)
        pe[:, 1::2] = torch.cos(pos * omega)
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        return self.head(self.layers(self.embed(x) + pe, mask=mask))


def params(m):
    return sum(p.numel() for p in m.parameters())


def width_for(target, heads=4, layers=4):
    best = heads
    for d in range(heads, 4097, heads):
        if abs(params(CausalTransformer(d, heads, layers)) - target) < abs(params(CausalTransformer(best, heads, layers)) - target):
            best = d
        if d > 512:
            break
    return best


def tokens_per_s(model, t, batch, steps, warmup):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.99), eps=1e-8)
    g = torch.Generator().manual_seed(7)
    times = []
    for s in range(warmup + steps):
        x = torch.randint(0, VOCAB, (batch, t), generator=g)
        y = torch.randint(0, VOCAB, (batch, t), generator=g)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if s >= warmup:
            times.append(time.perf_counter() - t0)
    return batch * t / statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=4096)
    ap.add_argument("--lengths", default="32,64,128,256,512,1024")
    a = ap.parse_args()
    torch.manual_seed(1)
    lstm = LstmLm()
    d = width_for(params(lstm))
    tf = CausalTransformer(d)
    print(f"torch {torch.__version__}; LSTM {params(lstm):,} parameters, Transformer d_model {d}: {params(tf):,} parameters")
    torch.set_num_threads(2)
    for t in [int(v) for v in a.lengths.split(",")]:
        for name, m in (("LSTM", lstm), ("Transformer", tf)):
            print(f"{name} T={t}: {tokens_per_s(m, t, max(1, a.tokens // t), a.steps, a.warmup):,.0f} training tokens/s", flush=True)
    for name, m in (("LSTM", lstm), ("Transformer", tf)):
        for n in (1, 2):
            torch.set_num_threads(n)
            print(f"{name} T=128, {n} thread(s): {tokens_per_s(m, 128, 32, a.steps, a.warmup):,.0f} tokens/s", flush=True)


if __name__ == "__main__":
    main()
