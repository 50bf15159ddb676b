"Training through the real entry points: torchrun data parallelism (gloo, two CPU processes) agrees with one process"
import json, os, shutil, subprocess, sys
import pytest, torch

ARGS = ('--preset', 'micro', '--steps', '24', '--batch-size', '8', '--seq-len', '32', '--lr', '1e-2', '--warmup', '4',
        '--eval-every', '8', '--save-every', '12', '--log-every', '4', '--quiet')

def run(*cmd, env=None):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return r

def losses(d): return [h['loss'] for h in map(json.loads, (d/'log.jsonl').read_text().splitlines()) if h['kind'] == 'train']

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp('w')/'world'
    run(sys.executable, '-m', 'behemoth.cli', 'world', '--preset', 'micro', '--out', d)
    return d

@pytest.mark.skipif(shutil.which('torchrun') is None, reason='torchrun is not installed')
def test_ddp_two_cpu_processes_match_one(world, tmp_path):
    from safetensors.torch import load_file
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    run(sys.executable, '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'one', *ARGS, env=env)
    run('torchrun', '--standalone', '--nproc-per-node', '2', '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'two', *ARGS, env=env)
    one, two = [json.loads((tmp_path/d/'record.json').read_text()) for d in ('one', 'two')]
    assert (one['world_size'], two['world_size']) == (1, 2)
    assert one['steps'] == two['steps'] == 24 and one['tokens'] == two['tokens']
    assert losses(tmp_path/'one') == pytest.approx(losses(tmp_path/'two'), rel=1e-4)
    a, b = load_file(tmp_path/'one'/'model.safetensors'), load_file(tmp_path/'two'/'model.safetensors')
    assert a.keys() == b.keys()
    for k in a: torch.testing.assert_close(a[k], b[k], rtol=1e-3, atol=1e-4, msg=k)
    assert abs(one['recall'] - two['recall']) < 0.02
    assert [p.name for p in sorted((tmp_path/'two'/'checkpoints').iterdir())] == ['step_0000012']

def test_grad_accum_matches_full_batch(world, tmp_path):
    "Two accumulation steps of 4 sequences take the optimization steps of one batch of 8"
    run(sys.executable, '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'full', *ARGS)
    run(sys.executable, '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'acc', *ARGS, '--grad-accum', '2')
    assert losses(tmp_path/'full') == pytest.approx(losses(tmp_path/'acc'), rel=1e-4)

FRESH = '''
import sys, json, pandas as pd, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
d = sys.argv[1]
model, tok = AutoModelForCausalLM.from_pretrained(d), AutoTokenizer.from_pretrained(d)
probes = pd.read_csv(sys.argv[2], sep='\\t', header=None, dtype=str, keep_default_na=False)
right = []
for prompt, target in zip(probes.iloc[:, 0], probes.iloc[:, 1]):
    ids = tok(prompt, return_tensors='pt').input_ids
    out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=len(tok(target).input_ids), do_sample=False,
                         pad_token_id=tok.pad_token_id)
    right.append(tok.decode(out[0, ids.shape[1]:]).strip() == target.strip())
print(json.dumps(right))
'''

def test_fresh_process_loads_and_answers(world, tmp_path):
    "A model directory needs nothing from behemoth: plain transformers in a new process generates what behemoth's scorer reads off"
    from behemoth.model import load_model_dir, score_probes
    from behemoth.probes import load_probes
    run(sys.executable, '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'m', '--preset', 'micro', '--steps', '300',
        '--batch-size', '32', '--lr', '1e-2', '--min-lr', '1e-3', '--warmup', '30', '--quiet')
    run(sys.executable, '-m', 'behemoth.cli', 'probes', world, '--grammars', 'default', '--out', tmp_path/'p')
    r = run(sys.executable, '-c', FRESH, tmp_path/'m', tmp_path/'p'/'tsv'/'default.base.tsv')
    generated = json.loads(r.stdout)
    model, _, vocab, rec = load_model_dir(tmp_path/'m')
    p = load_probes(tmp_path/'p').where(grammar='default', split='base')
    ids, lens = p.padded()
    sc = score_probes(model, ids, lens, p.table.relation.to_numpy(), p.targets, vocab)
    assert len(generated) == len(p) and generated == sc.top1.tolist()     # generation agrees with the scorer on every probe
    base = next(t for t in rec['table'] if t['split'] == 'base' and t['grammar'] == 'default')
    assert base['n'] == len(p) and sc.correct.mean() == pytest.approx(base['recall'])  # the record's recall is the scorer's
