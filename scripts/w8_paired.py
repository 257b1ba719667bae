#!/usr/bin/python3
"""W8 (sgemm) against torch.mm, paired round by round on the same machine.

On a machine whose speed moves between runs a minute apart (a shared VM), separate runs of
torch_bench.py and `seqlab bench` cannot resolve a 10% difference. This keeps one PyTorch process
(this one) and one waiting JVM (`seqlab bench --workload W8 --paired SECONDS`) and alternates them
shape by shape: in every round each side times each of W8's four shapes for SECONDS (median
GFLOP/s of samples of at least ~20 ms, after three untimed calls), the order of the two sides
swapped every round. It prints each round's figures and, per shape, the median over the rounds of
each round's seqlab / PyTorch ratio. Run with Debian's python3-torch:

    /usr/bin/python3 scripts/w8_paired.py --rounds 12 --seconds 2
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
import torch_bench  # noqa: E402 (W8's shapes, and a thread count that reaches OpenBLAS's pool too)
import torch  # noqa: E402

SHAPES = torch_bench.SGEMM_SHAPES                        # W8's (M, N, K)


def torch_round(operands, seconds):
    out = []
    for (m, n, k), (a, b, c) in zip(SHAPES, operands):
        flops = 2.0 * m * n * k
        inner = max(1, int(0.02 / max(flops / 100e9, 1e-7)))
        for _ in range(3):
            torch.mm(a, b, out=c)
        samples = []
        end = time.time() + seconds
        while True:
            t = time.perf_counter()
            for _ in range(inner):
                torch.mm(a, b, out=c)
            samples.append(flops * inner / (time.perf_counter() - t) / 1e9)
            if time.time() >= end:
                break
        out.append(statistics.median(samples))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=12, help="timed rounds (default 12)")
    ap.add_argument("--seconds", type=float, default=2.0, help="seconds per shape per side per round (default 2)")
    ap.add_argument("--threads", type=int, default=2, help="threads on both sides (default 2)")
    args = ap.parse_args()
    torch_bench.set_threads(args.threads)
    seqlab = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seqlab")
    jvm = subprocess.Popen([seqlab, "bench", "--workload", "W8", "--paired", str(args.seconds), "--threads", str(args.threads)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    first = jvm.stdout.readline()           # after its untimed round
    if first.strip() != "ready":
        raise SystemExit("seqlab bench --paired did not start (its stderr is above)")
    gen = torch.Generator().manual_seed(1234)
    operands = [(torch.randn(m, k, generator=gen), torch.randn(k, n, generator=gen), torch.empty(m, n)) for (m, n, k) in SHAPES]

    def seqlab_round():
        jvm.stdin.write("go\n")
        jvm.stdin.flush()
        return [float(x) for x in jvm.stdout.readline().split()]

    torch_round(operands, args.seconds)     # untimed, as the JVM's first round
    ratios = [[] for _ in SHAPES]
    names = ["%dx%dx%d" % s for s in SHAPES]
    for r in range(args.rounds):
        if r % 2 == 0:
            t, s = torch_round(operands, args.seconds), seqlab_round()
        else:
            s, t = seqlab_round(), torch_round(operands, args.seconds)
        for i in range(len(SHAPES)):
            ratios[i].append(s[i] / t[i])
        print("round %2d  " % r + "  ".join("%s torch %.1f seqlab %.1f (%.2f)" % (names[i], t[i], s[i], s[i] / t[i])
                                         for i in range(len(SHAPES))), flush=True)
    jvm.stdin.close()
    jvm.wait()
    print("median seqlab / torch.mm over %d rounds (GFLOP/s ratio; range):" % args.rounds)
    for i, name in enumerate(names):
        print("  %-16s %.3f  (%.2f-%.2f)" % (name, statistics.median(ratios[i]), min(ratios[i]), max(ratios[i])))


if __name__ == "__main__":
    main()
