"""Store the chapters' outputs in their notebooks, and check that stored outputs match a fresh execution.

The chapters (nbs/index.ipynb and nbs/NN_*.ipynb) are committed with their outputs, so GitHub and the docs site show
them without executing anything. `store` executes them as `make test` does (one torch thread, the cells nbdev_test
skips skipped) and keeps what a reader needs: tables, printed results, figures. It drops stderr (warnings, progress
bars) and any output over MAX_OUTPUT bytes, and writes this machine's paths as docs_site does (repository root
relative, /tmp/ as TMPDIR/). `check` executes the chapters named in FAST (or those given) in a scratch copy and fails
on any output that differs from the stored one once VOLATILE is masked (wall times, temporary folder names). Under
other package versions or CPU kernels than those that stored them (nbs/.outputs.json) the last digits of a float may
differ, so there numbers with decimals are not compared.

    python3 tools/outputs.py store               # every chapter, 2 at a time (about 5 min on 2 cores)
    python3 tools/outputs.py store nbs/01_world.ipynb
    python3 tools/outputs.py check               # the FAST chapters
    nbdev_test --skip_file_re "$(python3 tools/outputs.py skip-re)"   # every other notebook (make test)
"""

import argparse, concurrent.futures, difflib, functools, json, os, re, sys, time
from html.parser import HTMLParser
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_site import ROOT, _skip_flags, _die_with_parent, execute, unlocal  # one way to execute a notebook and to unlocalise it

MAX_OUTPUT = 150_000   # bytes: a larger output (a long table, a big figure) is not stored
# the chapters `check` executes by default: each runs in under about 30 s on one core and trains no model above smoke size
FAST = ['index', '00_core', '01_world', '02_vocab', '03_grammar', '04_corpus', '05_probes', '06_edits', '07_generate',
        '08_model', '15a_protocol', '16_runner', '18_cli', '19_share']
# notebooks a pytest already executes whole, so nbdev_test leaves them out (skip-re): exp02 runs sharded against the golden copy
ELSEWHERE = {'exp02_scope': 'tests/test_repro.py'}
# what may differ between two runs of the same code: wall-clock times and temporary folder names
VOLATILE = [(re.compile(r'\b\d[\d,]*(\.\d+)? ?(it|tokens?|steps?)/s\b'), '<rate>'),
            (re.compile(r'\b\d+(\.\d+)?(e-?\d+)? ?(s|ms|µs|seconds?|sec|min)\b'), '<time>'),
            (re.compile(r'\b(tmp|TMPDIR/)[\w.-]*'), '<tmp>'),
            (re.compile(r' at 0x[0-9a-f]+'), ' at <address>')]


ENV_FILE = ROOT / 'nbs' / '.outputs.json'   # what stored the outputs: package versions and the CPU's kernels
INEXACT = re.compile(r'(?<![\w.])-?\d+\.\d+(e[-+]?\d+)?')   # a number with decimals: exact only under the same kernels and versions


def environment()->dict:
    "The versions and CPU kernels (`torch.backends.cpu.get_cpu_capability()`) that decide an output's last digits"
    import platform, torch
    from behemoth.core import versions
    return dict(versions={k: v for k, v in versions().items() if k != 'behemoth'}, cpu=torch.backends.cpu.get_cpu_capability(),
                machine=platform.machine())


def chapters(names=None)->list:
    "The chapter notebooks: those named (paths or stems), else every one"
    every = [p for p in sorted((ROOT / 'nbs').glob('*.ipynb')) if p.name == 'index.ipynb' or re.match(r'\d', p.name)]
    if not names: return every
    out = []
    for n in names:
        p = Path(n) if Path(n).suffix == '.ipynb' else ROOT / 'nbs' / f'{n}.ipynb'
        if not p.resolve().is_file(): raise SystemExit(f'outputs: no notebook {n}')
        out.append(p.resolve())
    return out


