"Every experiment notebook has CPU and GPU parameter profiles, and every profile names real parameters holding valid specs"
from pathlib import Path
import pytest, yaml
from behemoth.runner import notebook_params, notebook_parameters
from behemoth.experiments import as_spec
from behemoth.world import WorldSpec
from behemoth.train import TrainSpec
from behemoth.edits import EditSpec
from behemoth.corpus import CorpusSpec
from behemoth.edit import make_editor

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT/'nbs'/'experiments').glob('exp*.ipynb'))
SPECS = dict(world=WorldSpec, size_world=WorldSpec, train=TrainSpec, edit=EditSpec, forget=EditSpec, relation=EditSpec, correlated=EditSpec,
             nested=EditSpec, corpus=CorpusSpec)
METHODS = ('editor', 'unlearner', 'editors', 'methods', 'baselines')   # flat method settings

def test_seven_experiments():
    assert [n.stem[:5] for n in NOTEBOOKS] == [f"exp{i:02d}" for i in range(1, 8)]

SCALED = [n for n in NOTEBOOKS if (ROOT/'params'/f"{n.stem}_scale.yaml").exists()]   # the scale study's (not exp01: a sweep over sizes itself)

@pytest.mark.parametrize('nb,profile', [(n, p) for n in NOTEBOOKS for p in ('cpu', 'gpu')] + [(n, 'scale') for n in SCALED],
                         ids=lambda x: getattr(x, 'stem', x))
def test_profiles(nb, profile):
    p = notebook_params(nb, profile, ROOT/'params')
    assert set(p) <= set(notebook_parameters(nb))
    for k, v in p.items():
        if k not in SPECS and k not in METHODS: continue
        for x in (v if isinstance(v, list) else [v]):
            if k in ('edit',) and 'n' not in x: x = {**x, 'n': 1}   # the number-of-edits sweep sets n itself
            make_editor(x) if k in METHODS else as_spec(SPECS[k], x)   # raises ValueError naming the field

def test_scale_study():
    "Every contrast of the scale study names an experiment with a scale profile, a metric and two run selections"
    plan = yaml.safe_load((ROOT/'params'/'scale.yaml').read_text())
    assert [s['profile'] for s in plan['sizes']] == ['cpu', 'scale']
    assert {c['experiment'] for c in plan['contrasts']} == {n.stem for n in SCALED}
    for c in plan['contrasts']:
        assert c['a'] != c['b'] and c['metric'] and c['question'].endswith('?')
