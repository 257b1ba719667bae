#!/usr/bin/python3
"""Checks that a seqlab model directory (rnn-lm, seq2seq, transformer or gpt2, or a directory written by
`seqlab export --hf`) loads in PyTorch and gives seqlab's logits.

    /usr/bin/python3 scripts/check_pytorch_roundtrip.py MODEL_DIR IDS.safetensors LOGITS.safetensors

MODEL_DIR is a seqlab model directory; IDS holds input_ids [batch, time] (integer; for seq2seq
also decoder_input_ids and optionally attention_mask) and LOGITS the output of
`seqlab forward --model MODEL_DIR --input IDS --output LOGITS`. The weights are read by hand
(Debian has no safetensors package) and loaded with load_state_dict(strict=True) into the
architecture of PyTorch's example word-language model, into make_fixtures.py's Seq2SeqRef
(the seq2seq equations in PyTorch), or into the Seq2SeqTransformer of PyTorch's tutorial
"Language Translation with nn.Transformer" (sinusoidal positions: the tutorial's table is a
buffer seqlab does not store, so the tutorial's own is kept), or into make_fixtures.py's GPT2LMHeadModel
(Hugging Face's names and Conv1D layout; its attention-mask buffers, which seqlab does not store, are
the model's own, and a tied lm_head.weight is wte's, as from_pretrained ties it), and the logits compared.
"""

import json
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from make_fixtures import GPT2LMHeadModel, RNNModel, Seq2SeqRef, Seq2SeqTransformer, gelu_new  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NP = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype=NP[info["dtype"]]).reshape(info["shape"])
    return out


def main():
    model_dir, ids_path, logits_path = sys.argv[1:4]
    cfg = json.load(open(model_dir + "/config.json"))
    inputs = read(ids_path)
    ids = torch.from_numpy(inputs["input_ids"].astype(np.int64))
    state = {k: torch.from_numpy(v.copy()) for k, v in read(model_dir + "/model.safetensors").items()}
    arch = cfg.get("architecture", cfg.get("model_type"))
    if arch == "gpt2":
        if cfg.get("positional", "learned") != "learned":
            sys.exit("only learned positions have a GPT-2 counterpart, got " + cfg["positional"])
        act = {"gelu_new": gelu_new, "gelu": F.gelu, "relu": F.relu}[cfg["activation_function"]]
        tied = cfg.get("tie_word_embeddings", True)
        model = GPT2LMHeadModel(cfg["vocab_size"], cfg["n_positions"], cfg["n_embd"], cfg["n_layer"], cfg["n_head"],
                                cfg.get("n_inner") or 4 * cfg["n_embd"], act, cfg.get("layer_norm_epsilon", 1e-5), tied)
        own = model.state_dict()
        state = {(k if k.startswith("transformer.") or k == "lm_head.weight" else "transformer." + k): v for k, v in state.items()}
        for k in own:
            if k.endswith(".attn.bias") or k.endswith(".attn.masked_bias"):
                state[k] = own[k]
        if tied:
            state["lm_head.weight"] = state["transformer.wte.weight"]
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            logits = model(ids).numpy()
    elif arch == "transformer":
        if cfg["positional"] != "sinusoidal":
            sys.exit("only --positional sinusoidal has a counterpart in the tutorial's model, got " + cfg["positional"])
        model = Seq2SeqTransformer(cfg["num_encoder_layers"], cfg["num_decoder_layers"], cfg["d_model"], cfg["nhead"],
                                   cfg["src_vocab_size"], cfg["tgt_vocab_size"], cfg["dim_feedforward"], 0.0,
                                   cfg["activation"], cfg["norm_first"])
        state["positional_encoding.pos_embedding"] = model.state_dict()["positional_encoding.pos_embedding"]
        model.load_state_dict(state, strict=True)
        model.eval()
        src = ids.clone()
        if "attention_mask" in inputs:
            src[torch.from_numpy(inputs["attention_mask"] == 0)] = 0          # <pad> where the mask says padding
        tgt = torch.from_numpy(inputs["decoder_input_ids"].astype(np.int64))
        S, T = src.shape[1], tgt.shape[1]
        with torch.no_grad():
            logits = model(src.t(), tgt.t(), torch.zeros(S, S, dtype=torch.bool), torch.ones(T, T, dtype=torch.bool).triu(1),
                           src == 0, tgt == 0, src == 0).transpose(0, 1).numpy()
    elif arch == "seq2seq":
        model = Seq2SeqRef(cfg["cell"], cfg["attention"], cfg["source_vocab_size"], cfg["target_vocab_size"],
                           cfg["embedding_size"], cfg["hidden_size"], cfg["num_layers"], cfg["bidirectional"],
                           cfg["deep_output"])
        model.load_state_dict(state, strict=True)
        model.eval()
        mask = inputs.get("attention_mask", np.ones(ids.shape, dtype=np.int64)).astype(bool)
        with torch.no_grad():
            logits, _ = model(ids, torch.from_numpy(mask.sum(1)), torch.from_numpy(mask),
                              torch.from_numpy(inputs["decoder_input_ids"].astype(np.int64)), 1.0)
        logits = logits.numpy()
    else:
        model = RNNModel(cfg["cell"], cfg["vocab_size"], cfg["embedding_size"], cfg["hidden_size"],
                         cfg["num_layers"], 0.0, cfg["tie_weights"])
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            logits = model(ids.t().contiguous()).transpose(0, 1).numpy()
    theirs = read(logits_path)["logits"]
    diff = np.abs(logits - theirs)
    print("load_state_dict(strict=True): ok; logits %s; max |diff| %.3g; max |logit| %.3g"
          % (list(logits.shape), diff.max(), np.abs(logits).max()))
    sys.exit(0 if np.allclose(theirs, logits, rtol=1e-4, atol=1e-4) else 1)


if __name__ == "__main__":
    main()
