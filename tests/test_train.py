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
import sys, pandas as pd, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
d = sys.argv[1]
model, tok = AutoModelForCausalLM.from_pretrained(d), AutoTokenizer.from_pretrained(d)
probes = pd.read_csv(sys.argv[2], sep='\\t', header=None, dtype=str, keep_default_na=False)
right = 0
for prompt, target in zip(probes.iloc[:, 0], probes.iloc[:, 1]):
    ids = tok(prompt, return_tensors='pt').input_ids
    out = model.generate(ids, max_new_tokens=len(tok(target).input_ids), do_sample=False, pad_token_id=tok.pad_token_id)
    right += tok.decode(out[0, ids.shape[1]:]).strip() == target.strip()
print(right, len(probes))
'''

def test_fresh_process_loads_and_answers(world, tmp_path):
    "A model directory needs nothing from behemoth: plain transformers in a new process answers probe prompts"
    run(sys.executable, '-m', 'behemoth.cli', 'train', world, '--out', tmp_path/'m', '--preset', 'micro', '--steps', '300',
        '--batch-size', '32', '--lr', '1e-2', '--min-lr', '1e-3', '--warmup', '30', '--quiet')
    run(sys.executable, '-m', 'behemoth.cli', 'probes', world, '--grammars', 'default', '--out', tmp_path/'p')
    tsv = tmp_path/'p'/'tsv'/'default.base.tsv'
    r = run(sys.executable, '-c', FRESH, tmp_path/'m', tsv)
    right, n = map(int, r.stdout.split())
    rec = json.loads((tmp_path/'m'/'record.json').read_text())
    base = next(t for t in rec['table'] if t['split'] == 'base' and t['grammar'] == 'default')
    assert n == base['n'] and right / n > 0.8, (right, n)
    assert abs(right / n - base['recall']) < 0.05, (right / n, base['recall'])   # greedy answers agree with the scorer
