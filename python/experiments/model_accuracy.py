"""The paper's accuracy claim on a trained transformer: every attention softmax replaced by a block.

    PYTHONPATH=python python3 python/experiments/model_accuracy.py            print the table
    PYTHONPATH=python python3 python/experiments/model_accuracy.py --write    also replace it in README.md
    options: --seeds 1,2,3 (the models trained), --finetune-steps 60 (0: no fine-tuning column),
             --quick (a few steps and windows, seed 1: to try the script, not for the table)

Needs Debian's python3-torch, libopenblas0 and python3-numpy, the fortune cookie files (Debian package `fortunes`,
/usr/share/games/fortunes) and the generator (npx tsx generator/cli.ts, for each block's emulator.json).

1. For each seed, trains a character-level GPT (2 layers, 4 heads, 128-wide, context 128) on the
   fortune files (two OpenBLAS threads; the weights are cached in python/experiments/.cache, which
   git ignores).
2. Evaluates validation loss and next-character accuracy with the float softmax, then with each
   block (softmax_lut.torch, bit-exact with the RTL) in every attention softmax: the scores of a
   row are quantised with the block's input format, the causal mask is the block's keep bits, and
   the block's output codes times 2^-OF are the attention weights (not renormalised). The blocks
   take two input formats: the paper's 8.4, and int8 with the scale softmax_lut.calibrate proposes
   from that model's validation scores.
3. Fine-tuning: the float model trained further for a fixed budget with the block in every
   attention softmax (straight-through gradient), then evaluated bit-exactly; and, as the control,
   the float model trained further for the same budget with the float softmax.
4. The table: each row's mean and standard deviation over the seeds.
5. With --capture, writes real attention score rows of the first seed's model with their causal
   lengths to generator/evidence/data/model-attention.json, the "model attention" workload.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import glob
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

# two BLAS threads and no OpenMP threads on top of them: Debian's torch (BLAS_INFO=generic) runs its
# matrix products in libblas, which libopenblas0 makes fast; more threads than cores only slow it
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
import softmax_lut  # noqa: E402
import softmax_lut.torch as slt  # noqa: E402

BEGIN = "<!-- model-accuracy:begin (PYTHONPATH=python python3 python/experiments/model_accuracy.py --write) -->"
END = "<!-- model-accuracy:end -->"
CACHE = os.path.join(ROOT, "python", "experiments", ".cache")
CAPTURE = os.path.join(ROOT, "generator", "evidence", "data", "model-attention.json")

SEED = 1  # the first model's seed; validation windows use seed 2 and the capture seed 3 whatever the model's
CTX = 128
LAYERS, HEADS, WIDTH = 2, 4, 128
STEPS, BATCH, LR = 1500, 24, 2e-3
FT_LR = 2e-4  # fine-tuning: a tenth of the training rate, constant
VAL_WINDOWS = 192

# The blocks: 8-bit output; 8-bit input with 4 fraction bits (the paper's case), and one input
# format chosen for the scores' range. A stream block of maxN = CTX takes a causal row as it is.
BASE = {"arch": "stream", "stream": {"lanes": 8, "maxN": CTX}, "input": {"width": 8, "frac": 4}, "output": {"width": 8, "frac": 8}}
BLOCKS = [
    ("rexp, linear (the paper's)", {"method": {"name": "rexp", "addressing": "linear"}}),
    ("rexp, normalized (ours)", {"method": {"name": "rexp", "addressing": "normalized"}}),
    ("rexp, normalized, small tables", {"method": {"name": "rexp", "addressing": "normalized", "expWidth": 13, "recipAddrBits": 7, "recipWidth": 7}}),
    ("rexp, normalized, rounding correct", {"output": {"width": 8, "frac": 8, "rounding": "correct"}, "method": {"name": "rexp"}}),
    ("lut2d, normalized", {"method": {"name": "lut2d", "addressing": "normalized"}}),
    ("lut2d, linear", {"method": {"name": "lut2d", "addressing": "linear"}}),
    ("logexp (ours)", {"method": {"name": "logexp"}}),
    ("hls4ml-like (tuned)", {"method": {"name": "hls4ml-like"}}),
    ("hls4ml default", {"method": {"name": "hls4ml-like", "addressing": "default"}}),
    ("exact divider", {"method": {"name": "exact"}}),
    ("I-BERT", {"method": {"name": "ibert"}}),
    ("Softermax", {"method": {"name": "softermax"}}),
]


def corpus() -> str:
    files = sorted(f for f in glob.glob("/usr/share/games/fortunes/*") if os.path.isfile(f) and not f.endswith((".dat", ".u8")))
    if not files:
        sys.exit("model_accuracy: no fortune files in /usr/share/games/fortunes (apt-get install fortunes)")
    text = ""
    for f in files:
        with open(f, encoding="latin-1") as fh:
            text += fh.read()
    return text


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.out = nn.Linear(WIDTH, WIDTH)
        self.softmax = None  # None: float; else a function of (scores, keep) -> weights (torch)
        self.record = None  # a list: the float scores and masks are appended to it

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(WIDTH, dim=2)
        hd = WIDTH // HEADS
        q, k, v = (z.view(b, t, HEADS, hd).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        keep = torch.tril(torch.ones(t, t, dtype=torch.bool))
        if self.record is not None:
            self.record.append(scores.detach().numpy())
        if self.softmax is None:
            w = F.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)
        else:
            w = self.softmax(scores, keep)
        y = (w @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.out(y)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
        self.att = Attention()
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(), nn.Linear(4 * WIDTH, WIDTH))

    def forward(self, x):
        x = x + self.att(self.n1(x))
        return x + self.mlp(self.n2(x))


class GPT(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.tok = nn.Embedding(vocab, WIDTH)
        self.pos = nn.Embedding(CTX, WIDTH)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.norm = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, vocab)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(t))
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x))

    def attentions(self):
        return [b.att for b in self.blocks]


def batches(data: np.ndarray, count: int, rng: np.random.Generator):
    starts = rng.integers(0, len(data) - CTX - 1, size=count)
    x = np.stack([data[s : s + CTX] for s in starts])
    y = np.stack([data[s + 1 : s + CTX + 1] for s in starts])
    return torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y.astype(np.int64))


def train_step(model: GPT, opt, data: np.ndarray, rng: np.random.Generator):
    """One optimiser step on a batch of BATCH windows of data; the loss."""
    x, y = batches(data, BATCH, rng)
    loss = F.cross_entropy(model(x).view(-1, model.head.out_features), y.view(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


@contextlib.contextmanager
def attention_softmax(model: GPT, softmax):
    """`softmax` in every attention of the model (None: the float one) while the block runs."""
    for a in model.attentions():
        a.softmax = softmax
    try:
        yield
    finally:
        for a in model.attentions():
            a.softmax = None


def train(text: str, seed: int, steps: int = STEPS):
    """The float model of this seed (cached), its training and validation data, and what describes it."""
    chars = sorted(set(text))
    data = np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    lut = np.zeros(256, dtype=np.int32)
    for i, c in enumerate(chars):
        lut[ord(c)] = i
    data = lut[data]
    split = int(0.9 * len(data))
    tr, va = data[:split], data[split:]
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = GPT(len(chars))
    params = sum(p.numel() for p in model.parameters())
    weights = os.path.join(CACHE, f"gpt_l{LAYERS}_w{WIDTH}_s{steps}_seed{seed}.pt")
    info = {"chars": len(text), "vocab": len(chars), "params": params, "steps": steps, "batch": BATCH}
    if os.path.exists(weights):
        state = torch.load(weights)
        model.load_state_dict(state["model"])
        info["trainSeconds"] = state["trainSeconds"]
        return model, tr, va, info
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    t0 = time.time()
    for step in range(steps):
        lr = LR * min(1.0, (step + 1) / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = train_step(model, opt, tr, rng)
        if step % 100 == 0 or step == steps - 1:
            print(f"model_accuracy: seed {seed}, step {step}/{steps}, train loss {loss.item():.3f}, {time.time() - t0:.0f} s", file=sys.stderr)
    info["trainSeconds"] = round(time.time() - t0, 1)
    os.makedirs(CACHE, exist_ok=True)
    torch.save({"model": model.state_dict(), "trainSeconds": info["trainSeconds"]}, weights)
    return model, tr, va, info


def finetune(model: GPT, tr: np.ndarray, softmax, steps: int, seed: int) -> GPT:
    """A copy of the model trained `steps` more steps (FT_LR, constant) with `softmax` in every attention."""
    m = copy.deepcopy(model)
    m.train()
    rng = np.random.default_rng(1000 + seed)
    opt = torch.optim.AdamW(m.parameters(), lr=FT_LR, weight_decay=0.01)
    with attention_softmax(m, softmax):
        for _ in range(steps):
            train_step(m, opt, tr, rng)
    m.eval()
    return m


@torch.no_grad()
def evaluate(model: GPT, va: np.ndarray, softmax=None, windows: int = VAL_WINDOWS) -> tuple[float, float]:
    rng = np.random.default_rng(SEED + 1)
    x, y = batches(va, windows, rng)
    losses, hits = [], []
    with attention_softmax(model, softmax):
        for i in range(0, windows, 32):
            logits = model(x[i : i + 32])
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[i : i + 32].reshape(-1), reduction="sum").item())
            hits.append((logits.argmax(-1) == y[i : i + 32]).sum().item())
    n = windows * CTX
    return sum(losses) / n, sum(hits) / n


def generate_block(name: str, over: dict, out: str) -> softmax_lut.Block:
    cfg = {"name": name, **json.loads(json.dumps(BASE)), **over}
    path = os.path.join(out, name + ".json")
    with open(path, "w") as fh:
        json.dump(cfg, fh)
    tsx = os.path.join(ROOT, "node_modules", ".bin", "tsx")
    subprocess.run([tsx, os.path.join(ROOT, "generator", "cli.ts"), "generate", path, "--out", os.path.join(out, name)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return softmax_lut.load(os.path.join(out, name))


@torch.no_grad()
def recorded_scores(model: GPT, va: np.ndarray, windows: int = VAL_WINDOWS) -> list:
    """The float model's attention scores on the validation windows: one (batch, heads, t, t) array per layer and batch."""
    rec: list = []
    for a in model.attentions():
        a.record = rec
    evaluate(model, va, windows=windows)
    for a in model.attentions():
        a.record = None
    return rec


