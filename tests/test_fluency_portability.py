"Property tests of the sentence parser, fluency sampling and two-hop chains over small random worlds"
import numpy as np
import torch
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from behemoth.world import WorldSpec, make_world, nested_of
from behemoth.vocab import make_vocab, UNK
from behemoth.grammar import GRAMMARS, PRETRAIN_GRAMMARS, get_grammar, hash_keys, parse_sentences, render
from behemoth.edits import EditSpec, make_edits
from behemoth.model import make_model, model_config
from behemoth.evaluate import fluency, sample_continuations, two_hop, two_hop_chains

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

@st.composite
def languages(draw):
    "Small worlds, some with nesting and a correlated pair, named with one- or two-token names (a low `single_max`)"
    R, O = draw(st.integers(1, 3)), draw(st.sampled_from([4, 6, 12]))
    kw = dict(n_subjects=draw(st.integers(4, 40)), n_relations=R, n_objects=O, seed=draw(st.integers(0, 10_000)), repeats=1)
    if R >= 2 and draw(st.booleans()): kw['correlation'] = .5
    if draw(st.booleans()): kw['n_nested'] = draw(st.sampled_from([2, O]))
    w = make_world(WorldSpec(**kw))
    return w, make_vocab(w, single_max=draw(st.sampled_from([5, 13, 1000])))

@SETTINGS
@given(languages(), st.integers(0, 2**32))
def test_every_sentence_parses_to_its_fact(lang, key):
    w, v = lang
    f = w.facts
    for g in PRETRAIN_GRAMMARS:
        x = render(g, v, f.relation, f.subject, f.object, key=hash_keys(key, np.arange(len(f))))
        p = parse_sentences(v, x)
        np.testing.assert_array_equal(p[['relation', 'subject', 'object']].to_numpy(), f[['relation', 'subject', 'object']].to_numpy())
        assert set(p.grammar) <= {g, 'default'} and ((p.grammar == g).all() or get_grammar(g).random), g

@SETTINGS
@given(languages(), st.integers(0, 2**32))
def test_a_parse_is_exactly_what_render_writes(lang, seed):
    "A sentence of a fixed grammar with one token replaced by any other parses, if at all, to a fact that renders as it"
    w, v = lang
    rng = np.random.default_rng(seed)
    f = w.facts.iloc[rng.choice(len(w.facts), min(30, len(w.facts)), replace=False)]
    for g in [n for n in PRETRAIN_GRAMMARS if not GRAMMARS[n].random]:
        x = render(g, v, f.relation, f.subject, f.object, eos=False)
        bad = []
        for i in range(len(x)):
            s = x[i].tolist(); k = int(rng.integers(len(s)))
            s[k] = int(rng.integers(v.size))
            bad.append(s)
        p = parse_sentences(v, bad)
        for s, (pg, r, su, o) in zip(bad, p.itertuples(index=False)):
            if pg is None: continue
            assert render(pg, v, [r], [su], [o], eos=False)[0].tolist() == s
        assert parse_sentences(v, [s[:-1] for s in x.rows()]).grammar.isna().all()           # no '.': no sentence
        assert parse_sentences(v, [s[:1] + [UNK] + s[1:] for s in x.rows()]).grammar.isna().all()

def test_sampling_is_seeded_and_fluency_of_an_untrained_model_is_low():
    w = make_world(WorldSpec(n_subjects=30, n_relations=2, n_objects=6, n_nested=3, repeats=1)); v = make_vocab(w)
    m = make_model(model_config(v, 'micro'), seed=0)
    pr = np.array([[v.word('SS'), s] for s in v.table.index[v.table.kind == 'subject'][:20]])
    a = sample_continuations(m, pr, v.word('.'), seed=5)
    assert a == sample_continuations(m, pr, v.word('.'), seed=5, batch_size=3) and a != sample_continuations(m, pr, v.word('.'), seed=6)
    rows, s = fluency(m, w, v, n=50, seed=1)
    assert rows.tokens.tolist() == fluency(m, w, v, n=50, seed=1)[0].tokens.tolist()
    assert 0 <= s['truth'] <= s['fluency'] < .2 and len(rows) == 50

@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.sampled_from(['remap', 'remap_nested', 'forget_relation']), st.booleans())
def test_two_hop_chains_follow_the_edit(seed, kind, same_value):
    w = make_world(WorldSpec(n_subjects=25, n_relations=3, n_objects=6, n_nested=3, seed=seed, repeats=1))
    n, R, nest = w.spec.nested_index, w.spec.n_relations, nested_of(w)
    obj = w.facts.object.to_numpy()[w.fact_id(n, np.arange(w.spec.n_subjects))]
    es = make_edits(w, make_vocab(w), EditSpec(kind=kind, relation=R + 1 if kind == 'remap_nested' else n, n=3, n_retain=2,
                                               same_value=same_value and kind != 'forget_relation', seed=seed))
    c, e = two_hop_chains(w, es), es.edits
    assert (c.old == nest[c.hop1_old]).all() and (c.hop1_old == obj[c.subject]).all()
    if kind == 'remap_nested':   # the chains of every subject whose object moved, to its new nested object
        assert set(c.subject) == set(np.flatnonzero(np.isin(obj, e.subject)))
        assert (c.expected.to_numpy() == e.set_index('subject').new[obj[c.subject]].to_numpy()).all()
    else:
        assert (c.subject.to_numpy() == e.subject.to_numpy()).all() and (c.expected.to_numpy() == nest[e.new.to_numpy()]).all()

def test_two_hop_of_an_untrained_model_is_structural():
    w = make_world(WorldSpec(n_subjects=20, n_relations=2, n_objects=4, n_nested=2, repeats=1)); v = make_vocab(w, single_max=3)
    m = make_model(model_config(v, 'micro'), seed=0)
    rows, s = two_hop(m, None, v, w, base=m)
    assert len(rows) == 20 and (rows.answer[rows.answer1 < 0] == -1).all()
    assert (rows.two_hop == (rows.answer == rows.expected)).all() and (rows.base_answer == rows.answer).all()
    assert all(np.isnan(x) or 0 <= x <= 1 for k, x in s.items() if k != 'n')
