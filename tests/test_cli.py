"The `behemoth` console script: every subcommand has --help; user errors are one line, status 2, nothing written"
import json, subprocess, sys
import pytest

def behemoth(*args, cwd=None):
    return subprocess.run([sys.executable, '-m', 'behemoth.cli', *map(str, args)], capture_output=True, text=True, cwd=cwd)

def test_help_everywhere(capsys):
    "Every subcommand's help, in-process (the console script itself is run in test_package.py)"
    from behemoth.cli import COMMANDS, main
    for args in [[]] + [[name] for name in COMMANDS]:
        with pytest.raises(SystemExit) as e: main([*args, '--help'])
        out = capsys.readouterr().out
        assert e.value.code == 0, args
        assert ('usage: behemoth ' + ' '.join(args)).strip() in out and (args or 'COMMAND' in out)
        assert '--return' not in out and 'inspect._empty' not in out, args   # docments' return entry is no flag

def test_method_help_has_no_return_entry(capsys):
    "`behemoth edit --method NAME --help` lists the method's own fields, and never docments' return entry"
    from behemoth.cli import main
    from behemoth.edit import METHODS, load_plugins, make_editor
    load_plugins()
    for name in METHODS:
        with pytest.raises(SystemExit) as e: main(['edit', 'm', 'e', '--method', name, '--help'])
        out = capsys.readouterr().out
        assert e.value.code == 0, name
        own = [f for f in make_editor(name).to_dict() if f != 'method']
        assert all('--' + f.replace('_', '-') in out for f in own), (name, own)
        assert '--return' not in out and 'inspect._empty' not in out, name

@pytest.mark.parametrize('args, field', [
    (['world', '--preset', 'micro', '--n-subjects', '0'], 'n_subjects'),
    (['world', '--preset', 'micro', '--n-nested', '3'], 'n_nested'),
    (['world', '--preset', 'micro', '--correlation', '0.5', '--n-relations', '1'], 'correlation'),
    (['world', '--preset', 'micro', '--qa-entities', '1.5'], 'qa_entities'),
    (['world', '--preset', 'micro', '--n-nested', '0', '--dissent-entities', '0.2', '--dissent-sentences', '0.7'], 'dissent_sentences'),
    (['world', '--preset', 'micro', '--n-subjects', 'many'], 'n_subjects'),
    (['world', '--preset', 'enormous'], 'preset'),
])
def test_bad_world_input(tmp_path, capsys, args, field):
    from behemoth.cli import main
    capsys.readouterr()
    assert main([*args, '--out', str(tmp_path/'w')]) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and err.startswith('behemoth: error:') and field in err, err
    assert list(tmp_path.iterdir()) == []          # nothing half-written

def test_pipeline_and_existing_out(tmp_path):
    assert behemoth('world', '--preset', 'micro', '--out', tmp_path/'w').returncode == 0
    spec = json.loads((tmp_path/'w'/'world.json').read_text())['spec']
    assert spec['n_subjects'] == 60
    r = behemoth('world', '--preset', 'micro', '--out', tmp_path/'w')
    assert r.returncode == 2 and 'exists' in r.stderr
    assert behemoth('world', '--preset', 'micro', '--seed', '1', '--out', tmp_path/'w', '--overwrite').returncode == 0
    assert json.loads((tmp_path/'w'/'world.json').read_text())['spec']['seed'] == 1
    assert behemoth('probes', tmp_path/'w', '--out', tmp_path/'p').returncode == 0
    r = behemoth('edits', tmp_path/'w', '--relation', '42', '--out', tmp_path/'e')
    assert r.returncode == 2 and 'relation' in r.stderr and not (tmp_path/'e').exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['p', 'w']