def calibration(model: GPT, va: np.ndarray, windows: int = VAL_WINDOWS):
    """softmax_lut.calibrate on the model's validation scores, the causal mask their keep bits."""
    scores = np.concatenate(recorded_scores(model, va, windows))
    return softmax_lut.calibrate(scores, np.tril(np.ones((CTX, CTX), dtype=bool)))


def capture(model: GPT, va: np.ndarray, rows: int = 2000) -> None:
    rec = recorded_scores(model, va)
    rng = np.random.default_rng(SEED + 2)
    out = []
    for _ in range(rows):
        s = rec[rng.integers(len(rec))]
        b, h, t = rng.integers(s.shape[0]), rng.integers(s.shape[1]), rng.integers(CTX)
        out.append([round(float(v), 2) for v in s[b, h, t, : t + 1]])
    os.makedirs(os.path.dirname(CAPTURE), exist_ok=True)
    with open(CAPTURE, "w") as fh:
        json.dump(
            {
                "description": f"attention score rows (real values, 2 decimals) of the character-level GPT of python/experiments/model_accuracy.py on the fortune files, {rows} rows drawn with seed {SEED + 2} from its validation windows, each row the causal prefix 1..{CTX} of one query",
                "rows": out,
            },
            fh,
            separators=(",", ":"),
        )
        fh.write("\n")
    print(f"model_accuracy: wrote {rows} rows to {os.path.relpath(CAPTURE, ROOT)}", file=sys.stderr)


