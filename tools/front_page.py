"""Store the front page's leaderboard cell output (nbs/index.ipynb) from the committed board, as executing it would.

`make readme` runs this before converting nbs/index.ipynb, so the docs front page, GitHub's view of the notebook and
README.md show the board in figures/bench/<setting>/leaderboard.md; tests/test_leaderboard.py checks they agree.

    python3 tools/front_page.py            # nbs/index.ipynb from figures/bench/cpu-v1/leaderboard.md
"""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def main(setting: str = 'cpu-v1') -> int:
    board = ROOT / 'figures' / 'bench' / setting / 'leaderboard.md'
    if not board.is_file():
        print(f"front_page: {board.relative_to(ROOT)} does not exist: run `make bench` first", file=sys.stderr)
        return 2
    path = ROOT / 'nbs' / 'index.ipynb'
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == 'code' and f"figures/bench/{setting}/leaderboard.md" in c.source]
    if len(cells) != 1:
        print(f"front_page: nbs/index.ipynb has {len(cells)} cells showing the {setting} board, not one", file=sys.stderr)
        return 2
    cells[0].outputs = [nbformat.v4.new_output('execute_result', execution_count=None,
                                               data={'text/markdown': board.read_text(), 'text/plain': '<IPython.core.display.Markdown object>'})]
    nbformat.write(nb, path)
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
