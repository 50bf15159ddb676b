"Package plumbing: the import, its version, the console script and the nbdev index"
import configparser, shutil, subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

def _settings()->configparser.SectionProxy:
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(ROOT/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def test_import_and_version():
    import behemoth
    assert behemoth.__version__ == _settings()['version']

def test_modidx_exists():
    assert (ROOT/'behemoth'/'_modidx.py').is_file(), "run nbdev_export to write behemoth/_modidx.py"

def test_console_script_help():
    if not (ROOT/'behemoth'/'cli.py').exists(): pytest.skip("behemoth/cli.py is not exported yet")
    exe = shutil.which('behemoth')
    assert exe, "the `behemoth` console script is not on PATH: run `make install`"
    res = subprocess.run([exe, '--help'], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr

def _imports()->dict:
    "Every module's imports of other behemoth modules (function-level ones too), with the names it takes from each"
    import ast
    mods = {p.stem: p for p in (ROOT/'behemoth').glob('*.py') if p.stem not in ('_modidx', '__init__')}
    out = {}
    for m, p in mods.items():
        deps = {}
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.ImportFrom) and (n.level == 1 or (n.module or '').startswith('behemoth.')):
                dep = (n.module or '').split('.')[-1]
                if dep in mods: deps.setdefault(dep, set()).update(a.name for a in n.names)
        out[m] = deps
    return out

def test_no_private_names_cross_modules():
    bad = {(m, d, name) for m, deps in _imports().items() for d, names in deps.items() for name in names if name.startswith('_')}
    assert not bad, f"private names imported across modules: {sorted(bad)}"

def test_no_import_cycles():
    g = {m: set(deps) for m, deps in _imports().items()}
    def reach(m, seen):
        for d in g[m] - seen: seen.add(d); reach(d, seen)
        return seen
    cyc = sorted(m for m in g if m in reach(m, set()))
    assert not cyc, f"modules on an import cycle: {cyc}"

def test_lock_pins_what_is_installed():
    "make install applies constraints.txt: every locked package is installed at its locked version"
    from importlib import metadata
    bad = []
    for line in (ROOT/'constraints.txt').read_text().splitlines():
        if not line or line[0] in ' #' or '==' not in line: continue
        name, ver = line.split('==')
        try: got = metadata.version(name)
        except metadata.PackageNotFoundError: continue          # pip and setuptools may be outside the environment's metadata
        if got.split('+')[0] != ver.strip(): bad.append((name, ver.strip(), got))
    assert not bad, f"installed versions differ from the lock (run `make install`): {bad}"
