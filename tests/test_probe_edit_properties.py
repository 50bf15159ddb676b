"Property tests of probes and edit sets over small random worlds"
import filecmp, tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from behemoth.world import WorldSpec, make_world, nested_of
from behemoth.vocab import make_vocab, names
from behemoth.grammar import render
from behemoth.grammar import REFUSED
from behemoth.probes import PROBE_GRAMMARS, candidates, make_probes, save_probes, texts
from behemoth.edits import EDIT_KINDS, EDIT_SPLITS, EditSpec, make_edits, save_edits

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

@st.composite
def worlds(draw):
    "Small valid worlds with any mix of correlation, nesting, dissent and Q/A"
    R = draw(st.integers(1, 4)); O = draw(st.integers(2, 8))
    kw = dict(n_subjects=draw(st.integers(4, 30)), n_relations=R, n_objects=O, seed=draw(st.integers(0, 10_000)),
              repeats=draw(st.integers(1, 3)), qa_entities=draw(st.sampled_from([0., .5, 1.])), qa_questions=draw(st.sampled_from([0., .5, 1.])))
    if R >= 2 and draw(st.booleans()):
        kw.update(correlation=draw(st.sampled_from([0., .5, 1.])), binarize=draw(st.booleans()))
    if draw(st.booleans()):
        kw['n_nested'] = draw(st.sampled_from([k for k in range(2, O + 1) if O % k == 0] or [1]))
    elif draw(st.booleans()):
        kw.update(dissent_entities=draw(st.sampled_from([.2, .5])), dissent_sentences=.25)
    return make_world(WorldSpec(**kw))

def _true_targets(v, rel, obj):
    tok, wid = names(v, rel, obj)
    return [t[:w].tolist() for t, w in zip(tok, wid)]

@SETTINGS
@given(worlds())
def test_probes_ask_true_facts_and_cover_every_fact(w):
    v, f = make_vocab(w), w.facts
    p = make_probes(w, v)
    t = p.table
    np.testing.assert_array_equal(t.expected, f.object.to_numpy()[t.fact])
    np.testing.assert_array_equal(t.relation, f.relation.to_numpy()[t.fact])
    assert p.targets.rows() == _true_targets(v, t.relation, t.expected)
    for rel in set(t.relation):   # the target is the expected object's row among the relation's candidates
        m = (t.relation == rel).to_numpy()
        assert p[m].targets.rows() == candidates(v, rel)[t.expected[m]].tolist()
    located = (w.relations.kind == 'located').to_numpy()[f.relation]
    for g in PROBE_GRAMMARS:   # once per fact and grammar ('qa' never asks located facts)
        facts = np.sort(t.fact[t.grammar == g].to_numpy())
        np.testing.assert_array_equal(facts, np.flatnonzero(~located) if g == 'qa' else np.arange(w.n_facts))
    d = p.where(grammar='default')
    sent = render('default', v, f.relation.to_numpy()[d.table.fact], f.subject.to_numpy()[d.table.fact], d.table.expected)
    full = [a + b for a, b in zip(d.prompts.rows(), d.targets.rows())]
    assert full == [s[:-2] for s in sent.rows()]   # the sentence minus '.' and <|endoftext|>
    lines = [a + ' ' + b for a, b in zip(texts(v, d.prompts), texts(v, d.targets))]   # the reference text form
    assert lines == [x.removesuffix(' .<|endoftext|>') for x in texts(v, sent)]
    qa = t[t.grammar == 'qa']
    assert (qa.split.to_numpy() == 'qa_' + f.qa.astype(str).to_numpy()[qa.fact]).all()   # seen and unseen apart
    dis = t[(t.grammar == 'default') & (f.minority.to_numpy()[t.fact] >= 0)]
    assert (dis.split == 'dissent').all() and (dis.minority != dis.expected).all()

@st.composite
def edit_cases(draw):
    w = draw(worlds())
    kinds = [k for k in EDIT_KINDS if k != 'remap_nested' or w.spec.n_nested]
    kind = draw(st.sampled_from(kinds))
    rels = [r for r, k in enumerate(w.relations.kind) if (k == 'located') == (kind == 'remap_nested')]
    kw = dict(kind=kind, relation=draw(st.sampled_from(rels)), n=draw(st.integers(1, 3)), n_retain=draw(st.integers(0, 3)),
              repeats=draw(st.integers(1, 3)), eval_size=draw(st.sampled_from([None, 4])), seed=draw(st.integers(0, 1000)))
    if kind == 'forget_relation': kw['heldout_fraction'] = draw(st.sampled_from([0., .3]))
    if kind in ('remap', 'ft_qa', 'remap_nested'): kw['same_value'] = draw(st.booleans())
    if kind == 'remap': kw['grammars'] = draw(st.sampled_from([('default',), ('default', 'filler'), ('qa', 'repeats')]))
    return w, EditSpec(**kw)

def _make(w, spec):
    try: return make_edits(w, make_vocab(w), spec)
    except ValueError as e:   # asked for more than a tiny world holds
        assume(str(e).split(':')[0] not in ('n', 'n_retain', 'relation')); raise

