#!/usr/bin/python3
"""PyTorch's side of `seqlab bench --workload W6S`: greedy generation with a key/value cache
from the nanoGPT CPU recipe's GPT (4 layers, 4 heads, n_embd 128, block 64, vocabulary 65),
a model that fits in cache, where per-op overhead rather than memory bandwidth sets the speed.

It uses torch_bench.py's own GPT, KV cache, timing and thread setting (../shared/bench, or
--bench DIR), so the model and the loop are W6's at another size. One step is 20 generations of
48 new tokens after a prompt of 16 random ids (batch 1); the median over the timed steps is
printed as new tokens/s, as `seqlab bench` prints its W6S line.

    /usr/bin/python3 scripts/gpt_small_generation.py --steps 20 --warmup 5
"""
import argparse
import os
import statistics
import sys

GENERATIONS_PER_STEP = 20
PROMPT, NEW = 16, 48


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default=os.path.join(here, "..", "..", "shared", "bench"),
                    help="the folder holding torch_bench.py (default: ../shared/bench beside the repository)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    a = ap.parse_args()
    sys.path.insert(0, a.bench)
    import torch
    import torch_bench as tb

    tb.set_threads(a.threads)
    cfg = tb.GPTConfig(block_size=64, n_layer=4, n_head=4, n_embd=128)
    torch.manual_seed(tb.SEED)
    model = tb.GPT(cfg).eval()
    prompt = torch.randint(0, cfg.vocab_size, (1, PROMPT), generator=torch.Generator().manual_seed(tb.SEED))

    def step():
        for _ in range(GENERATIONS_PER_STEP):
            model.generate(prompt, NEW)

    times = tb.time_steps(step, a.warmup, a.steps)
    per_step = GENERATIONS_PER_STEP * NEW
    rates = sorted(per_step / t for t in times)
    print("W6S  GPT greedy generation, CPU-recipe model (%s threads): median %.1f new tokens/s, best %.1f, worst %.1f"
          % (a.threads, per_step / statistics.median(times), rates[-1], rates[0]))
    print("     %d layers, %d heads, n_embd %d, block %d, vocab %d, %.2fM parameters; batch 1, prompt %d, %d new tokens, "
          "%d generations a step; %s" % (cfg.n_layer, cfg.n_head, cfg.n_embd, cfg.block_size, cfg.vocab_size,
                                         tb.count_params(model) / 1e6, PROMPT, NEW, GENERATIONS_PER_STEP, tb.blas_description()))


if __name__ == "__main__":
    main()
