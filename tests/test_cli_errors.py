"""A catalogue of bad input to the `behemoth` command line.

The rule: every invalid input gives one line on stderr starting with `behemoth: error:` that names the field or file at fault,
exit status 2, and leaves nothing behind (no output, no `.name.xxxx` temporary directory, no change to the inputs).
Every case runs in-process through `behemoth.cli.main`; the fixtures (a micro world, a tiny trained model with a checkpoint,
edit sets and an edited model) are built once for the module and copied before they are damaged.
"""
import shlex, shutil
from pathlib import Path
import numpy as np, pytest
from behemoth.cli import main

ROOT = Path(__file__).resolve().parents[1]
TRAIN = "--preset micro --steps 20 --batch-size 8 --seq-len 32 --eval-every 0 --quiet --save-every 10"   # the fixture model's run
NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "id": "p0", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
                       "source": "seed = 0  # the seed\nn = 3  # how many"}]}

class Fixtures:
    "The module's shared inputs: `paths` are the placeholders of the case templates"
    def __init__(self, root:Path): self.root, self.paths = root, {}

@pytest.fixture(scope='module')
def fx(tmp_path_factory):
    root = tmp_path_factory.mktemp('cli_errors')
    f = Fixtures(root)
    def make(key, cmd):
        f.paths[key] = str(root/key.lower())
        assert main(shlex.split(cmd.format(**f.paths)) + ['--out', f.paths[key]]) == 0, cmd
    make('W', "world --preset micro")                                     # a world directory
    make('W2', "world --preset micro --seed 1")                           # another world
    make('M', "train {W} " + TRAIN)                                       # a finished model (it keeps checkpoints/step_0000010)
    make('E', "edits {W} --n 3 --repeats 2 --n-retain 5")                 # a remap edit set
    make('R', "edits {W} --kind refusal --n 3 --repeats 2 --n-retain 5")  # a refusal (forgetting) edit set
    make('E2', "edits {W2} --n 3 --repeats 2 --n-retain 5")               # an edit set of the other world
    make('P', "probes {W} --max-per-split 5")                             # a probes directory
    make('EM', "edit {M} {E} --method ft --epochs 1")                     # an edited model
    assert (root/'m'/'checkpoints'/'step_0000010'/'state.pt').is_file()
    return f

def snapshot(d:Path)->dict:
    "Every path under `d` (hidden ones too) with its size, or 'dir'"
    return {str(p.relative_to(d)): ('dir' if p.is_dir() else p.stat().st_size) for p in sorted(Path(d).rglob('*'))}

# ---- damage done to copies of the fixtures, in the case's tmp dir (placeholder {T})
def copy(key:str, name:str, *damage):
    "A prep step: copy fixture `key` to T/name, then apply each `damage(path)` to the copy"
    def prep(fx, tmp):
        d = tmp/name
        shutil.copytree(fx.paths[key], d)
        for fn in damage: fn(d)
    return prep