def kept(nb)->int:
    "Drop what `store` does not keep from every cell of `nb`: stderr, outputs over MAX_OUTPUT, execution counts; the outputs dropped"
    dropped = 0
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        outs = []
        for o in cell.outputs:
            if o.output_type == 'stream' and o.name == 'stderr': continue
            if len(json.dumps(o)) > MAX_OUTPUT:   # its size as stored (near enough: nbformat indents it)
                dropped += 1; continue
            if 'execution_count' in o: o.execution_count = None   # nbdev_clean's form: no run's numbering is stored
            outs.append(o)
        cell.outputs, cell.execution_count = outs, None
    return dropped


def executed(path: Path)->tuple:
    "(the notebook at `path` executed as `make test` does and trimmed by `kept`, an error or '')"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'code': cell.outputs, cell.execution_count = [], None
    err = execute(nb, str(path.parent), sorted(_skip_flags(ROOT)))
    kept(nb); unlocal(nb, ROOT)
    return nb, err


TIMING = re.compile(r'seconds|_per_s\b|elapsed', re.I)   # a table column (or a printed field) of wall-clock time


class _Cells(HTMLParser):
    "The rows of th/td texts of an HTML table (a DataFrame's text/html)"
    def __init__(self):
        super().__init__(); self.rows, self.cell = [], None
    def handle_starttag(self, tag, attrs):
        if tag == 'tr': self.rows.append([])
        elif tag in ('th', 'td'): self.cell = []
    def handle_endtag(self, tag):
        if tag in ('th', 'td') and self.cell is not None and self.rows: self.rows[-1].append(''.join(self.cell).strip()); self.cell = None
    def handle_data(self, data):
        if self.cell is not None: self.cell.append(data)


def _unclocked(rows: list)->list:
    "Table rows with every cell under a TIMING header replaced by <time>: a header row sets the columns, the rows under it follow"
    cols, out = set(), []
    for r in rows:
        hit = {i for i, c in enumerate(r) if TIMING.search(c)}
        if hit: cols = hit; out.append(r); continue
        out.append([('<time>' if i in cols and c.strip() else c) for i, c in enumerate(r)])
    return out


def _markdown_unclocked(t: str)->str:
    "Markdown tables in `t` with their wall-time columns masked"
    lines, out, table = t.split('\n'), [], []
    def flush():
        out.extend('|'.join(r) for r in _unclocked(table)); table.clear()
    for l in lines:
        if l.lstrip().startswith('|'): table.append(l.split('|'))
        else: flush(); out.append(l)
    flush()
    return '\n'.join(out)


def shown_text(o, exact: bool=True)->str:
    "What `check` compares of one output: a table's cells (HTML), else its text (markdown, plain or stream), an image only as its kind; wall times and VOLATILE masked"
    if o.output_type == 'stream': t = o.text
    else:
        d = o.get('data', {})
        html = ''.join(d['text/html']) if 'text/html' in d else ''
        if '<table' in html:
            p = _Cells(); p.feed(html); t = '\n'.join('\t'.join(r) for r in _unclocked(p.rows))
        else: t = next((d[k] for k in ('text/markdown', 'text/plain') if k in d), '') or ''
        if any(k.startswith('image/') for k in d): t = '<image> ' + (t if isinstance(t, str) else ''.join(t))
    t = ''.join(t) if isinstance(t, list) else t
    t = re.sub(r"(['\"]?\w*(?:seconds|elapsed)\w*['\"]?\s*[:=]\s*)-?[\d.]+(?:e-?\d+)?", r'\1<time>', _markdown_unclocked(t))   # 'seconds': 0.54, seconds=3
    for pat, rep in VOLATILE: t = pat.sub(rep, t)
    return t if exact else INEXACT.sub('<num>', t)


