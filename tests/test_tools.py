"tools/outputs.py: what the stored-outputs check keeps, masks and reports"
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'tools'))
import outputs  # noqa: E402


def nb_of(*cells):
    return new_notebook(cells=[new_code_cell(src, outputs=outs) for src, outs in cells])


def out(text, kind='stdout'):
    return new_output('stream', name=kind, text=text)


def test_volatile_parts_are_masked():
    a = outputs.shown_text(out('trained in 12.3 s at 5,000 tokens/s, into /tmp/tmpab12cd/x\n'))
    b = outputs.shown_text(out('trained in 9 s at 5,000 tokens/s, into /tmp/tmpzz99yy/x\n'))
    assert a == b
    assert outputs.shown_text(out('recall 0.95\n')) != outputs.shown_text(out('recall 0.96\n'))   # numbers are not masked


def test_differences_name_the_cell():
    stored = nb_of(('x = 1', []), ('print(x)', [out('1\n')]))
    same = nb_of(('x = 1', []), ('print(x)', [out('1\n')]))
    assert outputs.differences(stored, same, 'nb') == []
    moved = nb_of(('x = 1', []), ('print(x)', [out('2\n')]))
    (d,) = outputs.differences(stored, moved, 'nb')
    assert d.startswith('nb: code cell 2 (print(x))') and '-1' in d and '+2' in d
    edited = nb_of(('x = 2', []), ('print(x)', [out('2\n')]))
    assert outputs.differences(stored, edited, 'nb') == ['nb: its code changed since the outputs were stored']


def test_kept_drops_stderr_counts_and_big_outputs():
    big = new_output('execute_result', data={'text/plain': 'x' * (outputs.MAX_OUTPUT + 1)}, execution_count=3)
    small = new_output('execute_result', data={'text/plain': '42'}, execution_count=4)
    nb = nb_of(('f()', [out('warning\n', 'stderr'), big, small]))
    nb.cells[0].execution_count = 4
    assert outputs.kept(nb) == 1
    (o,) = nb.cells[0].outputs
    assert o.data['text/plain'] == '42' and o.execution_count is None and nb.cells[0].execution_count is None
    nbformat.validate(nb)


def test_wall_time_columns_are_masked():
    html = lambda s1, acc: ('<table><thead><tr><th></th><th>method</th><th>seconds</th><th>acc</th></tr></thead>'
                            f'<tbody><tr><th>0</th><td>ft</td><td>{s1}</td><td>{acc}</td></tr></tbody></table>')
    df = lambda s1, acc: new_output('execute_result', data={'text/html': html(s1, acc), 'text/plain': 'cut'}, execution_count=1)
    assert outputs.shown_text(df(1.70, 0.5)) == outputs.shown_text(df(1.48, 0.5))       # the seconds column
    assert outputs.shown_text(df(1.70, 0.5)) != outputs.shown_text(df(1.70, 0.6))       # every other cell counts
    md = lambda s1: out(f'| method | acc | seconds per edit set |\n|---|---|---|\n| ft | 0.50 | {s1} |\n\nafter\n')
    assert outputs.shown_text(md('3.2 [0.9, 5.4]')) == outputs.shown_text(md('2.9 [1.0, 4.4]'))
    assert outputs.shown_text(out("{'efficacy': 1.0, 'seconds': 0.54}")) == outputs.shown_text(out("{'efficacy': 1.0, 'seconds': 0.41}"))
    assert outputs.shown_text(out("{'efficacy': 1.0, 'seconds': 0.54}")) != outputs.shown_text(out("{'efficacy': 0.9, 'seconds': 0.54}"))


def test_inexact_comparison_keeps_all_but_the_decimals():
    a, b = out('recall 0.9512 on 40 facts\n'), out('recall 0.9513 on 40 facts\n')
    assert outputs.shown_text(a) != outputs.shown_text(b)
    assert outputs.shown_text(a, exact=False) == outputs.shown_text(b, exact=False)                   # other CPU kernels: the last digits
    assert outputs.shown_text(a, exact=False) != outputs.shown_text(out('recall 0.9512 on 41 facts\n'), exact=False)   # counts still count