def truncate(rel):
    def fn(d): p = d/rel; p.write_bytes(p.read_bytes()[:p.stat().st_size // 2])
    return fn

def garble(rel):
    def fn(d): p = d/rel; p.write_bytes(np.random.default_rng(0).integers(0, 256, p.stat().st_size, dtype=np.uint8).tobytes())
    return fn

def remove(rel):
    def fn(d): p = d/rel; shutil.rmtree(p) if p.is_dir() else p.unlink()
    return fn

def write(rel, text):
    def fn(d): (d/rel).write_text(text)
    return fn

def interrupted(d):
    "Make a finished model directory look like a run cut short after its step-10 checkpoint: only log.jsonl and checkpoints/"
    for p in d.iterdir():
        if p.name not in ('checkpoints', 'log.jsonl'): remove(p.name)(d)

def files(**contents):
    "A prep step: write files (relative to T) with these contents; `__` in a name stands for '/', '_dot_' for '.'"
    def prep(fx, tmp):
        for name, text in contents.items():
            p = tmp/name.replace('__', '/').replace('_dot_', '.')
            p.parent.mkdir(parents=True, exist_ok=True); p.write_text(text)
    return prep

def both(*preps):
    def prep(fx, tmp):
        for p in preps: p(fx, tmp)
    return prep

def notebook(fx, tmp):
    "An experiment notebook of our own (T/nb/exp_demo.ipynb, parameters seed and n) and an empty profile directory T/params"
    import json
    (tmp/'nb').mkdir(); (tmp/'nb'/'exp_demo.ipynb').write_text(json.dumps(NOTEBOOK)); (tmp/'params').mkdir()

def plugin(name, body):
    "A module `name` in T/plugins (put on sys.path by the test)"
    return files(**{f"plugins__{name}_dot_py": body})

RUN = "run {T}/nb/exp_demo.ipynb --out {T}/suite --figures {T}/fig --cache {T}/cache --params-dir {T}/params --quiet"

def case(id, argv, word, prep=None):
    "One bad command line: `argv` (a template over the fixture paths and {T}), a word the message must contain, how to prepare T"
    return pytest.param(argv, word, prep, id=id)

SETTING = ("name: x\nsmoke: true\nseeds: [0]\nworld: {preset: micro}\ntrain: {preset: micro, steps: 5}\nboards:\n  edit:\n"
           "    edit: {kind: remap, n: 2, n_validation: 2}\n    metrics: [efficacy]\n    methods: [{method: grace}]\n")   # a valid bench setting
BENCH = "bench {T}/s.yaml --out {T}/b --jobs-dir {T}/j"

CASES = [
    # ---- the command itself
    case('top-unknown-command', "wrld --preset micro --out {T}/w", 'wrld'),
    case('top-no-command', "", 'COMMAND'),

    # ---- world: malformed specs, contradictory fields, bad typed values
    case('world-spec-unknown-field', "world --spec {T}/s.json --out {T}/w", 'n_subjectz', files(s_dot_json='{"n_subjectz": 5}')),
    case('world-spec-invalid-json', "world --spec {T}/s.json --out {T}/w", 's.json', files(s_dot_json='{"n_subjects": 5,')),
    case('world-spec-json-list', "world --spec {T}/s.json --out {T}/w", 'list', files(s_dot_json='[60, 4]')),
    case('world-spec-missing', "world --spec {T}/nope.json --out {T}/w", 'nope.json'),
    case('world-spec-is-dir', "world --spec {W} --out {T}/w", '--spec'),
    case('world-spec-bad-value', "world --spec {T}/s.json --out {T}/w", 'n_subjects', files(s_dot_json='{"n_subjects": -1}')),
    case('world-spec-spec-not-object', "world --spec {T}/s.json --out {T}/w", 'spec', files(s_dot_json='{"spec": [1, 2]}')),
    case('world-spec-spec-null', "world --spec {T}/s.json --out {T}/w", 'spec', files(s_dot_json='{"spec": null}')),
    case('world-nested-not-dividing', "world --preset micro --n-nested 3 --out {T}/w", 'n_nested'),
    case('world-correlation-one-relation', "world --preset micro --correlation 0.5 --n-relations 1 --out {T}/w", 'correlation'),
    case('world-dissent-sentences-majority', "world --preset micro --n-nested 0 --dissent-entities 0.2 --dissent-sentences 0.7 --out {T}/w",
         'dissent_sentences'),
    case('world-n-subjects-many', "world --preset micro --n-subjects many --out {T}/w", 'n_subjects'),
    case('world-n-objects-wrong-length', "world --preset micro --n-objects 8,8 --out {T}/w", 'n_objects'),
    case('world-unknown-preset', "world --preset enormous --out {T}/w", 'preset'),
    case('world-unknown-flag', "world --preset micro --n-subjectz 5 --out {T}/w", '--n-subjectz'),
    case('world-out-exists', "world --preset micro --out {T}/w", 'exists', files(w__keep_dot_txt='mine')),
    case('world-out-under-file', "world --preset micro --out {T}/file.txt/w", 'file.txt', files(file_dot_txt='a file')),

    # ---- probes
    case('probes-world-is-edit-set', "probes {E} --out {T}/p", 'world'),
    case('probes-world-is-file', "probes {W}/world.json --out {T}/p", 'world'),
    case('probes-world-missing', "probes {T}/nope --out {T}/p", 'nope'),
    case('probes-world-is-probes-dir', "probes {P} --out {T}/p", 'world'),
    case('probes-unknown-grammar', "probes {W} --grammars nosuch --out {T}/p", 'nosuch'),
    case('probes-max-per-split-zero', "probes {W} --max-per-split 0 --out {T}/p", 'max_per_split'),
    case('probes-max-per-split-word', "probes {W} --max-per-split some --out {T}/p", 'max-per-split'),
    case('probes-world-json-invalid', "probes {T}/w --out {T}/p", 'world.json', copy('W', 'w', write('world.json', '{"format": '))),
    case('probes-world-json-list', "probes {T}/w --out {T}/p", 'world.json', copy('W', 'w', write('world.json', '[]'))),
    case('probes-world-facts-missing', "probes {T}/w --out {T}/p", 'facts.parquet', copy('W', 'w', remove('facts.parquet'))),
    case('probes-world-facts-corrupt', "probes {T}/w --out {T}/p", 'facts.parquet', copy('W', 'w', garble('facts.parquet'))),
    case('probes-world-vocab-missing', "probes {T}/w --out {T}/p", 'vocab.json', copy('W', 'w', remove('vocab.json'))),
    case('probes-out-exists', "probes {W} --out {T}/p", 'exists', files(p__keep_dot_txt='mine')),

    # ---- edits
    case('edits-unknown-kind', "edits {W} --kind nosuch --out {T}/e", 'kind'),
    case('edits-relation-out-of-range', "edits {W} --relation 42 --out {T}/e", 'relation'),
    case('edits-n-retain-too-many', "edits {W} --n-retain 100000 --out {T}/e", 'n_retain'),
    case('edits-n-too-many', "edits {W} --n 100000 --out {T}/e", 'n:'),
    case('edits-heldout-fraction-remap', "edits {W} --heldout-fraction 1.5 --out {T}/e", 'heldout_fraction'),
    case('edits-world-is-model-file', "edits {M}/model.safetensors --out {T}/e", 'world'),
    case('edits-out-under-file', "edits {W} --out {T}/file.txt/e", 'file.txt', files(file_dot_txt='a file')),

    # ---- corpus
    case('corpus-unknown-mode', "corpus {W} --mode poem --out {T}/c", 'mode'),
    case('corpus-unknown-format', "corpus {W} --format csv --out {T}/c", 'format'),
    case('corpus-inverted-above-one', "corpus {W} --inverted 1.5 --out {T}/c", 'inverted'),
    case('corpus-shard-tokens-zero', "corpus {W} --shard-tokens 0 --out {T}/c", 'shard_tokens'),
    case('corpus-workers-zero', "corpus {W} --workers 0 --out {T}/c", 'workers'),
    case('corpus-world-is-edit-set', "corpus {E} --out {T}/c", 'world'),
    case('corpus-out-under-file', "corpus {W} --out {T}/file.txt/c", 'file.txt', files(file_dot_txt='a file')),

    # ---- generate
    case('generate-spec-invalid-json', "generate --spec {T}/s.json --out {T}/g", 's.json', files(s_dot_json='{')),
    case('generate-unknown-edit-kind', "generate --preset micro --edit-kind nosuch --out {T}/g", 'kind'),
    case('generate-corpus-inverted', "generate --preset micro --corpus-inverted 2 --out {T}/g", 'inverted'),
    case('generate-edit-n-retain-too-many', "generate --preset micro --edit-n-retain 100000 --out {T}/g", 'n_retain'),
    case('generate-out-exists', "generate --preset micro --out {T}/g", 'exists', files(g__keep_dot_txt='mine')),

    # ---- demo
    case('demo-train-lr-zero', "demo --preset micro --train-lr 0 --out {T}/d --quiet", 'lr'),
    case('demo-train-steps-zero', "demo --preset micro --train-steps 0 --out {T}/d --quiet", 'steps'),
    case('demo-train-model-no-equals', "demo --preset micro --train-model hidden_size --out {T}/d --quiet", 'model'),
    case('demo-train-model-unknown-field', "demo --preset micro --train-model hidden_sise=3 --train-steps 5 --no-edit --out {T}/d --quiet",
         'hidden_sise'),
    case('demo-train-model-bad-value', "demo --preset micro --train-model hidden_size=0 --train-steps 5 --no-edit --out {T}/d --quiet",
         'hidden_size'),
    case('demo-unknown-edit-kind', "demo --preset micro --edit-kind nosuch --out {T}/d --quiet", 'kind'),
    case('demo-out-under-file', "demo --preset micro --out {T}/file.txt/d --quiet", 'file.txt', files(file_dot_txt='a file')),

    # ---- train: bad typed values, wrong worlds, --out
    case('train-steps-negative', "train {W} --preset micro --steps -1 --out {T}/m", 'steps'),
    case('train-lr-zero', "train {W} --preset micro --lr 0 --out {T}/m", 'lr'),
    case('train-grad-accum-not-dividing', "train {W} --preset micro --batch-size 8 --grad-accum 3 --out {T}/m", 'grad_accum'),
    case('train-unknown-model-preset', "train {W} --preset huge --out {T}/m", 'preset'),
    case('train-unknown-device', "train {W} --preset micro --device tpu --out {T}/m", 'device'),
    case('train-unknown-eval-grammar', "train {W} --preset micro --eval-grammars nosuch --out {T}/m", 'eval_grammars'),
    case('train-model-unknown-field', "train {W} --preset micro --model hidden_sise=32 --out {T}/m", 'hidden_sise'),
    case('train-model-bad-value', "train {W} --preset micro --model hidden_size=0 --out {T}/m", 'hidden_size'),
    case('train-world-misspelt-preset', "train micr --preset micro --out {T}/m", 'micr'),
    case('train-world-is-edit-set', "train {E} --preset micro --out {T}/m", 'world'),
    case('train-world-is-parquet-file', "train {W}/facts.parquet --preset micro --out {T}/m", 'facts.parquet'),
    case('train-world-spec-unknown-field', "train {T}/s.json --preset micro --out {T}/m", 'n_subjectz', files(s_dot_json='{"n_subjectz": 5}')),
    case('train-out-exists', "train {W} --preset micro --out {T}/m", 'exists', files(m__keep_dot_txt='mine')),
    case('train-out-under-file', "train {W} --preset micro --out {T}/file.txt/m", 'file.txt', files(file_dot_txt='a file')),

    # ---- train --resume: an interrupted run (checkpoints/step_0000010 and log.jsonl only)
    case('resume-state-truncated', "train {W} " + TRAIN + " --resume --out {T}/run", 'step_0000010',
         copy('M', 'run', interrupted, truncate('checkpoints/step_0000010/state.pt'))),
    case('resume-state-garbled', "train {W} " + TRAIN + " --resume --out {T}/run", 'step_0000010',
         copy('M', 'run', interrupted, garble('checkpoints/step_0000010/state.pt'))),
    case('resume-meta-invalid-json', "train {W} " + TRAIN + " --resume --out {T}/run", 'meta.json',
         copy('M', 'run', interrupted, write('checkpoints/step_0000010/meta.json', '{"world":'))),
    case('resume-other-lr', "train {W} " + TRAIN + " --lr 0.01 --resume --out {T}/run", 'lr', copy('M', 'run', interrupted)),
    case('resume-other-corpus', "train {W} " + TRAIN + " --corpus-mode bio --resume --out {T}/run", 'corpus', copy('M', 'run', interrupted)),
    case('resume-other-world', "train {W2} " + TRAIN + " --resume --out {T}/run", 'world', copy('M', 'run', interrupted)),
    case('resume-and-overwrite', "train {W} " + TRAIN + " --resume --overwrite --out {T}/run", 'overwrite', copy('M', 'run', interrupted)),
    case('resume-finished-model', "train {W} " + TRAIN + " --resume --out {T}/m", 'finished', copy('M', 'm')),
    case('resume-out-is-file', "train {W} " + TRAIN + " --resume --out {T}/file.txt", 'file.txt', files(file_dot_txt='a file')),

    # ---- edit: methods and their flags
    case('edit-unknown-method', "edit {M} {E} --method romee --out {T}/x", 'romee'),
    case('edit-rank-with-rome', "edit {M} {E} --method rome --rank 4 --out {T}/x", 'rank'),
    case('edit-objective-with-rome', "edit {M} {E} --method rome --objective npo --out {T}/x", 'objective'),
    case('edit-unknown-objective', "edit {M} {E} --objective npoo --out {T}/x", 'npoo'),
    case('edit-refusal-objective-on-remap', "edit {M} {E} --objective refusal --epochs 1 --out {T}/x", 'refusal'),
    case('edit-lora-rank-too-large', "edit {M} {E} --method lora --rank 999 --epochs 1 --out {T}/x", 'rank'),
    case('edit-ft-layers-out-of-range', "edit {M} {E} --layers 7 --epochs 1 --out {T}/x", 'layers'),
    case('edit-rome-layers-out-of-range', "edit {M} {E} --method rome --layers 7 --out {T}/x", 'layers'),
    case('edit-epochs-zero', "edit {M} {E} --epochs 0 --out {T}/x", 'epochs'),
    case('edit-memit-mom2-weight-zero', "edit {M} {E} --method memit --mom2-weight 0 --out {T}/x", 'mom2_weight'),
    case('edit-rome-unknown-key-position', "edit {M} {E} --method rome --key-position middle --out {T}/x", 'key_position'),
    case('edit-lr-negative', "edit {M} {E} --lr -1 --out {T}/x", 'lr'),
    case('edit-unknown-scope', "edit {M} {E} --scope mlpp --out {T}/x", 'scope'),
    case('edit-plugins-missing-module', "edit {M} {E} --plugins behemoth_no_such_plugin --out {T}/x", 'behemoth_no_such_plugin'),
    case('edit-plugins-module-raises', "edit {M} {E} --plugins broken_plugin_a --out {T}/x", 'broken_plugin_a',
         plugin('broken_plugin_a', "raise RuntimeError('this plugin is broken')")),
    case('edit-edits-of-another-world', "edit {M} {E2} --epochs 1 --out {T}/x", 'world'),
    # ---- edit: wrong kinds of directories
    case('edit-model-is-world', "edit {W} {E} --out {T}/x", 'config.json'),
    case('edit-model-and-edits-swapped', "edit {E} {M} --out {T}/x", 'model'),
    case('edit-edits-is-world', "edit {M} {W} --out {T}/x", 'edits.json'),
    case('edit-model-is-file', "edit {M}/config.json {E} --out {T}/x", 'model'),
    case('edit-model-missing', "edit {T}/nope {E} --out {T}/x", 'nope'),
    case('edit-edits-missing', "edit {M} {T}/nope --out {T}/x", 'nope'),
    # ---- edit: damaged model directories
    case('model-weights-missing', "edit {T}/m {E} --out {T}/x", 'model.safetensors', copy('M', 'm', remove('model.safetensors'))),
    case('model-weights-truncated', "edit {T}/m {E} --out {T}/x", 'safetensor', copy('M', 'm', truncate('model.safetensors'))),
    case('model-weights-garbled', "edit {T}/m {E} --out {T}/x", 'safetensor', copy('M', 'm', garble('model.safetensors'))),
    case('model-record-invalid-json', "edit {T}/m {E} --out {T}/x", 'record.json', copy('M', 'm', write('record.json', '{"format": '))),
    case('model-config-invalid-json', "edit {T}/m {E} --out {T}/x", 'config.json', copy('M', 'm', write('config.json', '{"'))),
    case('model-vocab-missing', "edit {T}/m {E} --out {T}/x", 'vocab.json', copy('M', 'm', remove('vocab.json'))),
    case('model-world-json-invalid', "edit {T}/m {E} --out {T}/x", 'world.json', copy('M', 'm', write('world.json', '{'))),
    case('model-vocab-invalid-json', "edit {T}/m {E} --out {T}/x", 'vocab.json', copy('M', 'm', write('vocab.json', '{'))),
    # ---- edit: damaged edit sets (save_edits writes edits.json, edits.parquet, train.parquet, eval/probes.parquet, eval/tsv, *.jsonl)
    case('edits-train-missing', "edit {M} {T}/e --out {T}/x", 'train.parquet', copy('E', 'e', remove('train.parquet'))),
    case('edits-train-truncated', "edit {M} {T}/e --out {T}/x", 'train.parquet', copy('E', 'e', truncate('train.parquet'))),
    case('edits-json-invalid', "edit {M} {T}/e --out {T}/x", 'edits.json', copy('E', 'e', write('edits.json', '{"spec": '))),
    case('edits-json-empty-object', "edit {M} {T}/e --out {T}/x", 'edits.json', copy('E', 'e', write('edits.json', '{}'))),
    case('edits-parquet-missing', "edit {M} {T}/e --out {T}/x", 'edits.parquet', copy('E', 'e', remove('edits.parquet'))),
    case('edits-eval-probes-missing', "edit {M} {T}/e --out {T}/x", 'probes.parquet', copy('E', 'e', remove('eval/probes.parquet'))),
    case('edits-eval-probes-garbled', "edit {M} {T}/e --out {T}/x", 'probes.parquet', copy('E', 'e', garble('eval/probes.parquet'))),
    case('edit-out-exists', "edit {M} {E} --epochs 1 --out {T}/x", 'exists', files(x__keep_dot_txt='mine')),
    case('edit-out-is-its-model', "edit {T}/m {E} --epochs 1 --overwrite --out {T}/m", 'out', copy('M', 'm')),
    case('edit-out-under-file', "edit {M} {E} --epochs 1 --out {T}/file.txt/x", 'file.txt', files(file_dot_txt='a file')),

    # ---- methods
    case('methods-plugins-missing-module', "methods --plugins behemoth_no_such_plugin", 'behemoth_no_such_plugin'),
    case('methods-plugins-module-raises', "methods --plugins broken_plugin_b", 'broken_plugin_b',
         plugin('broken_plugin_b', "import nothing_here_either_xyz\n")),
    case('methods-unknown-flag', "methods --method ft", '--method'),

    # ---- oracle
    case('oracle-edits-of-another-world', "oracle {M} {E2} --quiet --out {T}/o", 'world'),   # a remap set trains the edit oracle (test_cli.py)
    case('oracle-model-is-world', "oracle {W} {R} --quiet --out {T}/o", 'model'),
    case('oracle-edits-is-model', "oracle {M} {M} --quiet --out {T}/o", 'edits'),
    case('oracle-of-edited-model', "oracle {EM} {R} --quiet --out {T}/o", 'record'),
    case('oracle-record-invalid-json', "oracle {T}/m {R} --quiet --out {T}/o", 'record.json', copy('M', 'm', write('record.json', '['))),
    case('oracle-record-json-list', "oracle {T}/m {R} --quiet --out {T}/o", 'record', copy('M', 'm', write('record.json', '[]'))),
    case('oracle-out-exists', "oracle {M} {R} --quiet --out {T}/o", 'exists', files(o__keep_dot_txt='mine')),

    # ---- evaluate
    case('evaluate-unedited-model', "evaluate {M} {E} --out {T}/r.csv", 'edited'),
    case('evaluate-bad-suffix', "evaluate {EM} --out {T}/results.txt", 'results.txt'),
    case('evaluate-oracle-not-a-model', "evaluate {EM} --oracle {W} --out {T}/r.csv", 'oracle'),
    case('evaluate-oracle-missing', "evaluate {EM} --oracle {T}/nope --out {T}/r.csv", 'oracle'),
    case('evaluate-base-is-world', "evaluate {EM} --base {W} --out {T}/r.csv", 'base'),
    case('evaluate-edits-of-another-world', "evaluate {EM} {E2} --out {T}/r.csv", 'world'),
    case('evaluate-recorded-base-gone', "evaluate {T}/em --out {T}/r.csv", 'base',
         copy('EM', 'em', lambda d: (d/'record.json').write_text((d/'record.json').read_text().replace('"base": "', '"base": "/nonexistent')))),
    case('evaluate-record-json-list', "evaluate {T}/em --out {T}/r.csv", 'record', copy('EM', 'em', write('record.json', '[]'))),
    case('evaluate-utility-size-zero', "evaluate {EM} --utility-size 0 --out {T}/r.csv", 'utility_size'),
    case('evaluate-model-is-edit-set', "evaluate {E} --out {T}/r.csv", 'model'),
    case('evaluate-out-exists', "evaluate {EM} --out {T}/r.csv", 'exists', files(r_dot_csv='mine')),
    case('evaluate-out-under-file', "evaluate {EM} --out {T}/file.txt/r.csv", 'file.txt', files(file_dot_txt='a file')),

    # ---- run (our own notebook T/nb/exp_demo.ipynb with parameters seed and n; everything it could write goes under T)
    case('run-misspelt-parameter', RUN + " -p sed=1", 'sed', notebook),
    case('run-missing-profile', RUN + " --profile gpu", 'exp_demo_gpu.yaml', notebook),
    case('run-missing-notebook', RUN.replace('exp_demo', 'exp_nope'), 'exp_nope.ipynb', notebook),
    case('run-p-without-equals', RUN + " -p seed", 'seed', notebook),
    case('run-p-invalid-yaml', RUN + " -p 'n=[1, 2'", 'n', notebook),
    case('run-jobs-zero', RUN + " --jobs 0", 'jobs', notebook),
    case('run-params-file-missing', RUN + " --params {T}/nope.yaml", 'nope.yaml', notebook),
    case('run-params-file-list', RUN + " --params {T}/p.yaml", 'p.yaml', both(notebook, files(p_dot_yaml='- 1\n- 2\n'))),
    case('run-no-notebooks-found', "run --out {T}/suite --figures {T}/fig --cache {T}/cache --quiet", 'notebooks'),
    case('run-notebook-not-json', "run {T}/nb/exp_bad.ipynb --out {T}/suite --figures {T}/fig --cache {T}/cache --params-dir {T}/params --quiet",
         'exp_bad.ipynb', both(notebook, files(nb__exp_bad_dot_ipynb='{"cells": ['))),
    case('run-plugins-missing-module', RUN + " --plugins behemoth_no_such_plugin", 'behemoth_no_such_plugin', notebook),
    case('diff-missing-table', "diff {T}/a.csv {T}/nope.csv", 'nope.csv', files(a_dot_csv='metric,value\nx,1\n')),
    case('diff-directory', "diff {T}/a.csv {T}", 'not a file', files(a_dot_csv='metric,value\nx,1\n')),
    case('diff-not-results', "diff {T}/a.csv {T}/b.csv", 'not a results table', files(a_dot_csv='metric,value\nx,1\n', b_dot_csv='x,y\n1,2\n')),
    case('diff-empty', "diff {T}/a.csv {T}/b.csv", 'cannot read', files(a_dot_csv='metric,value\nx,1\n', b_dot_csv='')),
    case('diff-other-columns', "diff {T}/a.csv {T}/b.csv", 'different columns',
         files(a_dot_csv='metric,value\nx,1\n', b_dot_csv='metric,seed,value\nx,0,1\n')),
    case('diff-negative-rtol', "diff {T}/a.csv {T}/a.csv --rtol -1", 'rtol', files(a_dot_csv='metric,value\nx,1\n')),

    # ---- export
    case('export-no-format', "export", 'FORMAT'),
    case('export-unknown-format', "export csv {W} --out {T}/d", 'invalid choice'),
    case('export-world-missing', "export hf {T}/nope --out {T}/d", 'nope'),
    case('export-world-is-edit-set', "export hf {E} --out {T}/d", 'not a world directory'),
    case('export-out-exists', "export hf {W} --out {T}/d", 'exists', files(d__keep_dot_txt='mine')),
    case('export-out-is-world', "export hf {W} --out {W}", 'input'),
    case('export-corpus-negative', "export hf {W} --corpus-sentences -1 --out {T}/d", 'corpus_sentences'),

    # ---- bench (a setting file of our own; nothing may be trained or written before the checks)
    case('bench-unknown-setting', "bench cpu-v0 --out {T}/b --jobs-dir {T}/j", 'cpu-v0'),
    case('bench-setting-invalid-yaml', BENCH, 'not valid YAML', files(s_dot_yaml='name: [\n')),
    case('bench-setting-unknown-key', BENCH, 'sedes', files(s_dot_yaml=SETTING + "sedes: [0]\n")),
    case('bench-no-validation-edits', BENCH, 'n_validation', files(s_dot_yaml=SETTING.replace('n_validation: 2', 'n_validation: 0'))),
    case('bench-method-on-wrong-board', BENCH, 'unlearn', files(s_dot_yaml=SETTING.replace('method: grace', 'objective: npo'))),
    case('bench-unknown-method', BENCH + " --methods mem1t", 'mem1t', files(s_dot_yaml=SETTING)),
    case('bench-jobs-zero', BENCH + " --jobs 0", 'jobs', files(s_dot_yaml=SETTING)),
    case('bench-slurm-settings-locally', BENCH + " --slurm partition=cpu", 'slurm', files(s_dot_yaml=SETTING)),
    case('run-slurm-settings-locally', RUN + " --slurm partition=cpu", 'slurm', notebook),
]

@pytest.mark.parametrize('argv, word, prep', CASES)
def test_bad_input(fx, tmp_path, capsys, monkeypatch, argv, word, prep):
    monkeypatch.delenv('BEHEMOTH_PLUGINS', raising=False)
    monkeypatch.chdir(tmp_path)                  # a relative default (runs/demo, nbs/experiments, ...) would land here, and be seen
    monkeypatch.syspath_prepend(str(tmp_path/'plugins'))
    if prep is not None: prep(fx, tmp_path)
    before, inputs = snapshot(tmp_path), snapshot(fx.root)
    capsys.readouterr()
    rc = main(shlex.split(argv.format(T=tmp_path, **fx.paths)))
    err = capsys.readouterr().err
    assert rc == 2, f"exit status {rc}; stderr: {err[-2000:]}"
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith('\n'), f"stderr is not one line: {err!r}"
    assert lines[0].startswith('behemoth: error:'), lines[0]
    assert word.lower() in lines[0].lower(), f"{word!r} not in {lines[0]!r}"
    assert snapshot(tmp_path) == before, "something was left in (or removed from) the output location"
    assert snapshot(fx.root) == inputs, "an input directory changed"

def test_catalogue_covers_every_subcommand():
    from behemoth.cli import COMMANDS
    used = {p.values[0].split()[0] for p in CASES if p.values[0]}
    assert set(COMMANDS) <= used, sorted(set(COMMANDS) - used)
    assert len(CASES) >= 45

def test_oracle_of_a_remap_set(fx, tmp_path, capsys):
    "The valid counterpart of the catalogue's oracle cases: a remap set's oracle is the fixture model retrained on its world with the edits true"
    from behemoth.edits import load_edits
    from behemoth.model import load_model_dir
    from behemoth.unlearn import edited_world
    from behemoth.world import load_world
    d, before = tmp_path, snapshot(fx.root)
    assert main(['edits', fx.paths['W'], '--kind', 'remap_nested', '--n', '2', '--repeats', '2', '--n-retain', '5', '--out', str(d/'e')]) == 0
    capsys.readouterr()
    assert main(['oracle', fx.paths['M'], str(d/'e'), '--out', str(d/'o'), '--quiet']) == 0
    out = capsys.readouterr().out
    assert out.startswith('edit oracle: 2 edits made true') and out.count('\n') == 1, out
    _, world, _, rec = load_model_dir(d/'o')
    want = edited_world(load_world(fx.paths['W']), load_edits(d/'e'))
    assert world.facts.equals(want.facts) and world.spec == want.spec     # the directory records the edited world
    eo = rec['edit_oracle']
    assert rec['steps'] == 20 and eo['kind'] == 'remap_nested' and len(eo['edited']) == 2
    assert len(eo['changed']) > 2                                          # the moved objects' subjects moved with them
    assert snapshot(fx.root) == before
