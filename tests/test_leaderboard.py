"The committed leaderboard: what the front page and README show is what the committed bench results render to"
import json
from pathlib import Path

import nbformat
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BOARD = ROOT/'figures'/'bench'/'cpu-v1'


def _stored_output()->str:
    "The Markdown the front page's leaderboard cell holds as its stored output"
    nb = nbformat.read(ROOT/'nbs'/'index.ipynb', as_version=4)
    cells = [c for c in nb.cells if c.cell_type == 'code' and 'leaderboard.md' in c.source]
    assert len(cells) == 1, "nbs/index.ipynb should have one leaderboard cell"
    outs = [o for o in cells[0].outputs if 'text/markdown' in o.get('data', {})]
    assert outs, "the leaderboard cell has no stored Markdown output: execute it and commit the notebook"
    return outs[0]['data']['text/markdown']


def test_front_page_shows_the_committed_board():
    assert _stored_output().strip() == (BOARD/'leaderboard.md').read_text().strip()


def test_readme_shows_the_committed_board():
    rows = [l for l in (BOARD/'leaderboard.md').read_text().splitlines() if l.startswith('| ')]
    readme = (ROOT/'README.md').read_text()
    assert len(rows) > 10 and all(l in readme for l in rows), "README.md is stale: run `make readme`"


def test_board_is_rendered_from_the_committed_results():
    "Every board row's numbers are the mean over the seeds of the committed per-run results"
    from behemoth.bench import leaderboard, read_setting
    s = read_setting('cpu-v1', ROOT/'params'/'bench')
    res = pd.read_csv(BOARD/'results.csv', low_memory=False)
    meta = json.loads((BOARD/'bench.json').read_text())
    assert meta['setting'] == s, "the committed board was made from another version of params/bench/cpu-v1.yaml"
    for b, spec in s['boards'].items():
        saved = pd.read_csv(BOARD/f"leaderboard_{b}.csv")
        fresh = leaderboard(res, b, spec['metrics'])
        ok = saved[saved.status == 'ok'].set_index('method')
        assert len(ok) == len(meta['methods'][b]), f"the {b} board has a failed job: {saved[saved.status != 'ok'].error.tolist()}"
        for m in spec['metrics']:
            pd.testing.assert_series_equal(fresh.set_index('method').loc[ok.index, m], ok[m], check_names=False, rtol=1e-9)
        assert (ok.n_seeds >= 3).all(), "every reported number is over at least 3 seeds"
