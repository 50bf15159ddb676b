"""Build the docs site without Quarto: execute the notebooks, convert them to HTML and link them with a sidebar.

`make docs` runs this when `quarto` (which `nbdev_docs` needs) is not installed. The chapters (nbs/index.ipynb and
nbs/NN_*.ipynb) are committed with their outputs (`make outputs`, tools/outputs.py) and rendered from them; a chapter
without any stored output is executed first. An experiment notebook is rendered from its executed copy in runs/suite/
when `make demo` left one, else executed with its smoke-sized defaults. Pages follow
nbs/sidebar.yml, every page links to every other with relative links (the site works from file:// and from any base
URL), and the site is built in a temporary folder beside --out and renamed into place only when every page built.
No page shows a path of this machine (papermill's injected out_dir, a warning's file): in every cell's source and text
output the repository root is made relative, /tmp/ written TMPDIR/ and the home folder ~/.

    python3 tools/docs_site.py                    # _docs/ from nbs/, 2 notebooks at a time
    python3 tools/docs_site.py --no-execute       # render the stored outputs only (a quick look at the layout)
    python3 tools/docs_site.py --execute-all      # execute every chapter too, whatever it has stored
"""

import argparse, base64, concurrent.futures, configparser, ctypes, html, mimetypes, os, posixpath, re, shutil, signal
import sys, tempfile, time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 1800  # seconds per cell: generous, a training cell on 2 cores takes about a minute
SKIP_TAG = 'skip-execution'  # nbclient's default skip_cells_with_tag


class BuildError(Exception):
    "A problem that stops the build, reported as one line"


@dataclass
class Page:
    "One notebook of the site and where its page goes"
    nb: Path             # the notebook in nbs/ (for its folder and its name)
    src: Path            # what to read: `nb` itself, or its executed copy in runs/suite/
    out: str             # the page's path inside the site, posix, e.g. 'world.html'
    section: str = ''    # sidebar section ('' for the top level)
    execute: bool = True # False where `src` already holds outputs
    title: str = ''
    text: str = ''       # `src` as read when the build began (a suite run or an editor may rewrite it meanwhile)

    def read(self):
        "The notebook of this page, as it was when the build began"
        return nbformat.reads(self.text, as_version=4)


# ## Which pages, in which order

def out_name(nb_rel: str)->str:
    "The page path of a notebook path relative to nbs/: Quarto drops a numeric prefix, so '01_world.ipynb' is 'world.html'"
    d, name = posixpath.split(nb_rel)
    return posixpath.join(d, re.sub(r'^\d+[a-z]?_', '', posixpath.splitext(name)[0]) + '.html')


def _expand(entry, nbs: Path)->list:
    "Notebook paths relative to nbs/ for one sidebar `contents` entry: a file, or a folder (every notebook in it, by name)"
    if entry.endswith('/'):
        return sorted(p.relative_to(nbs).as_posix() for p in (nbs / entry).glob('*.ipynb'))
    if not (nbs / entry).is_file(): raise BuildError(f'nbs/sidebar.yml lists {entry}, which is not in nbs/')
    return [entry]


def sidebar_order(nbs: Path)->list:
    "(notebook path relative to nbs/, section) in the order of nbs/sidebar.yml"
    contents = yaml.safe_load((nbs / 'sidebar.yml').read_text())['website']['sidebar']['contents']
    order = []
    for entry in contents:
        if isinstance(entry, str): order += [(p, '') for p in _expand(entry, nbs)]
        else:
            items = entry.get('contents', [])
            for item in [items] if isinstance(items, str) else items:
                order += [(p, entry['section']) for p in _expand(item if isinstance(item, str) else item['href'], nbs)]
    return order


def _has_outputs(text: str)->bool:
    "Whether a notebook (its JSON) stores any code cell's outputs"
    return any(c.get('outputs') for c in nbformat.reads(text, as_version=4).cells if c.cell_type == 'code')


