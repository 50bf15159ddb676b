"SimNPO, IdkDPO and RMU through the command line: their flags, their one-line errors, and a run of each on a micro model"
import json
import numpy as np, pytest, torch
from behemoth.cli import main
from behemoth.edit import make_editor
from behemoth.edits import load_edits
from behemoth.finetune import RMU, training_rows, forget_targets, frozen_nll, layer_output, rmu_layers, rmu_mask
from behemoth.model import load_model_dir

MICRO = "--preset micro --steps 100 --batch-size 16 --seq-len 64 --lr 0.01 --min-lr 0.001 --warmup 10 --quiet"

def run(capsys, args):
    "Exit status, stdout and stderr of one in-process `behemoth` command"
    capsys.readouterr()
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err

@pytest.mark.parametrize('args, flags', [
    (['--method', 'rmu'], ['--layer', '--layers', '--modules', '--steer', '--alpha', '--positions', '--lr', '--steps', '--epochs', '--batch-size', '--seed']),
    (['--objective', 'simnpo'], ['--simnpo-beta', '--simnpo-gamma', '--retain-weight']),
    (['--objective', 'idkdpo'], ['--idkdpo-beta', '--retain-weight']),
])
def test_help_lists_the_flags(capsys, args, flags):
    with pytest.raises(SystemExit) as e: main(['edit', 'm', 'e', *args, '--help'])
    out = capsys.readouterr().out
    assert e.value.code == 0 and all(f in out for f in flags), [f for f in flags if f not in out]
    if args[1] == 'rmu': assert '--objective' not in out and '--scope' not in out   # RMU has its own fields, no objective

@pytest.mark.parametrize('kw, field', [
    (dict(method='rmu', steer=0), 'steer'), (dict(method='rmu', alpha=-1.), 'alpha'), (dict(method='rmu', positions='first'), 'positions'),
    (dict(method='rmu', layer=-1), 'layer'), (dict(method='rmu', layers=()), 'layers'), (dict(method='rmu', modules=('',)), 'modules'),
    (dict(method='rmu', modules=None), 'modules'),
    (dict(method='rmu', batch_size=0), 'batch_size'), (dict(method='rmu', steps=1.5), 'steps'), (dict(method='rmu', objective='npo'), 'objective'),
    (dict(objective='simnpo', simnpo_beta=0), 'simnpo_beta'), (dict(objective='simnpo', simnpo_gamma=-0.1), 'simnpo_gamma'),
    (dict(objective='idkdpo', idkdpo_beta=True), 'idkdpo_beta'), (dict(objective='npo', simnpo_beta=1.), 'simnpo_beta'),
])
def test_invalid_fields_name_the_field(kw, field):
    with pytest.raises(ValueError, match=field): make_editor(kw)

@pytest.mark.parametrize('args, word', [
    (['--method', 'rmu', '--positions', 'middle'], 'positions'),
    (['--method', 'rmu', '--steer', '-5'], 'steer'),
    (['--objective', 'simnpo', '--simnpo-gamma', '-1'], 'simnpo_gamma'),
    (['--objective', 'idkdpo', '--idkdpo-beta', 'none'], 'idkdpo_beta'),
])
def test_bad_flags_are_one_line_errors(tmp_path, capsys, args, word):
    "The setting is checked before any input is read: one line, status 2, nothing written"
    rc, _, err = run(capsys, ['edit', tmp_path/'m', tmp_path/'e', *args, '--out', tmp_path/'x'])
    assert rc == 2 and len(err.strip().splitlines()) == 1 and err.startswith('behemoth: error:') and word in err, err
    assert list(tmp_path.iterdir()) == []

@pytest.fixture(scope='module')
def micro(tmp_path_factory):
    "A micro world with a refusal edit set of relation 0 and a micro model trained on it for 100 steps"
    d = tmp_path_factory.mktemp('unlearn_methods')
    assert main(['generate', '--preset', 'micro', '--out', str(d/'w'), '--edit-kind', 'refusal', '--edit-relation', '0', '--edit-n', '4']) == 0
    assert main(['train', str(d/'w'), '--out', str(d/'base'), *MICRO.split()]) == 0
    return d

def edit(capsys, d, name, *args):
    rc, out, err = run(capsys, ['edit', d/'base', d/'w'/'edits'/'refusal', '--out', d/name, *args])
    assert rc == 0, err
    m, _, _, rec = load_model_dir(d/name)
    return m, rec['edit']                      # the edited model's record holds the edit's record

def test_simnpo_and_idkdpo_unlearn(micro, capsys):
    base = load_model_dir(micro/'base')[0]
    es = load_edits(micro/'w'/'edits'/'refusal')
    vocab = load_model_dir(micro/'base')[2]
    win = training_rows(es.train, retain=False)                                  # the refusal marker after each forgotten fact's prompt
    lose = training_rows(forget_targets(es.train, es, vocab), retain=False)     # its true object
    nll = lambda m, r: frozen_nll(m, r, torch.device('cpu')).numpy()
    sn, rec = edit(capsys, micro, 'simnpo', '--objective', 'simnpo', '--lr', '0.001')
    assert rec['label'] == 'ft-full-simnpo' and rec['editor']['simnpo_gamma'] == 0 and rec['stopped'] == 'steps'
    assert (nll(sn, lose) > nll(base, lose)).all()                               # every true object less likely than under the base
    im, rec = edit(capsys, micro, 'idkdpo', '--objective', 'idkdpo', '--lr', '0.001', '--idkdpo-beta', '0.2')
    assert rec['label'] == 'ft-full-idkdpo' and rec['editor']['idkdpo_beta'] == 0.2
    assert nll(im, win).mean() < nll(base, win).mean() and nll(im, lose).mean() > nll(base, lose).mean()
    assert make_editor(rec['editor']) == make_editor('ft', objective='idkdpo', lr=0.001, idkdpo_beta=0.2)   # the record makes the setting again

def test_rmu_misdirects_the_forget_rows_only(micro, capsys):
    base, _, vocab, _ = load_model_dir(micro/'base')
    es = load_edits(micro/'w'/'edits'/'refusal')
    m, rec = edit(capsys, micro, 'rmu', '--method', 'rmu', '--layers', '0,1')
    n = int((es.train.table.role == 'edit').sum())
    assert rec['label'] == 'rmu' and rec['editor']['layers'] == [0, 1] and rec['fits'][0]['layer'] == 1 and rec['steps'] == 5 * -(-n // 8)
    assert sorted(w['parameter'] for w in rec['weight_changes']) == sorted(f'gpt_neox.layers.{l}.mlp.{m}.weight' for l in (0, 1)
                                                                           for m in ('dense_h_to_4h', 'dense_4h_to_h'))
    rows = training_rows(forget_targets(es.train, es, vocab))
    msk = rmu_mask(rows).bool()
    with torch.no_grad(): h0, h1 = layer_output(base, rows.ids, 1), layer_output(m, rows.ids, 1)
    rel = (h1 - h0).norm(dim=-1) / h0.norm(dim=-1)
    forget, retain = (rel[msk & torch.from_numpy(rows.role == r)[:, None]].mean() for r in ('edit', 'retain'))
    assert forget > 0.5 and retain < forget / 4, (forget, retain)
    assert make_editor(rec['editor']) == RMU(layers=(0, 1))
