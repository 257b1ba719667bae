#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that seqlab's parity tests read.

Run with Debian's python3-torch (the system Python):

    /usr/bin/python3 scripts/make_fixtures.py

Output: seqlab-core/src/test/resources/fixtures/*.safetensors, committed so the tests need no
Python. Debian has no safetensors package, so the format is written here by hand: an 8-byte
little-endian header length, a JSON header (tensors sorted by name, compact, padded with spaces
to a multiple of 8), then the raw little-endian data. The case's settings go in __metadata__.

Key layout in every file: inputs by their own names (x, h0, c0, input_ids, targets, w_*),
parameters as "param.<PyTorch name>", gradients as "grad.<name>", outputs by name.
"""

import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seqlab-core", "src", "test",
                   "resources", "fixtures")
DTYPES = {np.float32: "F32", np.float64: "F64", np.int64: "I64", np.int32: "I32"}


def save(path, tensors, metadata):
    """tensors: name -> numpy array (C order). metadata: str -> str."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        dtype = DTYPES[a.dtype.type]
        raw = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print("wrote %s (%d bytes)" % (os.path.relpath(path), 8 + len(h) + offset))


def f32(t):
    return t.detach().numpy().astype(np.float32)


def recurrent_case(name, cell, layers, bidirectional, batch_first, with_state, T, B, I, H, seed, lengths=None):
    """lengths: a padded batch run as a packed sequence (enforce_sorted=False); outputs at padded
    positions are PyTorch's zeros and get zero loss weight."""
    torch.manual_seed(seed)
    kinds = {"rnn_tanh": lambda: nn.RNN(I, H, layers, nonlinearity="tanh", batch_first=batch_first,
                                        bidirectional=bidirectional),
             "rnn_relu": lambda: nn.RNN(I, H, layers, nonlinearity="relu", batch_first=batch_first,
                                        bidirectional=bidirectional),
             "lstm": lambda: nn.LSTM(I, H, layers, batch_first=batch_first, bidirectional=bidirectional),
             "gru": lambda: nn.GRU(I, H, layers, batch_first=batch_first, bidirectional=bidirectional)}
    m = kinds[cell]()
    D = 2 if bidirectional else 1
    x = torch.randn((B, T, I) if batch_first else (T, B, I), requires_grad=True)
    tensors = {"x": f32(x)}
    args = [x]
    h0 = c0 = None
    if with_state:
        h0 = (0.5 * torch.randn(layers * D, B, H)).requires_grad_()
        tensors["h0"] = f32(h0)
        if cell == "lstm":
            c0 = (0.5 * torch.randn(layers * D, B, H)).requires_grad_()
            tensors["c0"] = f32(c0)
            args.append((h0, c0))
        else:
            args.append(h0)
    if lengths is not None:
        args[0] = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                                    enforce_sorted=False)
        tensors["lengths"] = np.array(lengths, dtype=np.int64)
    out, state = m(*args)
    if lengths is not None:
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    hn, cn = state if cell == "lstm" else (state, None)
    w_out = torch.randn(out.shape)
    if lengths is not None:
        for b, n in enumerate(lengths):
            if batch_first:
                w_out[b, n:] = 0
            else:
                w_out[n:, b] = 0
    w_h = torch.randn(hn.shape)
    loss = (out * w_out).sum() + (hn * w_h).sum()
    tensors.update(w_out=f32(w_out), w_h=f32(w_h), out=f32(out), h_n=f32(hn))
    if cn is not None:
        w_c = torch.randn(cn.shape)
        loss = loss + (cn * w_c).sum()
        tensors.update(w_c=f32(w_c), c_n=f32(cn))
    loss.backward()
    for pname, p in m.named_parameters():
        tensors["param." + pname] = f32(p)
        tensors["grad." + pname] = f32(p.grad)
    tensors["grad.x"] = f32(x.grad)
    if h0 is not None:
        tensors["grad.h0"] = f32(h0.grad)
    if c0 is not None:
        tensors["grad.c0"] = f32(c0.grad)
    meta = dict(cell=cell, num_layers=layers, bidirectional=str(bidirectional).lower(),
                batch_first=str(batch_first).lower(), input_size=I, hidden_size=H,
                with_state=str(with_state).lower(), param_names=",".join(n for n, _ in m.named_parameters()),
                torch=torch.__version__)
    save(os.path.join(OUT, "recurrent_%s.safetensors" % name), tensors, meta)


class RNNModel(nn.Module):
    """The architecture of pytorch/examples word_language_model's RNNModel (same module names,
    same init), written here for the fixture: embedding -> dropout -> RNN -> dropout -> linear."""

    def __init__(self, cell, ntoken, ninp, nhid, nlayers, dropout=0.0, tie_weights=False):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if cell in ("lstm", "gru"):
            self.rnn = getattr(nn, cell.upper())(ninp, nhid, nlayers, dropout=dropout)
        else:
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=cell[4:], dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        r = 0.1
        nn.init.uniform_(self.encoder.weight, -r, r)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -r, r)

    def forward(self, ids):                      # ids (T, B), time-major as in the example
        out, _ = self.rnn(self.drop(self.encoder(ids)))
        return self.decoder(self.drop(out))      # (T, B, V) logits


def lm_case(cell, tie, seed, V=11, E=8, H=8, L=2, B=3, T=7, steps=10):
    torch.manual_seed(seed)
    model = RNNModel(cell, V, E, H, L, 0.0, tie)
    ids = torch.randint(0, V, (B, T + 1))
    x, y = ids[:, :-1], ids[:, 1:]
    tensors = {"input_ids": x.numpy().astype(np.int64), "targets": y.numpy().astype(np.int64)}
    for n, p in model.state_dict().items():          # what a user's state dict holds (tied: both keys)
        tensors["param." + n] = f32(p)
    logits = model(x.t().contiguous()).transpose(0, 1)   # (B, T, V)
    loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    loss.backward()
    tensors["logits"] = f32(logits)
    tensors["loss"] = np.array([loss.item()], dtype=np.float32)
    initial_state = {n: f32(p) for n, p in model.state_dict().items()}
    for n, p in model.named_parameters():
        tensors["grad." + n] = f32(p.grad)
    # 10 AdamW steps on the same batch (PyTorch defaults but lr): the llm.c pattern
    model.zero_grad()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        logits = model(x.t().contiguous()).transpose(0, 1)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        losses.append(loss.item())
        loss.backward()
        opt.step()
    tensors["adamw_losses"] = np.array(losses, dtype=np.float32)
    for n, p in model.state_dict().items():
        tensors["after." + n] = f32(p)
    # the file a user of the PyTorch example would write: the state dict alone (tied: one name,
    # as safetensors' save_model keeps one of two shared tensors), with the logits to expect
    state = dict(initial_state)
    if tie:
        del state["decoder.weight"]
    save(os.path.join(OUT, "pt_rnnlm_%s%s.safetensors" % (cell, "_tied" if tie else "")), state,
         {"format": "pt"})
    meta = {"architecture": "rnn-lm", "cell": cell, "vocab_size": V, "embedding_size": E, "hidden_size": H,
            "num_layers": L, "dropout": "0.0", "tie_weights": str(tie).lower(),
            "adamw": "lr=0.01 betas=(0.9,0.999) eps=1e-8 weight_decay=0.01", "torch": torch.__version__}
    save(os.path.join(OUT, "rnnlm_%s%s.safetensors" % (cell, "_tied" if tie else "")), tensors, meta)


def layer_norm_case(seed=5, rows=6, C=37):
    torch.manual_seed(seed)
    ln = nn.LayerNorm(C)
    with torch.no_grad():
        ln.weight.copy_(1 + 0.1 * torch.randn(C))
        ln.bias.copy_(0.1 * torch.randn(C))
    x = (3 * torch.randn(rows, C) + 1).requires_grad_()
    y = ln(x)
    w = torch.randn(rows, C)
    (y * w).sum().backward()
    tensors = {"x": f32(x), "w": f32(w), "y": f32(y), "param.weight": f32(ln.weight), "param.bias": f32(ln.bias),
               "grad.x": f32(x.grad), "grad.weight": f32(ln.weight.grad), "grad.bias": f32(ln.bias.grad)}
    save(os.path.join(OUT, "layernorm.safetensors"), tensors, {"eps": "1e-05", "torch": torch.__version__})


class Scores(nn.Module):
    """The attention scores of seqlab's nn/attention, with the same parameter names:
    bahdanau (W_a, U_a, v: torch_bench.py), luong-dot, luong-general and luong-concat (attn, v:
    the PyTorch chatbot tutorial's Attn)."""

    def __init__(self, kind, hq, hk, a):
        super().__init__()
        self.kind = kind
        if kind == "bahdanau":
            self.W_a = nn.Linear(hq, a, bias=False)
            self.U_a = nn.Linear(hk, a)
            self.v = nn.Linear(a, 1, bias=False)
        elif kind == "general":
            self.attn = nn.Linear(hk, hq)
        elif kind == "concat":
            self.attn = nn.Linear(hq + hk, a)
            self.v = nn.Parameter(torch.rand(a) - 0.5)

    def forward(self, s, h, mask):               # s (B, Hq), h (B, S, Hk), mask (B, S) bool
        if self.kind == "bahdanau":
            e = self.v(torch.tanh(self.W_a(s).unsqueeze(1) + self.U_a(h))).squeeze(2)
        elif self.kind == "dot":
            e = (s.unsqueeze(1) * h).sum(2)
        elif self.kind == "general":
            e = (s.unsqueeze(1) * self.attn(h)).sum(2)
        else:
            rep = s.unsqueeze(1).expand(-1, h.size(1), -1)
            e = (self.v * torch.tanh(self.attn(torch.cat([rep, h], 2)))).sum(2)
        alpha = F.softmax(e.masked_fill(~mask, float("-inf")), dim=1)
        return torch.bmm(alpha.unsqueeze(1), h).squeeze(1), alpha


def attention_case(kind, seed, B=3, S=5, hq=6, hk=6, a=7):
    torch.manual_seed(seed)
    m = Scores(kind, hq, hk, a)
    s = torch.randn(B, hq, requires_grad=True)
    h = torch.randn(B, S, hk, requires_grad=True)
    mask = torch.ones(B, S, dtype=torch.bool)
    mask[1, 3:] = False                           # padding at the end of row 1
    mask[2, 0] = False                            # and a hole in row 2
    context, alpha = m(s, h, mask)
    w_c, w_a = torch.randn(context.shape), torch.randn(alpha.shape)
    ((context * w_c).sum() + (alpha * w_a).sum()).backward()
    tensors = {"query": f32(s), "keys": f32(h), "mask": mask.numpy().astype(np.int64), "w_context": f32(w_c),
               "w_weights": f32(w_a), "context": f32(context), "weights": f32(alpha),
               "grad.query": f32(s.grad), "grad.keys": f32(h.grad)}
    for n, p in m.named_parameters():
        tensors["param." + n] = f32(p)
        tensors["grad." + n] = f32(p.grad)
    save(os.path.join(OUT, "attention_%s.safetensors" % kind), tensors,
         {"kind": kind, "query_dim": hq, "key_dim": hk, "attn_dim": a, "torch": torch.__version__})


def bleu_cases():
    """corpus_bleu of NLTK (default weights, no smoothing) on fixed and random token lists."""
    import random
    from nltk.translate.bleu_score import corpus_bleu
    rnd = random.Random(3)
    words = "the a cat dog sat on mat is was big small red".split()
    cases = [
        {"refs": [[["the", "cat", "is", "on", "the", "mat"], ["there", "is", "a", "cat", "on", "the", "mat"]]],
         "hyps": [["the", "cat", "the", "cat", "on", "the", "mat"]]},
        {"refs": [[["a", "b", "c", "d"]]], "hyps": [["a", "b", "c", "d"]]},
        {"refs": [[["a", "b", "c", "d", "e", "f"]]], "hyps": [["a", "b", "c"]]},
        {"refs": [[["x", "y"]]], "hyps": [["z"]]},
        {"refs": [[["a", "b", "c", "d", "e"]], [["a", "b"]]], "hyps": [["a", "b", "c", "d", "e"], ["a", "b"]]},
    ]
    for _ in range(30):
        n = rnd.randint(1, 6)
        refs, hyps = [], []
        for _ in range(n):
            refs.append([[rnd.choice(words) for _ in range(rnd.randint(3, 14))] for _ in range(rnd.randint(1, 3))])
            base = rnd.choice(refs[-1])
            hyp = [w if rnd.random() < 0.7 else rnd.choice(words) for w in base]
            hyps.append(hyp[:rnd.randint(1, len(hyp))] if rnd.random() < 0.3 else hyp)
        cases.append({"refs": refs, "hyps": hyps})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for c in cases:
            c["bleu"] = repr(float(corpus_bleu(c["refs"], c["hyps"])))
    path = os.path.join(OUT, "bleu_nltk.json")
    with open(path, "w") as f:
        json.dump({"nltk": __import__("nltk").__version__, "cases": cases}, f, indent=1)
    print("wrote %s (%d cases)" % (os.path.relpath(path), len(cases)))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    seed = 100
    for cell in ("rnn_tanh", "rnn_relu", "lstm", "gru"):
        recurrent_case(cell + "_l1", cell, 1, False, False, False, T=5, B=3, I=4, H=6, seed=seed)
        recurrent_case(cell + "_l2_state", cell, 2, False, True, True, T=4, B=2, I=5, H=7, seed=seed + 1)
        recurrent_case(cell + "_bi2_state", cell, 2, True, True, True, T=3, B=2, I=3, H=17, seed=seed + 2)
        recurrent_case(cell + "_bi2_packed", cell, 2, True, True, True, T=6, B=4, I=3, H=9, seed=seed + 3,
                       lengths=[6, 2, 1, 4])
        seed += 10
    layer_norm_case()
    bleu_cases()
    for i, kind in enumerate(("bahdanau", "dot", "general", "concat")):
        attention_case(kind, 40 + i)
    lm_case("lstm", False, 7)
    lm_case("lstm", True, 8)
    lm_case("gru", False, 9)
    lm_case("rnn_tanh", False, 10)


if __name__ == "__main__":
    main()