def differences(stored, fresh, name: str, exact: bool=True)->list:
    "One line per code cell whose outputs differ between the stored and the fresh notebook (by position; sources must agree)"
    a = [c for c in stored.cells if c.cell_type == 'code']; b = [c for c in fresh.cells if c.cell_type == 'code']
    if [c.source for c in a] != [c.source for c in b]: return [f'{name}: its code changed since the outputs were stored']
    out = []
    for i, (x, y) in enumerate(zip(a, b), 1):
        sx, sy = [shown_text(o, exact) for o in x.outputs], [shown_text(o, exact) for o in y.outputs]
        if sx == sy: continue
        d = [l for l in difflib.unified_diff('\n'.join(sx).splitlines(), '\n'.join(sy).splitlines(), 'stored', 'fresh', n=0, lineterm='')
             if not l.startswith(('---', '+++', '@@'))]
        out.append(f'{name}: code cell {i} ({x.source.splitlines()[0][:50] if x.source else ""}): ' + (' | '.join(d[:4])[:400] or 'outputs differ in number'))
    return out


def _sources(nb)->list: return [(c.cell_type, c.source) for c in nb.cells]


def _store(path: Path)->tuple:
    before, t0 = _sources(nbformat.read(path, as_version=4)), time.perf_counter()
    nb, err = executed(path)
    if err: return [f'outputs: {path.relative_to(ROOT)}: {err}'], time.perf_counter() - t0
    if _sources(nbformat.read(path, as_version=4)) != before:   # edited while it ran: its outputs are of other code
        return [f'outputs: {path.relative_to(ROOT)} changed while it was executed; its outputs were not stored'], time.perf_counter() - t0
    nbformat.write(nb, path)
    return [], time.perf_counter() - t0


def _check(path: Path, exact: bool=True)->tuple:
    t0 = time.perf_counter()
    nb, err = executed(path)
    if err: return [f'outputs: {path.relative_to(ROOT)}: {err}'], time.perf_counter() - t0
    return differences(nbformat.read(path, as_version=4), nb, str(path.relative_to(ROOT)), exact), time.perf_counter() - t0


def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('command', choices=['store', 'check', 'skip-re'],
                    help="skip-re: print nbdev_test's --skip_file_re, leaving out what make test executes otherwise (FAST: check; ELSEWHERE: a pytest)")
    ap.add_argument('notebooks', nargs='*', help='chapters (paths or stems); default: every chapter (store), FAST (check)')
    ap.add_argument('--jobs', type=int, default=2, help='notebooks executed at a time (default: 2)')
    args = ap.parse_args(argv)
    if args.command == 'skip-re':   # nbdev_test's default (^[_.]), the FAST chapters and the notebooks a pytest runs
        print('^([_.]|(' + '|'.join(map(re.escape, [*FAST, *ELSEWHERE])) + r')\.ipynb$)'); return 0
    paths = chapters(args.notebooks or (None if args.command == 'store' else FAST))
    os.environ['OMP_NUM_THREADS'] = '1'   # as make test: one torch thread a notebook
    os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')
    env, problems = environment(), []
    exact = args.command == 'check' and ENV_FILE.is_file() and json.loads(ENV_FILE.read_text()) == env
    if args.command == 'check' and not exact:
        print("outputs: the package versions or CPU kernels differ from those that stored the outputs (nbs/.outputs.json): "
              "numbers with decimals are not compared, everything else is", file=sys.stderr)
    fn = _store if args.command == 'store' else functools.partial(_check, exact=exact)
    with concurrent.futures.ProcessPoolExecutor(max(1, args.jobs), initializer=_die_with_parent) as ex:
        for p, (r, seconds) in zip(paths, ex.map(fn, paths)):
            problems += r
            print(f"outputs: {args.command} {p.relative_to(ROOT)}: {'FAILED' if r else 'ok'} ({seconds:.0f} s)", file=sys.stderr, flush=True)
    if args.command == 'store' and not problems: ENV_FILE.write_text(json.dumps(env, indent=1, sort_keys=True) + '\n')
    for x in problems: print(x, file=sys.stderr)
    if problems:
        print(f"outputs: {len(problems)} problem(s)" + ("; run `make outputs` and commit the notebooks if the change is meant" if args.command == 'check' else ''), file=sys.stderr)
        return 1
    print(f"outputs: {args.command}: {len(paths)} notebook(s) ok")
    return 0


if __name__ == '__main__': sys.exit(main())