def collect_pages(root: Path, execute: bool=True, execute_all: bool=False)->list:
    "Every page of the site: the sidebar's order, then any chapter or experiment it leaves out (with a note)"
    nbs = root / 'nbs'
    order = sidebar_order(nbs)
    listed = {p for p, _ in order}
    chapters = [p.name for p in sorted(nbs.glob('*.ipynb')) if p.name == 'index.ipynb' or re.match(r'\d', p.name)]
    experiments = [p.relative_to(nbs).as_posix() for p in sorted((nbs / 'experiments').glob('*.ipynb'))]
    top = [i for i, (_, s) in enumerate(order) if not s]
    at = top[-1] + 1 if top else 0
    missing = [p for p in chapters if p not in listed]
    order[at:at] = [(p, '') for p in missing]
    order += [(p, 'Experiments') for p in experiments if p not in listed]
    for p in missing + [p for p in experiments if p not in listed]:
        print(f'docs: note: nbs/{p} is not in nbs/sidebar.yml; its page goes in anyway', file=sys.stderr)
    pages = []
    for rel, section in order:
        nb, src, run = nbs / rel, nbs / rel, execute
        suite, text = root / 'runs' / 'suite' / Path(rel).name, ''
        if rel.startswith('experiments/') and suite.is_file():
            try: text = suite.read_text(); pm = nbformat.reads(text, as_version=4).metadata.get('papermill', {})
            except Exception: pm = {'end_time': None}  # being written right now
            if pm and pm.get('end_time') is None and not pm.get('exception'):
                text = ''
                print(f'docs: note: {suite.relative_to(root)} is a run still going (or cut short); '
                      f'executing nbs/{rel} with its defaults instead', file=sys.stderr)
            else:
                src, run = suite, False
                if suite.stat().st_mtime < nb.stat().st_mtime:
                    print(f'docs: note: {suite.relative_to(root)} is older than nbs/{rel}; rendering it anyway',
                          file=sys.stderr)
        text = text or src.read_text()
        if run and not rel.startswith('experiments/') and not execute_all and _has_outputs(text): run = False   # a chapter's stored outputs
        pages.append(Page(nb=nb, src=src, out=out_name(rel), section=section, execute=run, text=text))
    return pages


# ## Executing

def _directives(cell)->dict:
    "The nbdev `#| key: value` directives at the top of a code cell ('#| hide' gives {'hide': ''})"
    res = {}
    for line in cell.source.splitlines():
        if not line.startswith('#|'): break
        key, _, val = line[2:].strip().partition(':')
        res[key.strip()] = val.strip()
    return res


def _skip_flags(root: Path)->set:
    "Flags whose cells nbdev_test skips by default (settings.ini `tst_flags`); the docs skip them too"
    cfg = configparser.ConfigParser()
    cfg.read(root / 'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())


def _error_line(nb)->str:
    "'cell N, In [n]: Ename: evalue' for the first cell of `nb` with an error output (N counts every cell from 1)"
    for i, cell in enumerate(nb.cells):
        for o in cell.get('outputs', []):
            if o.get('output_type') == 'error':
                evalue = ' '.join(str(o.get('evalue', '')).split())
                return f"cell {i + 1}, In [{cell.get('execution_count') or ' '}]: {o.get('ename', 'Error')}: {evalue}".strip()
    return ''


def execute(nb, cwd: str, skip_flags: list)->str:
    "Execute `nb` in place with its kernel in `cwd`, skipping '#| eval: false' and flagged cells: '' or a one-line error"
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    skipped = []
    for cell in nb.cells:
        d = _directives(cell) if cell.cell_type == 'code' else {}
        if d.get('eval') == 'false' or set(d) & set(skip_flags):
            tags = cell.metadata.setdefault('tags', [])
            if SKIP_TAG not in tags: tags.append(SKIP_TAG); skipped.append(cell)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name='python3', resources={'metadata': {'path': cwd}})
    first_line = lambda e: str(e).strip().splitlines()[0] if str(e).strip() else ''
    with tempfile.TemporaryFile('w+') as log:  # the kernel's own stderr: noise, unless it dies
        try: client.execute(stderr=log)
        except CellExecutionError as e: return _error_line(nb) or f'{e.ename}: {e.evalue}'
        except CellTimeoutError:
            i = next((i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and c.get('execution_count') is None
                      and c.source.strip() and SKIP_TAG not in c.metadata.get('tags', [])), '?')
            return f'cell {i}: no result within {CELL_TIMEOUT} s'
        except DeadKernelError as e:
            log.seek(0)
            last = [l for l in log.read().splitlines() if l.strip() and 'without encryption' not in l][-1:]
            return f'the kernel died ({first_line(e)}){": " + last[0] if last else ""}'
        except Exception as e: return f'{type(e).__name__}: {first_line(e)}'
    for cell in skipped:
        cell.metadata.tags.remove(SKIP_TAG)
        if not cell.metadata.tags: del cell.metadata['tags']
    return ''


