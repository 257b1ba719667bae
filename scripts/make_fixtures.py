#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that seqlab's parity tests read.

Run with Debian's python3-torch (the system Python):

    /usr/bin/python3 scripts/make_fixtures.py [recurrent] [attention] [bpe] [hub] [gpt2]   (the groups; all when none is named)

The bpe group also needs Debian's python3-regex and ../shared/data/gpt2-bpe; the hub group python3-regex.

Output: seqlab-core/src/test/resources/fixtures/*.safetensors, committed so the tests need no
Python. Debian has no safetensors package, so the format is written here by hand: an 8-byte
little-endian header length, a JSON header (tensors sorted by name, compact, padded with spaces
to a multiple of 8), then the raw little-endian data. The case's settings go in __metadata__.

Key layout in every file: inputs by their own names (x, h0, c0, input_ids, targets, w_*),
parameters as "param.<PyTorch name>", gradients as "grad.<name>", outputs by name.
"""

import json
import math
import os
import struct
import sys

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


class Seq2SeqRef(nn.Module):
    """The equations of seqlab's model/Seq2Seq written in PyTorch with the same module names: a
    packed (padding-aware) encoder, bridged final states when bidirectional, and a decoder run one
    step at a time (a length-1 sequence through nn.GRU/LSTM/RNN, hence the *_l0 names)."""

    def __init__(self, cell, attention, Vs, Vt, E, H, L, bidir, deep=True):
        super().__init__()
        self.deep = deep
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn_tanh": nn.RNN}[cell]
        self.cell, self.attention_kind, self.L, self.H = cell, attention, L, H
        DH = (2 if bidir else 1) * H
        self.bidir = bidir
        self.src_embed = nn.Embedding(Vs, E)
        self.encoder = rnn(E, H, L, batch_first=True, bidirectional=bidir)
        if bidir:
            self.bridge = nn.Linear(2 * H, H)
            if cell == "lstm":
                self.bridge_c = nn.Linear(2 * H, H)
        self.tgt_embed = nn.Embedding(Vt, E)
        luong = attention.startswith("luong")
        if attention == "bahdanau" or luong:
            kind = {"bahdanau": "bahdanau", "luong-dot": "dot", "luong-general": "general",
                    "luong-concat": "concat"}[attention]
            self.attention = Scores(kind, H, DH, H)
        dec_in = {"none": E, "context": E + H, "bahdanau": E + DH}.get(attention, E + H)
        self.decoder = rnn(dec_in, H, L, batch_first=True)
        if luong:
            self.combine = nn.Linear(DH + H, H)
        out_in = {"none": H, "context": 2 * H + E, "bahdanau": H + DH + E}.get(attention, H) if deep else H
        self.out = nn.Linear(out_in, Vt)

    def forward(self, src, lengths, mask, tgt_in, ratio):
        B, T = tgt_in.shape
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embed(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        enc, state = self.encoder(packed)
        enc, _ = nn.utils.rnn.pad_packed_sequence(enc, batch_first=True, total_length=src.shape[1])
        h, c = state if self.cell == "lstm" else (state, None)
        if self.bidir:
            h = torch.stack([torch.tanh(self.bridge(torch.cat([h[2 * k], h[2 * k + 1]], 1)))
                             for k in range(self.L)])
            if c is not None:
                c = torch.stack([self.bridge_c(torch.cat([c[2 * k], c[2 * k + 1]], 1)) for k in range(self.L)])
        kind = self.attention_kind
        z = h[-1] if kind == "context" else None
        feed = torch.zeros(B, self.H)
        tok = tgt_in[:, 0]
        logits_all, weights_all = [], []
        for t in range(T):
            e = self.tgt_embed(tok)
            if kind == "none":
                x = e
            elif kind == "context":
                x = torch.cat([e, z], 1)
            elif kind == "bahdanau":
                ctx, alpha = self.attention(h[-1], enc, mask)
                weights_all.append(alpha)
                x = torch.cat([e, ctx], 1)
            else:
                x = torch.cat([e, feed], 1)
            o, st = self.decoder(x.unsqueeze(1), (h, c) if c is not None else h)
            h, c = st if c is not None else (st, None)
            top = o[:, 0]
            if kind == "none" or (not self.deep and kind in ("context", "bahdanau")):
                feats = top
            elif kind == "context":
                feats = torch.cat([top, z, e], 1)
            elif kind == "bahdanau":
                feats = torch.cat([top, ctx, e], 1)
            else:
                ctx, alpha = self.attention(top, enc, mask)
                weights_all.append(alpha)
                feed = torch.tanh(self.combine(torch.cat([ctx, top], 1)))
                feats = feed
            logits = self.out(feats)
            logits_all.append(logits)
            if t + 1 < T:
                tok = tgt_in[:, t + 1] if ratio >= 1 else logits.argmax(1)
        return torch.stack(logits_all, 1), weights_all


def seq2seq_case(name, cell, attention, L, bidir, ratio, seed, Vs=13, Vt=11, E=6, H=5, steps=5, deep=True):
    torch.manual_seed(seed)
    m = Seq2SeqRef(cell, attention, Vs, Vt, E, H, L, bidir, deep)
    lengths = [6, 3, 4]                          # source tokens per row, <eos> included
    tlengths = [5, 2, 4]
    B, S, T = len(lengths), max(lengths), max(tlengths)
    src = torch.zeros(B, S, dtype=torch.long)
    mask = torch.zeros(B, S, dtype=torch.bool)
    tgt_in = torch.zeros(B, T, dtype=torch.long)
    tgt_out = torch.full((B, T), -100, dtype=torch.long)
    for b in range(B):
        src[b, :lengths[b]] = torch.randint(4, Vs, (lengths[b],))
        src[b, lengths[b] - 1] = 3
        mask[b, :lengths[b]] = True
        y = torch.randint(4, Vt, (tlengths[b],))
        y[-1] = 3
        tgt_out[b, :tlengths[b]] = y
        tgt_in[b, 0] = 2
        tgt_in[b, 1:tlengths[b]] = y[:-1]
    tensors = {"source": src.numpy().astype(np.int64), "source_lengths": np.array(lengths, dtype=np.int64),
               "target_in": tgt_in.numpy().astype(np.int64), "target_out": tgt_out.numpy().astype(np.int64)}
    for n, p in m.state_dict().items():
        tensors["param." + n] = f32(p)
    logits, weights = m(src, torch.tensor(lengths), mask, tgt_in, ratio)
    loss = F.cross_entropy(logits.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=-100)
    loss.backward()
    tensors["logits"] = f32(logits)
    tensors["loss"] = np.array([loss.item()], dtype=np.float32)
    if weights:
        tensors["weights"] = f32(torch.stack(weights, 1))   # (B, T, S)
    for n, p in m.named_parameters():
        tensors["grad." + n] = f32(p.grad)
    m.zero_grad()
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        lg, _ = m(src, torch.tensor(lengths), mask, tgt_in, ratio)
        loss = F.cross_entropy(lg.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=-100)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    tensors["adam_losses"] = np.array(losses, dtype=np.float32)
    meta = dict(cell=cell, attention=attention, source_vocab=Vs, target_vocab=Vt, embedding_size=E, hidden_size=H,
                num_layers=L, bidirectional=str(bidir).lower(), teacher_forcing=ratio, deep_output=str(deep).lower(),
                param_names=",".join(m.state_dict().keys()), torch=torch.__version__)
    save(os.path.join(OUT, "seq2seq_%s.safetensors" % name), tensors, meta)


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


def mha_case(name, seed, B, T, S, E, H, kind, masks, weights, batch_first=True):
    """nn.MultiheadAttention: kind self (q = k = v, one tensor), cross (k = v) or general (all three
    differ). masks: "causal" (attn_mask, True = hidden), "random" (attn_mask), "padding"
    (key_padding_mask, tail lengths). Key 0 is never hidden, so no row is empty (PyTorch gives NaN
    there). Loss: sum(out * w_out) (+ sum(weights * w_weights) when the weights are returned)."""
    torch.manual_seed(seed)
    m = nn.MultiheadAttention(E, H, batch_first=batch_first)
    shape = (lambda L: (B, L, E)) if batch_first else (lambda L: (L, B, E))
    q = torch.randn(*shape(T), requires_grad=True)
    if kind == "self":
        assert S == T
        k = v = q
    elif kind == "cross":
        k = torch.randn(*shape(S), requires_grad=True)
        v = k
    else:
        k = torch.randn(*shape(S), requires_grad=True)
        v = torch.randn(*shape(S), requires_grad=True)
    attn_mask = None
    kpm = None
    tensors = {}
    if "causal" in masks:
        attn_mask = torch.ones(T, S, dtype=torch.bool).triu(1 + S - T)
    if "random" in masks:
        attn_mask = torch.rand(T, S) < 0.4
        attn_mask[:, 0] = False
    if attn_mask is not None:
        tensors["attn_mask"] = attn_mask.numpy().astype(np.int64)
    if "padding" in masks:
        lengths = torch.randint(1, S + 1, (B,))
        lengths[0] = S
        kpm = torch.arange(S)[None, :] >= lengths[:, None]
        tensors["key_padding_mask"] = kpm.numpy().astype(np.int64)
    out, w = m(q, k, v, attn_mask=attn_mask, key_padding_mask=kpm, need_weights=weights, average_attn_weights=False)
    w_out = torch.randn(out.shape)
    loss = (out * w_out).sum()
    tensors["w_out"] = f32(w_out)
    if weights:
        w_weights = torch.randn(w.shape)
        loss = loss + (w * w_weights).sum()
        tensors["w_weights"] = f32(w_weights)
        tensors["weights"] = f32(w)
    loss.backward()
    tensors["query"] = f32(q)
    tensors["output"] = f32(out)
    tensors["grad.query"] = f32(q.grad)
    if kind != "self":
        tensors["key"] = f32(k)
        tensors["grad.key"] = f32(k.grad)
    if kind == "general":
        tensors["value"] = f32(v)
        tensors["grad.value"] = f32(v.grad)
    for pname, prm in m.named_parameters():
        tensors["param." + pname] = f32(prm)
        tensors["grad." + pname] = f32(prm.grad)
    save(os.path.join(OUT, "mha_%s.safetensors" % name), tensors,
         {"embed_dim": E, "num_heads": H, "kind": kind, "batch_first": batch_first, "need_weights": weights})


def padding_mask(B, S, gen):
    """(B, S) True after each row's length; row 0 full, every row at least one real token."""
    lengths = torch.randint(1, S + 1, (B,), generator=gen)
    lengths[0] = S
    return torch.arange(S)[None, :] >= lengths[:, None]


def transformer_case(name, seed, what, B, S, T, E, H, FF, norm_first, activation, layers=2):
    """nn.TransformerEncoderLayer, nn.TransformerDecoderLayer or nn.Transformer, batch first,
    dropout 0: src_key_padding_mask, causal tgt_mask, tgt_key_padding_mask, memory_key_padding_mask
    (= src's). Loss sum(out * w_out); gradients of the inputs and every parameter."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    kw = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=True, norm_first=norm_first)
    src = torch.randn(B, S, E, requires_grad=True)
    tgt = torch.randn(B, T, E, requires_grad=True)
    src_kpm = padding_mask(B, S, gen)
    tgt_kpm = padding_mask(B, T, gen)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    tensors = {"src": f32(src), "src_key_padding_mask": src_kpm.numpy().astype(np.int64)}
    if what == "encoder_layer":
        m = nn.TransformerEncoderLayer(E, H, **kw)
        out = m(src, src_key_padding_mask=src_kpm)
        inputs = {"src": src}
    elif what == "decoder_layer":
        m = nn.TransformerDecoderLayer(E, H, **kw)
        out = m(tgt, src, tgt_mask=causal, tgt_key_padding_mask=tgt_kpm, memory_key_padding_mask=src_kpm)
        inputs = {"src": src, "tgt": tgt}
    else:
        m = nn.Transformer(E, H, layers, layers, **kw)
        out = m(src, tgt, tgt_mask=causal, src_key_padding_mask=src_kpm, tgt_key_padding_mask=tgt_kpm,
                memory_key_padding_mask=src_kpm)
        inputs = {"src": src, "tgt": tgt}
    if what != "encoder_layer":
        tensors["tgt"] = f32(tgt)
        tensors["tgt_key_padding_mask"] = tgt_kpm.numpy().astype(np.int64)
    w_out = torch.randn(out.shape)
    (out * w_out).sum().backward()
    tensors["w_out"] = f32(w_out)
    tensors["output"] = f32(out)
    for k, x in inputs.items():
        tensors["grad." + k] = f32(x.grad)
    for pname, prm in m.named_parameters():
        tensors["param." + pname] = f32(prm)
        tensors["grad." + pname] = f32(prm.grad)
    save(os.path.join(OUT, "transformer_%s.safetensors" % name), tensors,
         {"what": what, "d_model": E, "nhead": H, "dim_feedforward": FF, "norm_first": norm_first,
          "activation": activation, "layers": layers})


class PositionalEncoding(nn.Module):
    """PyTorch's tutorial "Language Translation with nn.Transformer", as written there (time-major)."""

    def __init__(self, emb_size, dropout, maxlen=5000):
        super().__init__()
        den = torch.exp(- torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = torch.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = torch.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = torch.sin(pos * den)
        pos_embedding[:, 1::2] = torch.cos(pos * den)
        pos_embedding = pos_embedding.unsqueeze(-2)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", pos_embedding)

    def forward(self, token_embedding):
        return self.dropout(token_embedding + self.pos_embedding[:token_embedding.size(0), :])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size, emb_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.emb_size = emb_size

    def forward(self, tokens):
        return self.embedding(tokens.long()) * math.sqrt(self.emb_size)


class Seq2SeqTransformer(nn.Module):
    """The tutorial's model, plus nn.Transformer's activation and norm_first passed through."""

    def __init__(self, num_encoder_layers, num_decoder_layers, emb_size, nhead, src_vocab_size, tgt_vocab_size,
                 dim_feedforward=512, dropout=0.1, activation="relu", norm_first=False):
        super().__init__()
        self.transformer = nn.Transformer(d_model=emb_size, nhead=nhead, num_encoder_layers=num_encoder_layers,
                                          num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward,
                                          dropout=dropout, activation=activation, norm_first=norm_first)
        self.generator = nn.Linear(emb_size, tgt_vocab_size)
        self.src_tok_emb = TokenEmbedding(src_vocab_size, emb_size)
        self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, emb_size)
        self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

    def forward(self, src, trg, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, memory_key_padding_mask):
        src_emb = self.positional_encoding(self.src_tok_emb(src))
        tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg))
        outs = self.transformer(src_emb, tgt_emb, src_mask, tgt_mask, None, src_padding_mask, tgt_padding_mask,
                                memory_key_padding_mask)
        return self.generator(outs)


def translation_batch(Vs, Vt, lengths, tlengths):
    """Batch-first padded ids as seqlab's PairBatcher makes them: <pad> 0, <bos> 2, <eos> 3."""
    B, S, T = len(lengths), max(lengths), max(tlengths)
    src = torch.zeros(B, S, dtype=torch.long)
    tgt_in = torch.zeros(B, T, dtype=torch.long)
    tgt_out = torch.full((B, T), -100, dtype=torch.long)
    for b in range(B):
        src[b, :lengths[b]] = torch.randint(4, Vs, (lengths[b],))
        src[b, lengths[b] - 1] = 3
        y = torch.randint(4, Vt, (tlengths[b],))
        y[-1] = 3
        tgt_out[b, :tlengths[b]] = y
        tgt_in[b, 0] = 2
        tgt_in[b, 1:tlengths[b]] = y[:-1]
    return src, tgt_in, tgt_out


def tutorial_logits(m, src, tgt_in):
    """The tutorial's masks (create_mask) on batch-first ids; logits batch-first (B, T, V_t)."""
    S, T = src.shape[1], tgt_in.shape[1]
    tgt_mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    src_mask = torch.zeros(S, S, dtype=torch.bool)
    src_pad = src == 0
    tgt_pad = tgt_in == 0
    return m(src.t(), tgt_in.t(), src_mask, tgt_mask, src_pad, tgt_pad, src_pad).transpose(0, 1)


def translation_transformer_case(name, seed, norm_first, activation, Vs=13, Vt=11, E=16, H=4, L=2, FF=24, steps=10,
                                 smoothing=0.1):
    """The tutorial's Seq2SeqTransformer (dropout 0), llm.c's pattern: logits, loss with label
    smoothing, every gradient, and the losses of 10 AdamW steps (weight decay 0.01 on matrices only)."""
    torch.manual_seed(seed)
    m = Seq2SeqTransformer(L, L, E, H, Vs, Vt, dim_feedforward=FF, dropout=0.0, activation=activation, norm_first=norm_first)
    for p in m.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    src, tgt_in, tgt_out = translation_batch(Vs, Vt, [6, 3, 4], [5, 2, 4])
    tensors = {"source": src.numpy().astype(np.int64), "source_lengths": np.array([6, 3, 4], dtype=np.int64),
               "target_in": tgt_in.numpy().astype(np.int64), "target_out": tgt_out.numpy().astype(np.int64)}
    for n, p in m.named_parameters():
        tensors["param." + n] = f32(p)
    logits = tutorial_logits(m, src, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=-100, label_smoothing=smoothing)
    loss.backward()
    tensors["logits"] = f32(logits)
    tensors["loss"] = np.array([loss.item()], dtype=np.float32)
    for n, p in m.named_parameters():
        tensors["grad." + n] = f32(p.grad)
    m.zero_grad()
    decay = [p for p in m.parameters() if p.dim() >= 2]
    rest = [p for p in m.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=1e-3)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        lg = tutorial_logits(m, src, tgt_in)
        l = F.cross_entropy(lg.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=-100, label_smoothing=smoothing)
        losses.append(l.item())
        l.backward()
        opt.step()
    tensors["adamw_losses"] = np.array(losses, dtype=np.float32)
    meta = dict(src_vocab_size=Vs, tgt_vocab_size=Vt, d_model=E, nhead=H, layers=L, dim_feedforward=FF,
                norm_first=str(norm_first).lower(), activation=activation, label_smoothing=smoothing,
                param_names=",".join(n for n, _ in m.named_parameters()), torch=torch.__version__)
    save(os.path.join(OUT, "translation_transformer_%s.safetensors" % name), tensors, meta)


def recurrent_fixtures():
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
    seq2seq_case("gru_none", "gru", "none", 1, False, 1.0, 60)
    seq2seq_case("gru_none_free", "gru", "none", 1, False, 0.0, 61)
    seq2seq_case("lstm_none_bi2", "lstm", "none", 2, True, 1.0, 62)
    seq2seq_case("gru_context", "gru", "context", 1, False, 1.0, 63)
    seq2seq_case("gru_bahdanau_bi", "gru", "bahdanau", 1, True, 1.0, 64)
    seq2seq_case("gru_bahdanau_free", "gru", "bahdanau", 1, True, 0.0, 65)
    seq2seq_case("lstm_bahdanau_l2", "lstm", "bahdanau", 2, False, 1.0, 66)
    seq2seq_case("gru_luong_dot", "gru", "luong-dot", 1, False, 1.0, 67)
    seq2seq_case("lstm_luong_general_bi", "lstm", "luong-general", 1, True, 1.0, 68)
    seq2seq_case("rnn_tanh_luong_concat_l2", "rnn_tanh", "luong-concat", 2, False, 1.0, 69)
    seq2seq_case("gru_bahdanau_shallow", "gru", "bahdanau", 1, False, 1.0, 70, deep=False)   # the W4 model


def attention_fixtures():
    mha_case("self_causal_padding", 80, B=2, T=5, S=5, E=12, H=3, kind="self", masks=("causal", "padding"), weights=True)
    mha_case("self_padding_fused", 81, B=3, T=70, S=70, E=16, H=2, kind="self", masks=("causal", "padding"), weights=False)
    mha_case("cross_padding", 82, B=3, T=4, S=7, E=8, H=2, kind="cross", masks=("padding",), weights=True)
    mha_case("cross_fused", 83, B=2, T=9, S=66, E=14, H=2, kind="cross", masks=("padding",), weights=False)
    mha_case("general_time_major", 84, B=2, T=6, S=3, E=6, H=1, kind="general", masks=("random",), weights=False,
             batch_first=False)
    transformer_case("encoder_post_relu", 90, "encoder_layer", B=3, S=6, T=1, E=8, H=2, FF=12, norm_first=False,
                     activation="relu")
    transformer_case("encoder_pre_gelu", 91, "encoder_layer", B=2, S=70, T=1, E=12, H=3, FF=20, norm_first=True,
                     activation="gelu")
    transformer_case("decoder_post_relu", 92, "decoder_layer", B=3, S=5, T=4, E=8, H=2, FF=12, norm_first=False,
                     activation="relu")
    transformer_case("decoder_pre_gelu", 93, "decoder_layer", B=2, S=7, T=6, E=12, H=4, FF=16, norm_first=True,
                     activation="gelu")
    transformer_case("whole_post", 94, "transformer", B=2, S=6, T=5, E=16, H=4, FF=24, norm_first=False, activation="relu")
    transformer_case("whole_pre", 95, "transformer", B=3, S=4, T=7, E=8, H=2, FF=16, norm_first=True, activation="gelu",
                     layers=3)
    translation_transformer_case("post_relu", 96, False, "relu")
    translation_transformer_case("pre_gelu", 97, True, "gelu")
    mha_case("general_weights", 85, B=1, T=3, S=8, E=10, H=5, kind="general", masks=("random", "padding"), weights=True)


GPT2_PIECES = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def gpt2_byte_symbols():
    """bytes_to_unicode: the bytes printable in Latin-1 stand for themselves, the other 68 for
    U+0100 onwards in byte order."""
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(0xA1, 0xAD)) | set(range(0xAE, 0x100))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def gpt2_merge(symbols, ranks):
    """The published algorithm: merge every occurrence, left to right, of the adjacent pair with
    the lowest rank; repeat until no adjacent pair has a rank."""
    word = list(symbols)
    while len(word) > 1:
        best = min(zip(word, word[1:]), key=lambda p: ranks.get(p, math.inf))
        if best not in ranks:
            break
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                out.append(word[i] + word[i + 1])
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = out
    return word


def gpt2_encode(text, encoder, ranks, symbols):
    import regex
    ids = []
    chunks = text.split("<|endoftext|>")
    for n, chunk in enumerate(chunks):
        for piece in regex.findall(GPT2_PIECES, chunk):
            ids.extend(encoder[t] for t in gpt2_merge("".join(symbols[b] for b in piece.encode("utf-8")), ranks))
        if n + 1 < len(chunks):
            ids.append(encoder["<|endoftext|>"])
    return ids


def bpe_fixtures():
    """GPT-2's ids for a suite of texts, from its files in ../shared/data/gpt2-bpe and the published
    algorithm (written out above; needs Debian's python3-regex, the module GPT-2's encoder uses)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "gpt2-bpe")
    with open(os.path.join(root, "encoder.json"), encoding="utf-8") as f:
        encoder = json.load(f)
    with open(os.path.join(root, "vocab.bpe"), encoding="utf-8") as f:
        lines = f.read().split("\n")[1:]
    ranks = {tuple(line.split(" ")): r for r, line in enumerate(l for l in lines if l)}
    symbols = gpt2_byte_symbols()
    texts = [
        "Hello world", "", " ", "   ", "hello   ", "  leading spaces", "a  b   c\n\n\t\t  d   \n",
        "The quick brown fox jumps over the lazy dog.",
        "I'm you're he's we've they'd I'll it't",
        "I'M YOU'RE HE'S WE'VE THEY'D I'LL",
        "don\u2019t \u2018quoted\u2019 \"double\"",
        "numbers 0 12 345 6789 3.14159 1,000,000 2023-12-01 0x1F",
        "abc123def 42nd 3rd",
        "def f(x):\n    return x ** 2  # square\n\nif __name__ == '__main__':\n\tprint(f(3))\n",
        "for (int i = 0; i < n; i++) { a[i] += b[i] * c; }",
        "caf\u00e9 na\u00efve \u00c5ngstr\u00f6m \u00fcber stra\u00dfe",
        "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3001\u4e2d\u6587\u3002\ud55c\uad6d\uc5b4",
        "\U0001F600\U0001F44D\U0001F3FD \U0001F1EB\U0001F1F7 family: \U0001F468\u200d\U0001F469\u200d\U0001F467",
        "\u3000\u3000a", "a\u00a0b\u2028c\u2029d\u0085e\u202ff\u205fg\u1680h",
        "\x1c\x1d\x1e\x1f separators \x00 nul \x7f del",
        "broken \ufffd\ufffd bytes",
        "first<|endoftext|>second<|endoftext|>", "<|endoftext|>", "<|endoftext", "x <|endoftext|> y",
        "line1\nline2\r\nline3\rline4",
        "!!! ??? ... --- ***", "e.g. i.e. U.S.A.",
        "a" * 1000, " " * 50 + "x", "ab" * 300,
        "e\u0301t\u00e9 cafe\u0301", "x\u00b2 \u216b \u0663\u0664", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
        "it\u2019s \"quoted\" (parens) [brackets] {braces}", "tab\tafter  two\u3000ideographic",
    ]
    cases = [{"text": t, "ids": gpt2_encode(t, encoder, ranks, symbols)} for t in texts]
    path = os.path.join(OUT, "bpe_gpt2.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, ensure_ascii=True, indent=0)
        f.write("\n")
    print("wrote", path, len(cases), "cases")


def hub_tokenizer_fixtures():
    """A byte-level BPE tokenizer.json in the Hugging Face hub's layout, field for field as GPT-2's
    (openai-community/gpt2) holds it, written here independently of seqlab's writer, with a small
    made-up vocabulary (the 256 byte symbols in GPT-2's id order, 20 merges, <|endoftext|>) so that
    no GPT-2 data is committed; twice: merges as "left right" strings with the model's type (the
    hub's file), and as [left, right] pairs without it (tokenizers 0.20's form, an older file's
    missing type). The ids of a suite of texts come from the published algorithm above."""
    symbols = gpt2_byte_symbols()
    printable = [b for b in range(256) if ord(symbols[b]) == b]
    order = printable + [b for b in range(256) if ord(symbols[b]) != b]     # GPT-2's encoder.json order
    vocab = {symbols[b]: i for i, b in enumerate(order)}
    merges = [("\u0120", "t"), ("h", "e"), ("\u0120t", "he"), ("i", "n"), ("\u0120", "a"), ("r", "e"), ("o", "n"),
              ("\u0120", "s"), ("e", "r"), ("\u0120a", "n"), ("\u0120an", "d"), ("l", "l"), ("\u0120", "w"), ("o", "r"),
              ("\u0120w", "or"), ("l", "d"), ("\u0120wor", "ld"), ("H", "e"), ("He", "ll"), ("Hell", "o")]
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab["<|endoftext|>"] = len(vocab)
    ranks = {m: r for r, m in enumerate(merges)}

    def byte_level(prefix, trim):
        return {"type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": trim, "use_regex": True}

    def layout(pairs):
        model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                 "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                 "merges": [list(m) for m in merges] if pairs else ["%s %s" % m for m in merges]}
        if pairs:
            del model["type"]
        return {"version": "1.0", "truncation": None, "padding": None,
                "added_tokens": [{"id": vocab["<|endoftext|>"], "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                                  "rstrip": False, "normalized": True, "special": True}],
                "normalizer": None, "pre_tokenizer": byte_level(False, True), "post_processor": byte_level(True, False),
                "decoder": byte_level(True, True), "model": model}

    for name, pairs in (("bpe_hub", False), ("bpe_hub_pairs", True)):
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
        with open(os.path.join(OUT, name, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(layout(pairs), f, ensure_ascii=False, indent=2)
    texts = ["Hello world", "the and there in the world", "Hello<|endoftext|>the end", " the  the\n\tthe",
             "she's here, isn't she? 123", "caf\u00e9 \u65e5\u672c \U0001F600", "", "<|endoftext|>", "HelloHello wor ld"]
    cases = [{"text": t, "ids": gpt2_encode(t, vocab, ranks, symbols)} for t in texts]
    path = os.path.join(OUT, "bpe_hub_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, ensure_ascii=True, indent=0)
        f.write("\n")
    print("wrote", path, "and bpe_hub/, bpe_hub_pairs/", len(cases), "cases")


# ---------------------------------------------------------------------------------------------- GPT-2
# Hugging Face's GPT2LMHeadModel written out in torch (Debian has no transformers): the same module
# names, Conv1D's [in, out] weights (y = x·W + b), the causal-mask buffers of older checkpoints,
# gelu_new, pre-LN blocks, ln_f and the head tied to wte.


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: weight (nx, nf), y = x @ weight + bias."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf).normal_(std=0.02))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return torch.addmm(self.bias, x.reshape(-1, x.size(-1)), self.weight).reshape(x.shape[:-1] + (self.weight.size(1),))


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, E, H, P):
        super().__init__()
        self.register_buffer("bias", torch.tril(torch.ones(P, P, dtype=torch.bool)).view(1, 1, P, P))
        self.register_buffer("masked_bias", torch.tensor(-1e4))
        self.n_head, self.c_attn, self.c_proj = H, Conv1D(3 * E, E), Conv1D(E, E)
        self.attn_dropout, self.resid_dropout = nn.Dropout(0.0), nn.Dropout(0.0)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = self.c_attn(x).split(E, dim=2)
        heads = lambda t: t.view(B, T, self.n_head, E // self.n_head).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        w = q @ k.transpose(-1, -2) / math.sqrt(v.size(-1))
        w = torch.where(self.bias[:, :, :T, :T], w, torch.tensor(torch.finfo(w.dtype).min))
        w = self.attn_dropout(F.softmax(w, dim=-1))
        a = (w @ v).transpose(1, 2).reshape(B, T, E)
        return self.resid_dropout(self.c_proj(a))


class GPT2MLP(nn.Module):
    def __init__(self, inner, E, act):
        super().__init__()
        self.c_fc, self.c_proj, self.act, self.dropout = Conv1D(inner, E), Conv1D(E, inner), act, nn.Dropout(0.0)

    def forward(self, x):
        return self.dropout(self.c_proj(self.act(self.c_fc(x))))


class GPT2Block(nn.Module):
    def __init__(self, E, H, P, inner, act, eps):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(E, eps=eps), GPT2Attention(E, H, P)
        self.ln_2, self.mlp = nn.LayerNorm(E, eps=eps), GPT2MLP(inner, E, act)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2Model(nn.Module):
    def __init__(self, V, P, E, L, H, inner, act, eps):
        super().__init__()
        self.wte, self.wpe, self.drop = nn.Embedding(V, E), nn.Embedding(P, E), nn.Dropout(0.0)
        self.h = nn.ModuleList([GPT2Block(E, H, P, inner, act, eps) for _ in range(L)])
        self.ln_f = nn.LayerNorm(E, eps=eps)
        for e in (self.wte, self.wpe):
            nn.init.normal_(e.weight, std=0.02)

    def forward(self, ids, position_ids=None):
        if position_ids is None:
            position_ids = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.drop(self.wte(ids) + self.wpe(position_ids))
        for b in self.h:
            x = b(x)
        return self.ln_f(x)


class GPT2LMHeadModel(nn.Module):
    def __init__(self, V, P, E, L, H, inner, act, eps, tied):
        super().__init__()
        self.transformer = GPT2Model(V, P, E, L, H, inner, act, eps)
        self.lm_head = nn.Linear(E, V, bias=False)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight
        else:
            nn.init.normal_(self.lm_head.weight, std=0.02)

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))


CONV1D_SUFFIXES = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def gpt2_case(name, seed, activation, tied, hub_names, V=23, P=16, E=12, L=2, H=3, inner=48, B=2, T=9, steps=10):
    """A GPT-2 (dropout 0) with random weights, llm.c's pattern: logits, loss, every gradient, and the
    losses of 10 AdamW steps (nanoGPT's: betas (0.9, 0.99), weight decay 0.1 on matrices and
    embeddings, lr 1e-3). Writes the checkpoint as a Hugging Face directory gpt2_<name>/ (config.json,
    model.safetensors: the hub's names without "transformer." and with the attention buffers when
    hub_names, else save_pretrained's GPT2LMHeadModel names) and the reference values in
    gpt2_<name>.safetensors, gradients in Linear's [out, in] layout under the GPT2LMHeadModel names."""
    torch.manual_seed(seed)
    act = gelu_new if activation == "gelu_new" else (lambda x: F.gelu(x))
    m = GPT2LMHeadModel(V, P, E, L, H, inner, act, 1e-5, tied)
    with torch.no_grad():                       # LayerNorms and biases away from 1 and 0, so a mix-up shows
        for n, p in m.named_parameters():
            if p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
    ids = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B, T))
    targets[1, 2] = -100
    d = os.path.join(OUT, "gpt2_" + name)
    os.makedirs(d, exist_ok=True)
    state = {}
    for n, t in m.state_dict().items():
        if tied and n == "lm_head.weight":
            continue                             # save_pretrained leaves a tied head out
        key = n[len("transformer."):] if hub_names and n.startswith("transformer.") else n
        if n.endswith(".attn.bias") or n.endswith(".attn.masked_bias"):
            if not hub_names:
                continue
            state[key] = t.numpy().astype(np.float32) if t.dtype != torch.bool else t.numpy().astype(np.float32)
            continue
        state[key] = f32(t)
    save(os.path.join(d, "model.safetensors"), state, {"format": "pt"})
    config = {"activation_function": activation, "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.0, "embd_pdrop": 0.0,
              "resid_pdrop": 0.0, "initializer_range": 0.02, "layer_norm_epsilon": 1e-5, "model_type": "gpt2", "n_ctx": P,
              "n_embd": E, "n_head": H, "n_inner": inner, "n_layer": L, "n_positions": P, "vocab_size": V,
              "bos_token_id": None, "eos_token_id": None}
    if not tied:
        config["tie_word_embeddings"] = False
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    # row 0's first 4 tokens alone, with the weights as saved (before the AdamW steps below): what
    # that prompt gives left-padded in a batch beside the whole row (position_ids = cumsum(mask) - 1)
    with torch.no_grad():
        short = ids[0, :4].unsqueeze(0)
        short_logits = f32(m(short))
    logits = m(ids)
    loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    tensors = {"input_ids": ids.numpy().astype(np.int64), "targets": targets.numpy().astype(np.int64),
               "logits": f32(logits), "loss": np.array([loss.item()], dtype=np.float32),
               "short_ids": short.numpy().astype(np.int64), "short_logits": short_logits}
    for n, p in m.named_parameters():
        g = p.grad.t() if n.endswith(CONV1D_SUFFIXES) else p.grad
        tensors["grad." + n] = f32(g)
    decay = [p for p in m.parameters() if p.dim() >= 2]
    rest = [p for p in m.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=1e-3,
                            betas=(0.9, 0.99))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        l = F.cross_entropy(m(ids).reshape(-1, V), targets.reshape(-1), ignore_index=-100)
        losses.append(l.item())
        l.backward()
        opt.step()
    tensors["adamw_losses"] = np.array(losses, dtype=np.float32)
    save(os.path.join(OUT, "gpt2_%s.safetensors" % name), tensors,
         dict(vocab_size=V, n_positions=P, n_embd=E, n_layer=L, n_head=H, n_inner=inner, activation=activation,
              tied=str(tied).lower(), torch=torch.__version__))


def gpt2_fixtures():
    gpt2_case("tied", 1501, "gelu_new", True, True)
    gpt2_case("untied", 1502, "gelu", False, False, inner=20)


GROUPS = {"recurrent": recurrent_fixtures, "attention": attention_fixtures, "bpe": bpe_fixtures, "hub": hub_tokenizer_fixtures,
          "gpt2": gpt2_fixtures}


def main():
    """Writes the groups named on the command line (recurrent, attention), or all of them. A group
    once committed is regenerated only when its cases change: another machine's torch may differ in
    the last bit (the bidirectional cases do), and the tests' tolerances allow for that."""
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    names = sys.argv[1:] or list(GROUPS)
    for n in names:
        if n not in GROUPS:
            raise SystemExit("unknown group %r; groups: %s" % (n, ", ".join(GROUPS)))
        GROUPS[n]()


if __name__ == "__main__":
    main()
