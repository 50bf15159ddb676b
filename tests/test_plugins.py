"A method registered outside the package (tests/plugins/bitfit_plugin.py) runs through edit_model, the CLI and an experiment notebook"
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

ROOT = Path(__file__).parents[1]
PLUGINS = Path(__file__).parent/'plugins'
ENV = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(PLUGINS), os.environ.get('PYTHONPATH', '')]), 'OMP_NUM_THREADS': '1'}

def behemoth(*args, cwd=ROOT):
    r = subprocess.run([sys.executable, '-m', 'behemoth.cli', *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=900)
    return r

@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp('plug')
    assert behemoth('world', '--preset', 'micro', '--out', d/'w').returncode == 0
    assert behemoth('train', d/'w', '--out', d/'m', '--preset', 'micro', '--steps', '150', '--batch-size', '16', '--lr', '1e-2',
                    '--eval-every', '0', '--quiet').returncode == 0
    assert behemoth('edits', d/'w', '--n', '3', '--repeats', '4', '--n-retain', '10', '--out', d/'e').returncode == 0
    return d

def test_listed_and_edits_through_the_cli(trained):
    d = trained
    r = behemoth('methods', '--plugins', 'bitfit_plugin')
    assert r.returncode == 0 and 'bitfit' in r.stdout and 'Train only the bias vectors' in r.stdout
    r = behemoth('edit', d/'m', d/'e', '--method', 'bitfit', '--help', '--plugins', 'bitfit_plugin')
    assert r.returncode == 0 and '--lr' in r.stdout and 'biases take larger steps' in r.stdout
    r = behemoth('edit', d/'m', d/'e', '--plugins', 'bitfit_plugin', '--method', 'bitfit', '--layers', '1', '--epochs', '5', '--out', d/'bf')
    assert r.returncode == 0, r.stderr
    rec = json.loads((d/'bf'/'record.json').read_text())['edit']
    assert rec['label'] == 'bitfit-L1' and all(w['parameter'].endswith('.bias') and '.layers.1.' in w['parameter'] for w in rec['weight_changes'])
    assert behemoth('evaluate', d/'bf', '--out', d/'bf.csv').returncode == 0
    assert set(pd.read_csv(d/'bf.csv').family) == {'bitfit'}
    r = behemoth('edit', d/'m', d/'e', '--method', 'bitfit', '--out', d/'nope')          # not imported: a one-line error naming it
    assert r.returncode == 2 and "unknown method 'bitfit'" in r.stderr and r.stderr.count('\n') == 1 and not (d/'nope').exists()
    r = behemoth('edit', d/'m', d/'e', '--plugins', 'no_such_plugin', '--out', d/'nope')
    assert r.returncode == 2 and "cannot import 'no_such_plugin'" in r.stderr

def test_in_an_experiment_notebook(tmp_path):
    "exp02 at its smoke size, the plugin's method its one editor, via `behemoth run --plugins` (one seed: the plugin's reach is tested, not statistics)"
    r = behemoth('run', 'nbs/experiments/exp02_scope.ipynb', '--plugins', 'bitfit_plugin', '-p', "editors=[{method: bitfit}]", '-p', 'seeds=[0]',
                 '--out', tmp_path/'run', '--figures', tmp_path/'fig', '--cache', tmp_path/'cache', '--quiet')
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    res = pd.read_csv(tmp_path/'run'/'results.csv')
    assert set(res.family) == {'bitfit'} and (res.method == 'bitfit').any()

def test_the_docs_show_this_plugin():
    "The BitFit chapter of 11_evaluate shows this file's code, so the method the docs teach is the one the tests run"
    import nbformat
    nb = nbformat.read(ROOT/'nbs'/'11_evaluate.ipynb', as_version=4)
    shown = next(c.source for c in nb.cells if c.cell_type == 'code' and 'class BitFit(FineTune)' in c.source)
    assert shown.strip() in (PLUGINS/'bitfit_plugin.py').read_text()
