"""Editing speed: one edit of 10 facts on the `tiny` preset by each demo editor, ROME, MEMIT, AlphaEdit, GRACE, in-context editing and the unlearning methods, and its evaluation.

    python benchmarks/bench_edit.py             # trains the tiny model first (about 3 minutes on 2 CPU cores)
    python benchmarks/bench_edit.py --model runs/demo/model --edits runs/demo/edits/remap   # reuse `make demo`'s

Each row: the editor, its optimizer steps (it stops once the 10 edits are learned), the edit's wall time
(copying the model, training, merging, and the weight-change SVDs), and the evaluation's wall time (every split
of the edit set plus 500 untouched facts, edited and base model). Target: an edit under 30 s on 2 cores.
ROME and MEMIT run twice: the first computes the key statistics (100k corpus tokens per layer), the second reads
them from the cache. Target: a ROME edit under 10 s with the statistics cached. The unlearning rows forget 10
facts of a refusal edit set (relation 2); their efficacy column is the refusal marker's, so read `stopped`.
"""
import argparse, tempfile, time
from pathlib import Path
import pandas as pd, torch
from behemoth.world import world_spec, make_world
from behemoth.vocab import make_vocab
from behemoth.edits import EditSpec, make_edits, load_edits
from behemoth.model import load_model_dir
from behemoth.train import TrainSpec, train
from behemoth.edit import edit_model
from behemoth.locate import clear_key_statistics
from behemoth.evaluate import evaluate_edit, summarize
from behemoth.demo import DEMO_TRAIN, DEMO_EDITORS

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default=None, help="a trained tiny model directory (default: train one)")
    ap.add_argument('--edits', default=None, help="an edit set directory (default: 10 remap edits of relation 0)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        if a.model is None:
            train(world_spec('tiny'), Path(t)/'m', TrainSpec(**DEMO_TRAIN), progress=False)
            a.model = Path(t)/'m'
        model, world, vocab, rec = load_model_dir(a.model)
        es = load_edits(a.edits) if a.edits else make_edits(world, vocab, EditSpec(n=10))
        rows = []
        clear_key_statistics()
        runs = [(kw, '') for kw in DEMO_EDITORS if kw.get('method') not in ('rome', 'memit')]
        for kw in (dict(method='rome'), dict(method='rome', key_position='last'), dict(method='memit', key_position='last'),
                   dict(method='alphaedit', key_position='last')):
            runs += [(kw, 'cold'), (kw, 'cached')]
        runs += [(dict(method='grace'), ''), (dict(method='ice'), '')]
        fs = make_edits(world, vocab, EditSpec(kind='refusal', relation=2, n=10))
        runs += [(dict(method='ft', objective=o, lr=1e-3), 'forget') for o in ('ascent', 'difference', 'npo', 'simnpo', 'idkdpo')]
        runs += [(dict(method='rmu'), 'forget')]
        for kw, stats in runs:
            if stats == 'cold': clear_key_statistics()
            t0 = time.perf_counter()
            edited, r = edit_model(model, fs if stats == 'forget' else es, kw, vocab=vocab, world=world)
            t1 = time.perf_counter()
            s = summarize(evaluate_edit(edited, model, fs if stats == 'forget' else es, vocab, world=world))
            rows.append(dict(editor=r['label'], stats=stats, edits=r['n_edits'], steps=r['steps'], stopped=r['stopped'],
                             edit_s=round(t1 - t0, 2), eval_s=round(time.perf_counter() - t1, 2), efficacy=s['efficacy'],
                             locality_d3=s['locality_d3'], utility=s['utility']))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; base model recall {rec['recall']:.2%}")
    print(pd.DataFrame(rows).to_string(index=False, float_format='{:.3f}'.format))

if __name__ == '__main__': main()
