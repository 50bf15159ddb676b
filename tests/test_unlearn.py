"Unlearning and locate-and-edit through the command line, and every method on the demo world's evaluation at micro size"
import numpy as np, pandas as pd
import pytest
from behemoth.world import make_world, world_spec
from behemoth.vocab import make_vocab
from behemoth.edits import EditSpec, make_edits
from behemoth.train import TrainSpec, train
from behemoth.model import load_model_dir
from behemoth.edit import edit_model
from behemoth.evaluate import evaluate_edit, summarize, tidy
from behemoth.unlearn import unlearning_metrics, train_oracle, MIA_SCORES

from behemoth.cli import main

class Run:
    "What one in-process `behemoth` command returned and printed (the console script itself is tested in test_cli.py)"
    def __init__(self, capsys, args):
        capsys.readouterr()
        self.returncode = main([str(a) for a in args])
        self.stdout, self.stderr = capsys.readouterr()

MICRO = ['--preset', 'micro', '--steps', '150', '--batch-size', '16', '--seq-len', '64', '--lr', '0.01', '--min-lr', '0.001', '--warmup', '15']

def test_oracle_and_unlearning_cli(tmp_path, capsys):
    d = tmp_path
    behemoth = lambda *a: Run(capsys, a)
    assert behemoth('generate', '--preset', 'micro', '--out', d/'w', '--edit-kind', 'refusal', '--edit-relation', '2', '--edit-n', '4').returncode == 0
    r = behemoth('train', d/'w', '--out', d/'base', '--quiet', *MICRO); assert r.returncode == 0, r.stderr
    r = behemoth('oracle', d/'base', d/'w'/'edits'/'refusal', '--out', d/'oracle', '--quiet'); assert r.returncode == 0, r.stderr
    r = behemoth('edit', d/'base', d/'w'/'edits'/'refusal', '--out', d/'npo', '--objective', 'npo', '--lr', '0.001'); assert r.returncode == 0, r.stderr
    r = behemoth('evaluate', d/'npo', '--out', d/'res.csv', '--oracle', d/'oracle'); assert r.returncode == 0, r.stderr
    assert 'forget_quality' in r.stdout
    res = pd.read_csv(d/'res.csv')
    s = res[res.split == 'summary'].set_index('metric').value
    assert 0 <= s['forget_quality'] <= 1 and 'relearned_oracle' in s
    assert s['log_tr'] > s['log_tr_base'] and s['bits_removed'] > 0   # NPO holds less of the truth than the base model did
    assert 0 <= s['base_known'] <= 1 and np.isnan(s['forgotten']) == (s['base_known'] == 0)   # forgetting is measured over the facts the base knew
    assert all(0 <= s[f'mia_auc_{k}'] <= 1 and 0 <= s[f'mia_auc_{k}_oracle'] <= 1 and f'privleak_{k}' in s for k in MIA_SCORES)   # membership inference
    orec = load_model_dir(d/'oracle')[3]
    assert orec['steps'] == load_model_dir(d/'base')[3]['steps'] and len(orec['exclude']) == 4
    # ROME through the CLI, with its key statistics cached on disk
    r = behemoth('edit', d/'base', d/'w'/'edits'/'refusal', '--out', d/'rome', '--method', 'rome', '--key-position', 'last', '--mom2-tokens', '5000',
                 '--stats-dir', d/'stats'); assert r.returncode == 0, r.stderr
    assert list((d/'stats').glob('keys_*.pt'))
    # one-line errors, status 2, nothing written
    for args, word in [(('edit', d/'base', d/'w'/'edits'/'refusal', '--out', d/'bad', '--method', 'rome', '--objective', 'npo'), 'objective'),
                       (('edit', d/'base', d/'w'/'edits'/'refusal', '--out', d/'bad', '--method', 'rome', '--layers', '1,2'), 'layers'),
                       (('oracle', d/'w', d/'w'/'edits'/'refusal', '--out', d/'bad'), 'no model'),
                       (('oracle', d/'base', d/'w'/'edits'/'refusal', '--out', d/'oracle'), 'exists')]:
        r = behemoth(*args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and word in r.stderr, (args, r.stderr)
    assert not (d/'bad').exists()

ALL_METHODS = [dict(scope='full'), dict(scope='mlp'), dict(scope='attn'), dict(scope='mlp_attn'), dict(scope='mlp', layers=(1,)),
               dict(method='lora', rank=1), dict(method='lora', rank=8, scope='mlp'), dict(method='rome'), dict(method='memit')]
# at the prompt's last token, the two-layer micro model's keys barely depend on the subject (relative distance < 1e-3 at
# both layers): remaps, with one target each, are refused there, and refusals, which share their target, run
AT_LAST = [dict(method='rome', key_position='last'), dict(method='memit', key_position='last'), dict(method='memit', key_position='last', sequential=True)]
UNLEARN = [dict(objective='ascent'), dict(objective='difference'), dict(objective='npo'), dict(method='lora', objective='npo')]

def test_every_method_on_the_demo_world(tmp_path):
    "The demo (`tiny`) world with a `micro` model: every editor and unlearning method runs through the evaluation"
    w = make_world(world_spec('tiny')); v = make_vocab(w)
    train(w, tmp_path/'base', TrainSpec(preset='micro', steps=200, batch_size=32, seq_len=32, lr=1e-2, min_lr=1e-3, warmup=20), progress=False)
    base = load_model_dir(tmp_path/'base')[0]
    es = make_edits(w, v, EditSpec(kind='remap', relation=0, n=5, repeats=4, n_retain=20))
    rows = []
    for kw in ALL_METHODS:
        spec = dict(**kw, **(dict(mom2_tokens=20_000) if kw.get('method') in ('rome', 'memit') else dict(lr=1e-2 if kw.get('method') == 'lora' else 3e-3)))
        m, rec = edit_model(base, es, spec, vocab=v, world=w)
        sc = evaluate_edit(m, base, es, v, world=w, utility_size=200)
        rows.append(tidy(sc, rec).assign(method=rec['label']))
        assert rec['weight_changes'] and not np.isnan(summarize(sc)['efficacy'])
    for kw in AT_LAST:
        with pytest.raises(ValueError, match='keys coincide'): edit_model(base, es, dict(**kw, mom2_tokens=20_000), vocab=v, world=w)
    fr = make_edits(w, v, EditSpec(kind='refusal', relation=2, n=5, repeats=4, n_retain=20))
    train_oracle(tmp_path/'base', fr, tmp_path/'oracle')
    oracle = load_model_dir(tmp_path/'oracle')[0]
    for kw in UNLEARN + [dict(objective='refusal')] + AT_LAST:
        kw = dict(kw, **(dict(mom2_tokens=20_000) if 'key_position' in kw else dict(lr=3e-3 if kw['objective'] == 'refusal' else 1e-3)))
        m, rec = edit_model(base, fr, kw, vocab=v, world=w)
        um = unlearning_metrics(m, base, oracle, fr, v, world=w)
        rows.append(tidy(evaluate_edit(m, base, fr, v, world=w, utility_size=200), rec, extra=um))
        assert 0 <= um['forget_quality'] <= 1 and np.isfinite(um['bits_removed'])
    df = pd.concat(rows, ignore_index=True)
    assert df.groupby(['method', 'edit_kind']).ngroups == len(ALL_METHODS) + len(UNLEARN) + 1 + len(AT_LAST)
