"""Reproduction in CI: one cheap experiment (exp02 at its smoke size, one seed, two scopes), rerun from a fresh model
cache on one thread, gives the numbers of the committed golden copy (`make golden` writes it).

Exact where the floating-point kernels are the same: same package versions (the lock) and the same CPU kernels
(`torch.backends.cpu.get_cpu_capability()`, which decides the vectorised code MKL and oneDNN run). On other CPUs the
kernels sum in other orders, the last bits of every float differ, and a near-tie between two tokens can flip: there
probabilities are compared to 1e-3 and an accuracy may move by one probe in a split (atol 0.05 at these sizes).
"""
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT/'tests'/'golden'
ARGS = ['nbs/experiments/exp02_scope.ipynb', '-p', 'seeds=[0]', '-p', 'editors=[{scope: mlp}, {scope: attn}]', '--threads', '1', '--quiet']

def environment()->dict:
    import torch
    from behemoth.core import versions
    return dict(versions={k: v for k, v in versions().items() if k != 'behemoth'}, cpu=torch.backends.cpu.get_cpu_capability(), threads=1)

def run_smoke(out:Path)->pd.DataFrame:
    r = subprocess.run([sys.executable, '-m', 'behemoth.cli', 'run', *ARGS, '--out', str(out/'run'), '--figures', str(out/'fig'),
                        '--cache', str(out/'models')], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return pd.read_csv(out/'run'/'results.csv')

def test_matches_the_golden_copy(tmp_path):
    from behemoth.runner import diff_results
    fresh = run_smoke(tmp_path)
    golden, env = pd.read_csv(GOLDEN/'exp02_scope_smoke.csv'), json.loads((GOLDEN/'exp02_scope_smoke.json').read_text())
    same = env == environment()
    d = diff_results(golden, fresh, **({} if same else dict(rtol=1e-3, atol=0.05)))
    assert len(d) == 0, f"{len(d)} numbers differ ({'exact' if same else 'with the cross-CPU tolerance'}):\n{d.head(20).to_string()}"

def test_sharded_run_is_the_unsharded_run(tmp_path):
    "`--shard seeds`: two shards (a seed each, tuned on seed 0) then the notebook whole, which reads every run back and computes none"
    from behemoth.runner import diff_results
    swap = {'seeds=[0]': 'seeds=[0, 1]', 'editors=[{scope: mlp}, {scope: attn}]': 'editors=[{scope: mlp}]'}   # two seeds to shard; one scope is enough
    args = [swap.get(a, a) for a in ARGS] + ['--cache', str(tmp_path/'models')]
    run = lambda out, *more: subprocess.run([sys.executable, '-m', 'behemoth.cli', 'run', *args, '--out', str(out), '--figures', str(out/'fig'), *more],
                                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    for r in (run(tmp_path/'whole'), run(tmp_path/'sharded', '--shard', 'seeds', '--jobs', '2')):
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    d = diff_results(pd.read_csv(tmp_path/'whole'/'results.csv'), pd.read_csv(tmp_path/'sharded'/'results.csv'))
    assert len(d) == 0, d.head(20).to_string()
    meta = json.loads((tmp_path/'sharded'/'summary.json').read_text())['exp02_scope']
    assert [s['status'] for s in meta['shards']] == ['ok', 'ok'] and meta['runs']['computed'] == 0 and meta['runs']['reused'] > 0, meta.get('runs')
    assert 'runs' not in json.loads((tmp_path/'whole'/'summary.json').read_text())['exp02_scope']   # a plain run stores nothing

if __name__ == '__main__':   # `make golden`: write the golden copy from this machine
    import tempfile
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        run_smoke(Path(t)).to_csv(GOLDEN/'exp02_scope_smoke.csv', index=False)
    (GOLDEN/'exp02_scope_smoke.json').write_text(json.dumps(environment(), indent=1))
    print(f"wrote {GOLDEN/'exp02_scope_smoke.csv'} and its environment")