@SETTINGS
@given(edit_cases())
def test_edit_sets(case):
    w, spec = case
    es = _make(w, spec)
    f, e, t = w.facts, es.edits, es.probes.table
    r = spec.relation
    assert (e.relation == r).all() and len(set(e.subject)) == len(e)
    np.testing.assert_array_equal(e.old, f.object.to_numpy()[e.fact])
    if spec.kind == 'refusal': assert (e.new == REFUSED).all()
    elif spec.kind != 'forget_relation': assert (e.new != e.old).all()
    ed = t[t.split.isin(['edited', 'edited_other_grammar', 'heldout_subjects'])]
    new = dict(zip(e.fact, e.new))
    assert (ed.expected.to_numpy() == [new[x] for x in ed.fact]).all() and (ed.distance == 0).all()
    assert set(t[t.split == 'edited'].fact) <= set(e.fact[e.trained]) and set(t[t.split == 'heldout_subjects'].fact) <= set(e.fact[~e.trained])
    rest = t[~t.split.isin(['edited', 'edited_other_grammar', 'heldout_subjects'])]
    assert not rest.fact.isin(e.fact).any()                                  # only edited splits hold edited facts
    assert (rest.expected == rest.old).all()                                 # a local edit changes nothing else
    assert (t.distance == t.split.map(EDIT_SPLITS)).all()
    dom = w.relations.domain.to_numpy()
    own = lambda x: (dom[x.relation] == dom[r]) & x.subject.isin(e.subject)  # facts of an edited subject
    assert own(rest[rest.split.isin(['same_subject', 'correlated_partner', 'inherited'])]).all()
    assert not own(rest[rest.split.isin(['same_relation', 'shared_old', 'shared_new', 'unrelated'])]).any()
    assert (rest[rest.split.isin(['same_relation', 'shared_old', 'shared_new'])].relation == r).all()
    if 'inherited' in set(t.split):
        inh = t[t.split == 'inherited'].merge(e, on='subject', suffixes=('', '_e'))
        np.testing.assert_array_equal(inh.expected, nested_of(w)[inh.old_e])
        if spec.kind != 'refusal': np.testing.assert_array_equal(inh.propagated, nested_of(w)[inh.new])
    tr = es.train.table
    ret = tr[tr.role == 'retain']
    assert len(ret) == spec.n_retain * spec.retain_repeats and not t.fact.isin(ret.fact).any()
    assert (ret.relation != r).all()
    if spec.kind == 'forget_relation': assert not ret.subject.isin(e.subject[~e.trained]).any()   # every subject is edited
    else: assert not own(ret).any()                                          # no retain fact touches an edited subject
    edit_rows = tr[tr.role == 'edit']
    assert len(edit_rows) == e.trained.sum() * spec.repeats and set(edit_rows.fact) == set(e.fact[e.trained])
    assert (edit_rows.expected.to_numpy() == [new[x] for x in edit_rows.fact]).all()

@settings(max_examples=10, deadline=None)
@given(edit_cases())
def test_determinism(case):
    w, spec = case
    a, b = _make(w, spec), make_edits(make_world(w.spec), make_vocab(w.spec), spec)
    assert a.probes.table.equals(b.probes.table) and a.train.table.equals(b.train.table) and a.edits.equals(b.edits)
    assert (a.sentences.tokens == b.sentences.tokens).all()
    with tempfile.TemporaryDirectory() as d:
        save_edits(a, Path(d)/'a'); save_edits(b, Path(d)/'b')
        v = make_vocab(w)
        save_probes(make_probes(w, v, max_per_split=3, seed=1), v, Path(d)/'pa'); save_probes(make_probes(w, v, max_per_split=3, seed=1), v, Path(d)/'pb')
        for x, y in (('a', 'b'), ('pa', 'pb')):
            files = sorted(p.relative_to(Path(d)/x) for p in (Path(d)/x).rglob('*') if p.is_file())
            assert files == sorted(p.relative_to(Path(d)/y) for p in (Path(d)/y).rglob('*') if p.is_file())
            _, mismatch, errors = filecmp.cmpfiles(Path(d)/x, Path(d)/y, [str(p) for p in files], shallow=False)
            assert not mismatch and not errors, mismatch

def test_two_token_names():
    "Worlds of 1000+ subjects name them with two tokens: probes and edits still ask true facts"
    w = make_world(WorldSpec(n_subjects=1100, n_relations=2, n_objects=6, correlation=.8, n_nested=3, repeats=1))
    v = make_vocab(w); f = w.facts
    d = make_probes(w, v, grammars=['default'])
    sent = render('default', v, f.relation.to_numpy()[d.table.fact], f.subject.to_numpy()[d.table.fact], d.table.expected)
    assert [a + b for a, b in zip(d.prompts.rows(), d.targets.rows())] == [s[:-2] for s in sent.rows()]
    assert set(d.prompts.lengths) == {8, 9}   # located facts have one-token subjects
    for r in range(4):
        spec = EditSpec(kind='remap_nested' if r == 3 else 'remap', relation=r, n=5, n_retain=5, eval_size=20)
        es = make_edits(w, v, spec)
        ed = es.probes.where(split='edited')
        assert ed.targets.rows() == _true_targets(v, ed.table.relation, ed.table.expected)
