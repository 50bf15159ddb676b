"Editors never touch the model they are given, and every scope and method trains only what it names"
import pytest, torch
from behemoth.world import make_world, world_spec
from behemoth.vocab import make_vocab
from behemoth.edits import EditSpec, make_edits
from behemoth.model import model_config, make_model
from behemoth.edit import edit_model, make_editor
from behemoth.finetune import FineTune, scope_parameters

@pytest.fixture(scope='module')
def setup():
    w = make_world(world_spec('micro')); v = make_vocab(w)
    return w, v, make_model(model_config(v, 'micro'), seed=0), make_edits(w, v, EditSpec(n=3, repeats=2, n_retain=5))

@pytest.mark.parametrize('kw', [dict(), dict(scope='mlp', layers=(0,)), dict(scope='attn', modules=('dense',)), dict(sequential=True),
                                dict(method='lora', scope='mlp', rank=2), dict(method='lora', scope='mlp_attn', rank=1, merge=False)])
def test_base_untouched_and_scope_respected(setup, kw):
    w, v, model, es = setup
    before = {k: x.clone() for k, x in model.state_dict().items()}
    edited, rec = edit_model(model, es, dict(steps=3, early_stop=False, lr=1e-2, **kw), vocab=v, world=w)
    assert all(torch.equal(before[k], x) for k, x in model.state_dict().items())
    assert not any(p.requires_grad is False for p in model.parameters())
    moved = {r['parameter'] for r in rec['weight_changes']}
    assert moved and rec['steps'] == (3 * 3 if kw.get('sequential') else 3)
    spec = FineTune(**{k: x for k, x in kw.items() if k not in ('method', 'rank', 'merge') and not (k == 'scope' and kw.get('method') == 'lora')})
    if kw.get('method') == 'lora':
        assert all(k.endswith('.weight') and ('.mlp.' in k or '.attention.' in k) for k in moved)
    else: assert moved <= set(scope_parameters(model, spec))

@pytest.mark.parametrize('kw', [dict(method='rome', layers=(0,)), dict(method='memit'), dict(method='rome', key_position='last'),
                                dict(objective='ascent'), dict(objective='difference'), dict(objective='npo', method='lora', rank=2)])
def test_locate_and_unlearning_leave_base_untouched(setup, kw):
    w, v, model, es = setup
    before = {k: x.clone() for k, x in model.state_dict().items()}
    fast = dict(v_steps=3, mom2_tokens=2000) if kw.get('method') in ('rome', 'memit') else dict(steps=3, early_stop=False, lr=1e-2)
    edited, rec = edit_model(model, es, dict(**kw, **fast), vocab=v, world=w)
    assert all(torch.equal(before[k], x) for k, x in model.state_dict().items())
    moved = {r['parameter'] for r in rec['weight_changes']}
    if kw.get('method') in ('rome', 'memit'):
        assert moved == set(rec['trained']) and all(k.endswith('mlp.dense_4h_to_h.weight') for k in moved)
        assert len(rec['fits']) == (1 if kw['method'] == 'memit' else 3)
    else: assert moved and rec['steps'] == 3
