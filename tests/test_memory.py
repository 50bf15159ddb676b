"GRACE and in-context editing through the CLI: the edit lives in memory.pt beside unchanged weights, and `behemoth evaluate` reads it back"
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest
from safetensors.torch import load_file

ROOT = Path(__file__).parents[1]
ENV = {**os.environ, 'OMP_NUM_THREADS': '1'}

def behemoth(*args):
    return subprocess.run([sys.executable, '-m', 'behemoth.cli', *map(str, args)], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=900)

@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp('mem')
    assert behemoth('world', '--preset', 'micro', '--out', d/'w').returncode == 0
    assert behemoth('train', d/'w', '--out', d/'m', '--preset', 'micro', '--steps', '150', '--batch-size', '16', '--lr', '1e-2',
                    '--eval-every', '0', '--quiet').returncode == 0
    assert behemoth('edits', d/'w', '--n', '3', '--repeats', '4', '--n-retain', '10', '--out', d/'e').returncode == 0
    return d

@pytest.mark.parametrize('method', ['grace', 'ice'])
def test_edit_held_beside_the_weights(trained, method):
    d = trained
    r = behemoth('edit', d/'m', d/'e', '--method', method, '--out', d/method)
    assert r.returncode == 0, r.stderr
    assert (d/method/'memory.pt').exists()
    a, b = load_file(d/'m'/'model.safetensors'), load_file(d/method/'model.safetensors')
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)            # the weights are the base's, bit for bit
    assert json.loads((d/method/'record.json').read_text())['edit']['weight_changes'] == []
    assert behemoth('evaluate', d/method, '--out', d/f'{method}.csv').returncode == 0
    s = pd.read_csv(d/f'{method}.csv').query("split == 'edited' and metric in ['acc', 'base_acc', 'p', 'base_p']").set_index('metric').value
    assert s['p'] != s['base_p']                                                     # read back from memory.pt: the model is not the base
    if method == 'grace': assert s['acc'] > s['base_acc']                           # ... and GRACE's edits hold
