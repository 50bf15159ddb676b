"""Training speed: Behemoth's loop against a plain `transformers.Trainer`, data-loading share, time to 99% recall.

    python benchmarks/bench_train.py            # everything (about 10 minutes on 2 CPU cores)
    python benchmarks/bench_train.py --quick    # the loop comparison only

Rows:
- `behemoth loop` / `transformers.Trainer`: the `tiny` model on the `tiny` world's corpus, the same batches (64
  sequences of 32 tokens, taken from the same `TokenStream`), the same optimizer settings, `--steps` steps each,
  measured in one run, interleaved, best of `--repeats`. The loop's tokens/s counts its whole step (data included); the Trainer's is its own
  `train_samples_per_second` over pre-built tensors (its data loading is nearly free).
- `data loading share`: the fraction of the loop's step time spent reading and decoding the stream.
- `demo to 99% recall`: `make demo`'s training (`behemoth.cli.DEMO_TRAIN`: stop at 99% recall of all probes) from scratch.
- On a CUDA machine, `pythia-31m bf16`: tokens/s and model FLOPs utilisation (6 N + 12 L T d FLOPs per token over
  the GPU's dense bf16 peak).
"""
import argparse, json, os, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from behemoth.world import world_spec, make_world
from behemoth.vocab import make_vocab
from behemoth.corpus import make_corpus, TokenStream
from behemoth.model import model_config, make_model, n_params
from behemoth.train import TrainSpec, train

def trainer_tokens_per_s(spec:TrainSpec, world, vocab, steps:int)->float:
    "tokens/s of `transformers.Trainer` on the same model, batches and optimizer settings"
    from transformers import Trainer, TrainingArguments
    from transformers.utils import logging
    logging.set_verbosity_error()
    stream = TokenStream(make_corpus(world, vocab=vocab), spec.batch_size, spec.seq_len)
    rows = torch.cat([next(stream) for _ in range(steps)])
    class Rows(torch.utils.data.Dataset):
        def __len__(self): return len(rows)
        def __getitem__(self, i): return dict(input_ids=rows[i], labels=rows[i])   # T+1 tokens: T predictions, as in the loop
    model = make_model(model_config(vocab, spec.preset), spec.seed).train()
    with tempfile.TemporaryDirectory() as t:
        args = TrainingArguments(output_dir=t, per_device_train_batch_size=spec.batch_size, max_steps=steps, learning_rate=spec.lr,
                                 warmup_steps=spec.warmup, lr_scheduler_type='cosine', weight_decay=spec.weight_decay,
                                 adam_beta1=spec.beta1, adam_beta2=spec.beta2, max_grad_norm=spec.clip, logging_strategy='no',
                                 save_strategy='no', report_to=[], use_cpu=not torch.cuda.is_available(), dataloader_num_workers=0,
                                 disable_tqdm=True, seed=spec.seed, bf16=torch.cuda.is_available())
        m = Trainer(model=model, args=args, train_dataset=Rows()).train().metrics
    return m['train_samples_per_second'] * spec.seq_len

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=300, help="steps of each side of the loop comparison")
    ap.add_argument('--repeats', type=int, default=2, help="runs of each side of the loop comparison (best is reported)")
    ap.add_argument('--quick', action='store_true', help="the loop comparison only")
    a = ap.parse_args()
    rows = []
    w = make_world(world_spec('tiny')); v = make_vocab(w)
    spec = TrainSpec(steps=a.steps, eval_every=0, warmup=30)
    ours, theirs = [], []
    for _ in range(a.repeats):   # interleaved, best of each: load from other processes hits both sides alike
        with tempfile.TemporaryDirectory() as t:
            rec = train(w, Path(t)/'m', spec, progress=False)
        ours.append(rec['tokens_per_s'])
        theirs.append(trainer_tokens_per_s(spec, w, v, a.steps))
    ours, theirs = max(ours), max(theirs)
    rows += [('behemoth loop', f"tiny, {a.steps} steps of 64 x 32", f"{ours:,.0f} tokens/s", f"{ours / theirs:.2f}x the Trainer"),
             ('transformers.Trainer', f"tiny, {a.steps} steps of 64 x 32", f"{theirs:,.0f} tokens/s", 'baseline'),
             ('data loading share', 'of the loop\'s step time', f"{rec['data_frac']:.2%}", 'target < 5%')]
    if not a.quick:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as t:
            from behemoth.cli import DEMO_TRAIN
            rec = train(w, Path(t)/'m', TrainSpec(**DEMO_TRAIN), progress=False)
        rows.append(('demo to 99% recall', f"tiny world, {rec['steps']} steps, {rec['tokens']:,} tokens",
                     f"{time.time() - t0:.0f} s wall ({rec['train_seconds']:.0f} s training)",
                     f"recall {rec['recall']:.2%}, stopped by {rec['stopped']}; target < 600 s"))
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name()
        peak = 989e12 if any(k in name for k in ('H100', 'H200')) else float('nan')   # dense bf16, SXM
        rw = make_world(world_spec('reference', repeats=50))
        gs = TrainSpec(preset='pythia-31m', steps=300, batch_size=64, seq_len=512, eval_every=0, warmup=30, compile=True)
        with tempfile.TemporaryDirectory() as t:
            rec = train(rw, Path(t)/'m', gs, progress=False)
        cfg = model_config(make_vocab(rw), 'pythia-31m')
        flops = 6 * rec['model']['params'] + 12 * cfg.num_hidden_layers * gs.seq_len * cfg.hidden_size
        rows.append(('pythia-31m bf16', f"{name}, 64 x 512, reference world", f"{rec['tokens_per_s']:,.0f} tokens/s",
                     f"MFU {rec['tokens_per_s'] * flops / peak:.1%}"))
    else: rows.append(('pythia-31m bf16', 'no CUDA device here', '-', 'run on a GPU machine'))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(pd.DataFrame(rows, columns=['what', 'setting', 'measured', 'note']).to_string(index=False))

if __name__ == '__main__': main()
