"`behemoth export hf`: a world directory as a Hugging Face dataset that `datasets` loads config by config; bad input is one line, status 2, nothing written"
import subprocess, sys
import pytest, yaml

def behemoth(*args):
    return subprocess.run([sys.executable, '-m', 'behemoth.cli', *map(str, args)], capture_output=True, text=True)

@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    "A micro world (seed 1), and its export by the console command"
    from behemoth.cli import main
    d = tmp_path_factory.mktemp('share')
    assert main(['world', '--preset', 'micro', '--seed', '1', '--out', str(d/'w')]) == 0
    r = behemoth('export', 'hf', d/'w', '--out', d/'hf', '--corpus-sentences', '200')
    assert r.returncode == 0 and r.stdout.startswith('facts '), r.stderr
    return d

def expected_rows(world_dir)->dict:
    "Config -> split -> rows, from the world itself"
    from behemoth.vocab import load_world_dir
    from behemoth.probes import make_probes
    from behemoth.edits import make_edits
    from behemoth.share import edit_parts
    w, v = load_world_dir(world_dir)
    out = dict(facts=dict(train=w.n_facts), probes=dict(test=len(make_probes(w, v))), edits={}, edit_train={}, edit_probes={})
    for k, spec in edit_parts(w).items():
        es = make_edits(w, v, spec)
        out['edits'][k], out['edit_train'][k], out['edit_probes'][k] = len(es.edits), len(es.train), len(es.probes)
    return {**out, 'corpus': dict(train=200)}

def test_every_config_in_the_card_loads(exported, tmp_path):
    datasets = pytest.importorskip('datasets')
    datasets.disable_progress_bars()
    card = yaml.safe_load((exported/'hf'/'README.md').read_text().split('---')[1])
    assert card['license'] == 'apache-2.0' and card['configs'][0] == {**card['configs'][0], 'config_name': 'facts', 'default': True}
    got = {}
    for c in card['configs']:
        assert all(f['path'] == f"{c['config_name']}/{f['split']}.parquet" for f in c['data_files'])
        ds = datasets.load_dataset(str(exported/'hf'), c['config_name'], cache_dir=str(tmp_path/'cache'))
        assert list(ds) == [f['split'] for f in c['data_files']]
        got[c['config_name']] = {k: d.num_rows for k, d in ds.items()}
    assert got == expected_rows(exported/'w')
    from behemoth.vocab import load_world_dir, entity_tokens
    w, v = load_world_dir(exported/'w')
    facts = datasets.load_dataset(str(exported/'hf'), 'facts', split='train', cache_dir=str(tmp_path/'cache'))
    for i in (0, 100, w.n_facts - 1):                      # a base, a correlated and a located fact: names match the world's
        f, rel = facts[i], w.relations.loc[int(w.facts.relation[i])]
        assert (f['relation'], f['subject'], f['object']) == (int(w.facts.relation[i]), int(w.facts.subject[i]), int(w.facts.object[i]))
        assert f['subject_tokens'] == entity_tokens(v, rel.domain, f['subject'])
        assert f['object_text'] == ' '.join(v.table.text[entity_tokens(v, rel.range, f['object'])])
    probes = datasets.load_dataset(str(exported/'hf'), 'probes', split='test', cache_dir=str(tmp_path/'cache'))
    p = probes[0]
    assert p['target_text'] == facts[p['fact']]['object_text'] and p['prompt_text'].startswith('SS ' + facts[p['fact']]['subject_text'])

def test_dataset_holds_its_world(exported):
    from behemoth.vocab import load_world_dir
    a, b = load_world_dir(exported/'w'), load_world_dir(exported/'hf'/'world')
    assert a[0].spec == b[0].spec and a[0].facts.equals(b[0].facts) and a[1].table.equals(b[1].table)

@pytest.mark.parametrize('args, words', [
    (['{T}/nowhere'], ['world_dir', 'does not exist']),
    (['{D}/hf/facts'], ['world_dir', 'not a world directory']),
    (['{D}/w', '--corpus-sentences', '-1'], ['corpus_sentences']),
    (['{D}/w', '--out', '{D}/hf'], ['--out', 'exists']),
    (['{D}/w', '--out', '{D}/w'], ['--out', 'input']),
])
def test_bad_input(exported, tmp_path, capsys, args, words):
    from behemoth.cli import main
    argv = [a.format(T=tmp_path, D=exported) for a in args]
    if '--out' not in argv: argv += ['--out', str(tmp_path/'out')]
    before = sorted(p.name for p in exported.iterdir())
    assert main(['export', 'hf', *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith('behemoth: error: ') and err.count('\n') == 1 and all(w in err for w in words), err
    assert list(tmp_path.iterdir()) == [] and sorted(p.name for p in exported.iterdir()) == before   # nothing written, no temp dir

def test_console_error(tmp_path):
    "The console command itself: status 2, one line, nothing written"
    r = behemoth('export', 'hf', tmp_path/'nowhere', '--out', tmp_path/'out')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and 'world_dir' in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []

@pytest.mark.parametrize('argv, word', [(['export'], 'FORMAT'), (['export', 'csv', 'w'], 'invalid choice')])
def test_no_or_unknown_format(capsys, argv, word):
    from behemoth.cli import main
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert word in err and err.count('\n') == 1, err

def test_help(capsys):
    from behemoth.cli import main
    with pytest.raises(SystemExit) as e: main(['export', 'hf', '--help'])
    out = capsys.readouterr().out
    assert e.value.code == 0 and 'usage: behemoth export hf' in out and '--corpus-sentences' in out