def block_softmax(blk: softmax_lut.Block):
    """The block as the attention's softmax: softmax_lut.torch, bit-exact, straight-through when training."""
    return lambda scores, keep: slt.softmax(blk, scores, mask=keep)


def stats(xs: list[float], fmt: str = ".2f") -> str:
    """mean, and the standard deviation over the seeds when there are several."""
    m = float(np.mean(xs))
    return f"{m:{fmt}}" if len(xs) == 1 else f"{m:{fmt}} ± {float(np.std(xs, ddof=1)):{fmt}}"


def main() -> None:
    ap = argparse.ArgumentParser(description="The blocks in a trained transformer's attention: accuracy, over seeds, with and without fine-tuning.")
    ap.add_argument("--seeds", default="1,2,3", help="the models' seeds (default 1,2,3)")
    ap.add_argument("--finetune-steps", type=int, default=60, help="fine-tuning budget in steps of %d windows (0: none)" % BATCH)
    ap.add_argument("--finetune-inputs", default="8.4", help="the input formats whose rows are fine-tuned: 8.4, int8 or both, comma-separated (default 8.4)")
    ap.add_argument("--quick", action="store_true", help="30 training steps, 32 validation windows, 3 fine-tuning steps, seed 1: to try the script")
    ap.add_argument("--write", action="store_true", help="replace the table in README.md")
    ap.add_argument("--capture", action="store_true", help="write the first seed's score rows to " + os.path.relpath(CAPTURE, ROOT))
    args = ap.parse_args()
    seeds = [1] if args.quick else [int(x) for x in args.seeds.split(",")]
    steps, windows = (30, 32) if args.quick else (STEPS, VAL_WINDOWS)
    ft = 3 if args.quick else args.finetune_steps
    ft_inputs = {x.strip() for x in args.finetune_inputs.split(",")}
    if not ft_inputs <= {"8.4", "int8"}:
        sys.exit(f"model_accuracy: --finetune-inputs {args.finetune_inputs}: allowed 8.4, int8 or both")
    if args.quick and args.write:
        sys.exit("model_accuracy: --quick does not write the table")
    t_start = time.time()
    text = corpus()
    # results[(format, label)] -> per seed: loss, accuracy, table bytes, fine-tuned accuracy
    res: dict = {}
    base: dict = {"loss": [], "acc": [], "ftacc": []}
    scales = []
    info: dict = {}
    with tempfile.TemporaryDirectory(prefix="softmax-lut-model-") as tmp:
        k = 0
        for seed in seeds:
            model, tr, va, info = train(text, seed, steps)
            model.eval()
            loss0, acc0 = evaluate(model, va, windows=windows)
            base["loss"].append(loss0)
            base["acc"].append(acc0)
            if ft:
                base["ftacc"].append(evaluate(finetune(model, tr, None, ft, seed), va, windows=windows)[1])
            cal = calibration(model, va, windows)
            scales.append(cal.scale)
            print(f"model_accuracy: seed {seed}: float accuracy {100 * acc0:.2f} %; calibrated input int8 x {cal.scale} ({100 * cal.clipped:.4f} % clipped)", file=sys.stderr)
            for fmt, fover in (("8.4", {}), ("int8, calibrated", {"input": cal.input})):
                for label, over in BLOCKS:
                    blk = generate_block(f"m{k}", {**fover, **over}, tmp)
                    k += 1
                    t0 = time.time()
                    loss, acc = evaluate(model, va, block_softmax(blk), windows)
                    r = res.setdefault((fmt, label), {"loss": [], "acc": [], "drop": [], "bytes": [], "ftdrop": []})
                    with open(os.path.join(tmp, blk.module, "manifest.json")) as fh:
                        r["bytes"].append(json.load(fh)["lutBytes"])
                    r["loss"].append(loss)
                    r["acc"].append(acc)
                    r["drop"].append(100 * (acc0 - acc) / acc0)
                    line = f"model_accuracy: seed {seed}, {label}, {fmt}: loss {loss:.4f}, accuracy {100 * acc:.2f} % ({time.time() - t0:.1f} s)"
                    if ft and fmt.split(",")[0] in ft_inputs:
                        t1 = time.time()
                        ftacc = evaluate(finetune(model, tr, block_softmax(blk), ft, seed), va, block_softmax(blk), windows)[1]
                        r["ftdrop"].append(100 * (acc0 - ftacc) / acc0)
                        line += f"; fine-tuned {100 * ftacc:.2f} % ({time.time() - t1:.1f} s)"
                    print(line, file=sys.stderr)
            if args.capture and seed == seeds[0]:
                capture(model, va)
    n = len(seeds)
    ftcol = f" | accuracy loss after fine-tuning {ft} steps (% of float)" if ft else ""
    rows = [
        f"| softmax | input | table bytes | validation loss | next-character accuracy | accuracy loss (% of float){ftcol} | paper's < 1 % holds |",
        "|---|---|---|---|---|---|" + ("---|" if ft else "") + "---|",
        f"| float | float | | {stats(base['loss'], '.4f')} | {stats([100 * a for a in base['acc']])} % | |" + (f" {stats([100 * (a0 - a) / a0 for a0, a in zip(base['acc'], base['ftacc'])])} (the control: float, fine-tuned) |" if ft else "") + " |",
    ]
    for (fmt, label), r in res.items():
        nbytes = r["bytes"][0] if len(set(r["bytes"])) == 1 else f"{min(r['bytes'])}..{max(r['bytes'])}"
        holds = "yes" if max(r["drop"]) < 1 else ("no" if min(r["drop"]) >= 1 else "not on every seed")
        rows.append(
            f"| {label} | {fmt} | {nbytes} | {stats(r['loss'], '.4f')} | {stats([100 * a for a in r['acc']])} % | {stats(r['drop'])} |"
            + ((f" {stats(r['ftdrop'])} |" if r["ftdrop"] else " |") if ft else "")
            + f" {holds} |"
        )
    elapsed = time.time() - t_start
    rows.append("")
    rows.append(
        f"A character-level GPT ({LAYERS} layers, {HEADS} heads, width {WIDTH}, context {CTX}, {info['params']} parameters) trained on the "
        f"{info['chars']} characters of Debian's fortune files ({info['vocab']} symbols; 90 % training, 10 % validation) for {info['steps']} steps "
        f"of {info['batch']} windows, {n} seed{'s' if n > 1 else ''} ({', '.join(map(str, seeds))}), each row the mean ± standard deviation over them, on two CPU threads with Debian's python3-torch and OpenBLAS. "
        f"Validation: {windows} windows of {CTX} characters (seed {SEED + 1}). Each block is a stream block (maxN {CTX}, the causal mask on "
        f"its keep bits) run bit-exactly by softmax_lut.torch in every attention softmax; its output codes times 2^-8 are the weights. "
        f"Accuracy loss: (float accuracy - block accuracy) / float accuracy, as the paper reports it, per seed. Input 8.4: 8 bits with 4 fraction bits, "
        f"the paper's 8-bit case, which saturates scores beyond +-8; int8, calibrated: the scale softmax_lut.calibrate proposes from each model's "
        f"validation scores ({', '.join(map(str, scales))}). "
        + (f"Fine-tuning ({' and '.join(sorted(ft_inputs))} rows): the float model trained {ft} more steps of {BATCH} windows (AdamW, rate {FT_LR}) with the block in every attention softmax "
           f"(straight-through gradient), then evaluated with the block; the float row's figure is the control, the float model trained the same steps "
           f"with the float softmax (negative: better than before). " if ft else "")
        + f"The whole run: {elapsed / 60:.0f} min."
    )
    table = "\n".join(rows)
    print(table)
    if args.write:
        readme = os.path.join(ROOT, "README.md")
        with open(readme, encoding="utf-8") as fh:
            text = fh.read()
        a, b = text.index(BEGIN), text.index(END)
        with open(readme, "w", encoding="utf-8") as fh:
            fh.write(text[: a + len(BEGIN)] + "\n" + table + "\n" + text[b:])
        print("README.md updated", file=sys.stderr)


if __name__ == "__main__":
    main()