# ## Rendering

TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- if resources.site.math -%}{{ super() }}{%- endif -%}{%- endblock html_head_js_mathjax -%}
{%- block notebook_css -%}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{ resources.site.static }}/lab.css">
<link rel="stylesheet" href="{{ resources.site.static }}/site.css">
{%- endblock notebook_css -%}
{#- a cell whose source the page does not show ('#| echo: false') gets no empty input box -#}
{% block input_group -%}{%- if cell.source -%}{{ super() }}{%- endif -%}{%- endblock input_group %}
{#- Pygments escapes the source it highlights: the lab template's clean_html on top of it is half the build time -#}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input %}
{%- block body_header -%}
<body class="jp-Notebook site" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<nav class="site-nav">{{ resources.site.nav }}</nav>
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
</body>
{% endblock body_footer %}
"""

# the lab template's own page rules (its notebook_css block, which TEMPLATE replaces), then the sidebar's
SITE_CSS = """
a.anchor-link { display: none; }
/* a long code line scrolls (as in Quarto sites), never cut off; a wide output (a table) scrolls in its .jp-OutputArea-output */
.jp-InputArea, .jp-InputArea-editor { overflow: hidden; }
.cm-editor.cm-s-jupyter .highlight pre { padding: var(--jp-code-padding) 4px; margin: 0; font-family: inherit;
  font-size: inherit; line-height: inherit; color: inherit; overflow-x: auto; }
.jp-OutputArea-output pre { line-height: inherit; font-family: inherit; }
.jp-RenderedText pre { color: var(--jp-content-font-color1); font-size: var(--jp-code-font-size); }
.jp-Collapser { display: none; }

body.site { margin: 0; padding: 0; }
.site-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; overflow-y: auto; padding: 1rem;
  box-sizing: border-box; background: #f7f7f9; border-right: 1px solid #ddd; font-family: var(--jp-ui-font-family); }
.site-nav .site-title { font-weight: bold; font-size: 1.2rem; display: block; margin-bottom: .8rem; color: #333;
  text-decoration: none; }
.site-nav ul { list-style: none; padding-left: 0; margin: 0 0 .8rem 0; }
.site-nav li a { display: block; padding: .15rem .4rem; border-radius: 3px; color: #333; text-decoration: none; }
.site-nav li a:hover { background: #e8e8ee; }
.site-nav li a.current { background: #2780e3; color: white; }
.site-nav .section { font-weight: bold; margin: .6rem 0 .3rem 0; color: #555; }
body.site > main { margin-left: 15rem; padding: 1rem 2rem; max-width: 60rem; }
body.site > main img { max-width: 100%; }
@media (max-width: 50rem) {
  .site-nav { position: static; width: auto; border-right: none; border-bottom: 1px solid #ddd; }
  body.site > main { margin-left: 0; padding: 1rem; }
}
"""


def page_title(nb, default: str)->str:
    "The text of the notebook's first `# ` heading"
    for cell in nb.cells:
        if cell.cell_type != 'markdown': continue
        m = re.search(r'^# +(.+?)\s*#*\s*$', cell.source, re.M)
        if m: return m.group(1)
    return default


def nav_html(pages: list, current: Page, site_title: str)->str:
    "The sidebar of `current`: every page, by section, linked relative to `current`"
    here = posixpath.dirname(current.out) or '.'
    rel = lambda p: posixpath.relpath(p.out, here)
    index = next((p for p in pages if p.out == 'index.html'), pages[0])
    parts = [f'<a class="site-title" href="{html.escape(rel(index))}">{html.escape(site_title)}</a>']
    section = None
    for p in pages:
        if p.section != section:
            if section is not None: parts.append('</ul>')
            if p.section: parts.append(f'<div class="section">{html.escape(p.section)}</div>')
            parts.append('<ul>')
            section = p.section
        cls = ' class="current" aria-current="page"' if p is current else ''
        parts.append(f'<li><a href="{html.escape(rel(p))}"{cls}>{html.escape(p.title)}</a></li>')
    parts.append('</ul>')
    return '\n'.join(parts)


def shown(nb):
    "A copy of `nb` as the docs show it: '#| hide' and '#| include: false' cells dropped, '#|' lines removed from code"
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != 'code': cells.append(cell); continue
        d = _directives(cell)
        if 'hide' in d or d.get('include') == 'false': continue
        lines = cell.source.splitlines()
        n = next((i for i, l in enumerate(lines) if not l.startswith('#|')), len(lines))
        cell.source = '\n'.join(lines[n:]).strip('\n')
        if d.get('echo') == 'false': cell.source = ''
        if d.get('output') == 'false': cell.outputs = []
        if cell.source or cell.outputs: cells.append(cell)
    nb.cells = cells
    return nb


def _local_paths(root: Path)->list:
    "(pattern, replacement) for this machine's paths: the repository root made relative, /tmp/ as TMPDIR/, home as ~/"
    edge = r'(?:(?<![\w.:/~-])|(?<=\dm))'   # where a path begins: not inside a URL or another path; after an ANSI colour
    home = str(Path.home()).rstrip('/')
    subs = [(re.escape(str(root)) + '/', ''), (re.escape(str(root)) + r'(?![\w.-])', '.'), ('/tmp/', 'TMPDIR/')]
    return [(re.compile(edge + p), r) for p, r in subs + ([(re.escape(home) + '/', '~/')] if home else [])]


def unlocal(nb, root: Path):
    "`nb` with this machine's paths (papermill's injected out_dir, warnings, tracebacks) rewritten in every cell's source and text"
    subs = _local_paths(root)
    def fix(t):
        for pat, rep in subs: t = pat.sub(rep, t)
        return t
    for cell in nb.cells:
        cell.source = fix(cell.source)
        for o in cell.get('outputs', []):
            if 'text' in o: o.text = fix(o.text)
            for k, v in o.get('data', {}).items():
                if k.startswith('text/') and isinstance(v, str): o.data[k] = fix(v)
            if 'traceback' in o: o.traceback = [fix(t) for t in o.traceback]
            if 'evalue' in o: o.evalue = fix(o.evalue)
    return nb


class _Refs(HTMLParser):
    "The `src` of every <img> and the `href` of every <a> of a page"
    def __init__(self):
        super().__init__()
        self.imgs, self.links = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'img' and a.get('src'): self.imgs.append(a['src'])
        if tag == 'a' and a.get('href'): self.links.append(a['href'])


def _is_relative(url: str)->bool:
    "Whether `url` is a relative reference (no scheme, no host, not absolute, not a fragment)"
    s = urlsplit(url)
    return not (s.scheme or s.netloc or url.startswith(('/', '#')))


def _replace_attr(text: str, attr: str, old: str, new: str)->str:
    "`text` with every `attr=\"old\"` (raw or HTML-escaped, as the parser saw it) set to `new`"
    for form in {old, html.escape(old, quote=False), html.escape(old)}:
        text = text.replace(f'{attr}="{form}"', f'{attr}="{html.escape(new)}"')
    return text


def find_image(page: Page, src: str, root: Path)->tuple:
    "(the file, or None, and its path in the site) of the relative image `src` of `page`"
    path = unquote(urlsplit(src).path)
    dest = posixpath.normpath(posixpath.join(posixpath.dirname(page.out), path))
    # a path as the page sees it: from the notebook's folder, or from the repository root mapped onto the site root
    # (README.md is made from nbs/index.ipynb, so the index's images are relative to the repository root)
    return next((c for c in [page.nb.parent / path, root / dest] if c.is_file()), None), dest


def _missing(page: Page, src: str, root: Path)->str:
    "The line that says the image `src` of `page` is missing"
    path, dest = unquote(urlsplit(src).path), find_image(page, src, root)[1]
    return (f'docs: {page.nb.relative_to(root)} ({page.out}): image {src} not found '
            f'(looked for {(page.nb.parent / path).relative_to(root)} and {dest})')


def markdown_images(nb)->list:
    "The relative image paths of the markdown cells of `nb` (![..](src) and <img src=..>, not in code)"
    res = []
    for cell in nb.cells:
        if cell.cell_type != 'markdown': continue
        text = re.sub(r'```.*?```|`[^`\n]*`', '', cell.source, flags=re.S)
        srcs = re.findall(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)', text) + re.findall(r'<img\b[^>]*?\ssrc\s*=\s*["\']([^"\']+)', text)
        res += [s for s in srcs if _is_relative(s)]
    return res


def check_images(pages: list, root: Path):
    "Fail before executing anything when a markdown image of a page has no file"
    missing = [_missing(p, src, root) for p in pages for src in markdown_images(p.read()) if find_image(p, src, root)[0] is None]
    if missing: raise BuildError('\n'.join(missing))


def fix_references(text: str, page: Page, pages: list, root: Path, site: Path)->str:
    "Point links to notebooks at their pages, and give every relative <img> of `text` its file in `site`"
    by_nb = {p.nb.resolve(): p for p in pages}
    name = f'{page.nb.relative_to(root)} ({page.out})'
    here = posixpath.dirname(page.out)
    refs = _Refs(); refs.feed(text)
    for href in set(refs.links):
        path = unquote(urlsplit(href).path)
        if not _is_relative(href) or not path.endswith('.ipynb'): continue
        target = by_nb.get((page.nb.parent / path).resolve())
        if target is None: raise BuildError(f'docs: {name}: link {href} is to a notebook that is not in the site')
        new = posixpath.relpath(target.out, here or '.') + ('#' + urlsplit(href).fragment if urlsplit(href).fragment else '')
        text = _replace_attr(text, 'href', href, new)
    for src in set(refs.imgs):
        if not _is_relative(src): continue
        found, dest = find_image(page, src, root)
        if found is None: raise BuildError(_missing(page, src, root))
        if found.resolve().parent == (root / 'figures').resolve() and found.suffix == '.png':  # in the site already
            text = _replace_attr(text, 'src', src, posixpath.relpath(f'figures/{found.name}', here or '.'))
        elif dest.startswith('../'):  # outside the site: embed it
            mime = mimetypes.guess_type(found.name)[0] or 'application/octet-stream'
            data = base64.b64encode(found.read_bytes()).decode()
            text = _replace_attr(text, 'src', src, f'data:{mime};base64,{data}')
        else:
            (site / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, site / dest)
    return text


def lab_css()->str:
    "The stylesheet nbconvert's lab template inlines into every page (written once to _static/ instead)"
    from nbconvert import HTMLExporter
    env = HTMLExporter(template_name='lab').environment
    return '\n'.join(env.loader.get_source(env, f'static/{n}.css')[0] for n in ('index', 'theme-light'))


def to_html(page: Page, nb, nav: str, site_title: str)->str:
    "The HTML of the page `page` showing the executed notebook `nb`, with the sidebar `nav`"
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(extra_loaders=[DictLoader({'site.html.j2': TEMPLATE})], template_file='site.html.j2')
    nb = shown(nb)
    nb.metadata['title'] = site_title if page.out == 'index.html' else f'{page.title} – {site_title}'
    here = posixpath.dirname(page.out) or '.'
    math = any(c.cell_type == 'markdown' and re.search(r'\$|\\\(|\\\[', c.source) for c in nb.cells)
    resources = {'metadata': {'name': page.nb.stem, 'path': str(page.nb.parent)},
                 'site': {'nav': nav, 'math': math, 'static': posixpath.relpath('_static', here)}}
    return exporter.from_notebook_node(nb, resources=resources)[0]


def _die_with_parent():
    "Worker initializer: Linux kills the worker when the build process ends (its kernels then end themselves)"
    try: ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError): pass


def page_job(page: Page, nav: str, site_title: str, skip_flags: list, root: Path)->tuple:
    "Execute (where needed) and convert one page, in a worker process: (HTML, log line, '') or ('', '', one-line error)"
    t0, name = time.perf_counter(), page.src.relative_to(root)
    try:
        nb = page.read()
        if page.execute: err = execute(nb, str(page.nb.parent), skip_flags)
        elif err := _error_line(nb): err = f'holds a failed run: {err}'
        if err: return '', '', f'docs: {name}: {err}'
        text = to_html(page, unlocal(nb, root), nav, site_title)
    except Exception as e:
        return '', '', f"docs: {name}: {type(e).__name__}: {' '.join(str(e).split())[:300]}"
    return text, f"docs: {'executed and ' if page.execute else ''}converted {name} ({time.perf_counter() - t0:.0f} s)", ''


# ## Building

def build(root: Path, out: Path, jobs: int=2, execute: bool=True, execute_all: bool=False)->list:
    "Execute (where needed) and convert every page, `jobs` at a time, into a temporary folder beside `out`, then rename it to `out`"
    pages = collect_pages(root, execute, execute_all)
    if not pages: raise BuildError('docs: no notebooks to render')
    cfg = configparser.ConfigParser(); cfg.read(root / 'settings.ini')
    site_title, flags = cfg['DEFAULT'].get('title', root.name), sorted(_skip_flags(root))
    for p in pages:
        try: p.title = page_title(p.read(), p.nb.stem)
        except Exception as e: raise BuildError(f'docs: {p.src.relative_to(root)} is not a readable notebook: {e}') from None
    check_images(pages, root)
    os.environ['OMP_NUM_THREADS'] = '1'  # the kernels inherit it: one torch thread each, as in `make test`
    os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')  # quiets ipykernel's debugger warning
    htmls, errors = {}, []
    # the notebooks to execute go first: they take minutes, the rendered ones seconds
    todo = sorted(pages, key=lambda p: not p.execute)
    with concurrent.futures.ProcessPoolExecutor(max(1, jobs), initializer=_die_with_parent) as ex:
        futs = {ex.submit(page_job, p, nav_html(pages, p, site_title), site_title, flags, root): p for p in todo}
        for f in concurrent.futures.as_completed(futs):
            p = futs[f]
            text, done, err = f.result()
            if err: errors.append(err)
            else: htmls[p.out] = text; print(done, file=sys.stderr)
    if errors: raise BuildError('\n'.join(sorted(errors)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{out.name}.', dir=out.parent))
    try:
        (tmp / '_static').mkdir()
        (tmp / '_static' / 'lab.css').write_text(lab_css())
        styles = root / 'nbs' / 'styles.css'
        (tmp / '_static' / 'site.css').write_text(SITE_CSS + (styles.read_text() if styles.is_file() else ''))
        if (root / 'figures').is_dir():
            (tmp / 'figures').mkdir()
            for f in sorted((root / 'figures').glob('*.png')): shutil.copyfile(f, tmp / 'figures' / f.name)
        for p in pages:
            (tmp / p.out).parent.mkdir(parents=True, exist_ok=True)
            (tmp / p.out).write_text(fix_references(htmls[p.out], p, pages, root, tmp))
        (tmp / '.nojekyll').touch()
        tmp.chmod(0o755)
        old = out.with_name(f'.{out.name}.old')
        if old.exists(): shutil.rmtree(old)
        if out.exists(): out.rename(old)
        tmp.rename(out)
        if old.exists(): shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return pages


def main(argv=None):
    "The command line: build the site, print where it is, exit 1 with one line per failure"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=str(ROOT / '_docs'), help='the site folder (default: _docs)')
    ap.add_argument('--jobs', type=int, default=2, help='notebooks executed at a time (default: 2)')
    ap.add_argument('--no-execute', action='store_true', help='render the stored outputs; execute nothing')
    ap.add_argument('--execute-all', action='store_true', help='execute the chapters too, not only those without stored outputs')
    args = ap.parse_args(argv)
    try: pages = build(ROOT, Path(args.out).resolve(), args.jobs, not args.no_execute, args.execute_all)
    except BuildError as e:
        print(e, file=sys.stderr)
        print('docs: FAILED; the site was left as it was', file=sys.stderr)
        return 1
    print(f'docs: {len(pages)} pages in {args.out}; open {Path(args.out) / "index.html"}')
    return 0


if __name__ == '__main__': sys.exit(main())
