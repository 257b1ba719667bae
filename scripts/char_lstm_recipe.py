#!/usr/bin/python3
"""The char-LSTM recipe of issue 13 in PyTorch, to put beside `seqlab train` with the same flags.

A 1-layer LSTM language model as PyTorch's word_language_model example builds it (embedding 64,
hidden 256, decoder Linear, weights U(-0.1, 0.1), decoder bias 0), trained on random windows of
the first 90% of a text (batch 32, 64 tokens), torch.optim.Adam (lr 2e-3, its defaults otherwise)
or AdamW, gradient norm clipped at 1, with a constant learning rate or seqlab's cosine schedule
(linear warm-up, cosine decay to lr/10). Prints the validation loss estimated on 20 random batches
of the last 10% every 100 steps, as `seqlab train` does.

    /usr/bin/python3 scripts/char_lstm_recipe.py ../shared/data/tinyshakespeare/input.txt \
        --steps 600 --optimizer adam --schedule constant
"""
import argparse
import math

import torch
import torch.nn as nn


class CharLstm(nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.encoder = nn.Embedding(vocab, embed)
        self.rnn = nn.LSTM(embed, hidden, layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)

    def forward(self, x):
        out, _ = self.rnn(self.encoder(x))
        return self.decoder(out)


def batch(split, b, t, gen):
    starts = torch.randint(0, len(split) - t, (b,), generator=gen)
    x = torch.stack([split[s:s + t] for s in starts.tolist()])
    y = torch.stack([split[s + 1:s + t + 1] for s in starts.tolist()])
    return x, y


def lr_at(step, args):
    if args.schedule == "constant":
        return args.lr
    warmup = min(args.warmup, args.steps)
    if step < warmup:
        return args.lr * (step + 1) / warmup
    ratio = (step - warmup) / max(1, args.steps - warmup)
    low = args.lr / 10
    return low + 0.5 * (1 + math.cos(math.pi * ratio)) * (args.lr - low)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--optimizer", choices=["adam", "adamw"], default="adam")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=None, help="default: the optimizer's own (Adam 0, AdamW 0.01)")
    p.add_argument("--schedule", choices=["constant", "cosine"], default="constant")
    p.add_argument("--warmup", type=int, default=60)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    text = open(args.data, encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    n = int(len(ids) * 0.9)
    train, val = ids[:n], ids[n:]
    model = CharLstm(len(chars), 64, 256, 1)
    opt_cls = torch.optim.Adam if args.optimizer == "adam" else torch.optim.AdamW
    kw = {} if args.weight_decay is None else {"weight_decay": args.weight_decay}
    opt = opt_cls(model.parameters(), lr=args.lr, **kw)
    print(f"{args.optimizer}: {opt.defaults}")
    gen = torch.Generator().manual_seed(args.seed)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(args.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        x, y = batch(train, 32, 64, gen)
        loss = loss_fn(model(x).reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 100 == 0 or step + 1 == args.steps:
            model.eval()
            with torch.no_grad():
                vgen = torch.Generator().manual_seed(args.seed + 3)
                v = sum(loss_fn(model(vx).reshape(-1, len(chars)), vy.reshape(-1)).item()
                        for vx, vy in (batch(val, 32, 64, vgen) for _ in range(20))) / 20
            model.train()
            print(f"step {step + 1}/{args.steps}: train loss {loss.item():.4f}, val loss {v:.4f}", flush=True)


if __name__ == "__main__":
    main()
