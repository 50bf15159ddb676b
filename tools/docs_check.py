"""Open every page of the built docs site in headless Chromium (Playwright) and fail on anything that does not work.

`make docs-check` runs this on _docs/. Each page is loaded from file:// (as a reader opens the folder) with the
system's Chromium, and gets a full-page screenshot. A problem is one line naming the page and what failed: a page
that does not load, a file of the site that does not load, an <img> the browser could not decode, a link to a file
or an anchor of the site that does not exist, a console error or an uncaught exception, code or a table cut off at
the right, page text that shows a path of this machine (the repository root, home, /tmp/, /root/). Off-site
requests are refused (the check needs no network), so off-site images are counted but not checked.

    python3 tools/docs_check.py _docs                   # exit 1 when anything failed; screenshots in _docs/_screenshots
    python3 tools/docs_check.py _docs --install-browser # apt-get install chromium first when no browser works
"""

import argparse, os, re, shutil, subprocess, sys, time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit
from urllib.request import url2pathname

BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
ROOT = Path(__file__).resolve().parent.parent
LOCAL_PATHS = sorted({str(ROOT) + '/', str(Path.home()) + '/', '/tmp/', '/root/'})   # page text must not show these

# what a page reports once loaded: its images (lazy ones made eager and awaited), links, anchors and text
REPORT_JS = """async () => {
  // cut off: wider than an ancestor that hides what overflows, with no scrolling box between them
  const clipped = e => { for (let a = e; a && a !== document.body; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o === 'auto' || o === 'scroll') return false;
    if (a !== e && (o === 'hidden' || o === 'clip') && a.scrollWidth > a.clientWidth + 1) return true; } return false; };
  const imgs = Array.from(document.images);
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 10000); })));
  return {images: imgs.map(i => ({src: i.getAttribute('src') || '', url: i.currentSrc || i.src, ok: i.naturalWidth > 0})),
          links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.getAttribute('href'), url: a.href})),
          ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name')),
          text: document.body ? document.body.innerText : '', clipped: Array.from(document.querySelectorAll('pre, table'))
            .filter(clipped).map(e => e.textContent.trim().split('\\n')[0].slice(0, 60))};
}"""


def _works(exe: str)->bool:
    "Whether `exe --version` runs and names a Chrome (Ubuntu's chromium-browser without its snap is a shim that fails)"
    try: r = subprocess.run([exe, '--version'], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired): return False
    return r.returncode == 0 and 'chrom' in r.stdout.lower()


def find_browser()->str:
    "The first working browser: $CHROME, then chromium, chromium-browser, google-chrome on PATH; '' if none"
    names = ([os.environ['CHROME']] if os.environ.get('CHROME') else []) + list(BROWSERS)
    return next((exe for exe in map(shutil.which, names) if exe and _works(exe)), '')


def install_browser()->str:
    "apt-get install Debian's chromium (with sudo unless root; `apt-get update` only if the first try fails): its path or ''"
    sudo = [] if os.geteuid() == 0 else ['sudo']
    install = sudo + ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium']
    kw = dict(env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print('docs-check: no working Chromium or Chrome on PATH; installing chromium with apt-get', file=sys.stderr)
    if subprocess.run(install, **kw).returncode != 0:
        subprocess.run(sudo + ['apt-get', 'update', '-q'], **kw)
        r = subprocess.run(install, **kw)
        if r.returncode: print(f"docs-check: apt-get install chromium failed: {(r.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
    return find_browser()


def _short(src: str)->str:
    "`src` fit for a one-line message (a data: URI is cut to its media type)"
    return src.split(',', 1)[0] + ',...' if src.startswith('data:') else src


def check_page(page, site: Path, rel: str, shots: Path, problems: list)->dict:
    "Load the page `rel` of `site` in the Playwright `page`, screenshot it, append its problems: its report, or {}"
    seen = []   # (kind, detail) reported by the browser while this page loads
    on = {'console': lambda m: m.type == 'error' and not m.text.startswith('Failed to load resource')
                               and seen.append(('console error', m.text)),
          'pageerror': lambda e: seen.append(('uncaught error', str(e))),
          'requestfailed': lambda r: r.url.startswith('file:') and r.resource_type not in ('image', 'document')
                                     and seen.append(('file did not load', f'{r.url} ({r.failure})'))}
    for ev, f in on.items(): page.on(ev, f)
    try:
        page.goto((site / rel).as_uri(), wait_until='load', timeout=60_000)
        rep = page.evaluate(REPORT_JS)
        (shots / rel).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str((shots / rel).with_suffix('.png')), full_page=True)
    except Exception as e:
        seen.append(('page did not load', ' '.join(str(e).split())[:300])); rep = {}
    finally:
        for ev, f in on.items(): page.remove_listener(ev, f)
    problems += [f'{rel}: {k}: {" ".join(d.split())[:300]}' for k, d in seen]
    rep['offsite'] = [i for i in rep.get('images', []) if not i['url'].startswith(('file:', 'data:'))]
    rep['images'] = [i for i in rep.get('images', []) if i not in rep['offsite']]
    problems += [f'{rel}: image {_short(i["src"])} did not load' for i in rep['images'] if not i['ok']]
    if rep.get('clipped'):
        problems.append(f"{rel}: {len(rep['clipped'])} code blocks or tables are cut off at the right (first: {rep['clipped'][0]!r})")
    for p in LOCAL_PATHS:
        for m in sorted(set(re.findall(re.escape(p) + r'[^\s"\'<>(),]{0,40}', rep.get('text', ''))))[:3]:
            problems.append(f'{rel}: the page shows a local path: {m}')
    return rep


def local_target(site: Path, url: str)->tuple:
    "(path inside `site` or None when outside it, fragment) of a file:// link"
    url, frag = urldefrag(url)
    path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
    if path.is_dir(): path = path / 'index.html'
    try: return path.relative_to(site).as_posix(), frag
    except ValueError: return None, frag


def check_site(site: Path, exe: str, shots: Path)->tuple:
    "Every page of `site` (linked from index.html, or an .html file in it): (problems, pages, images, off-site images)"
    from playwright.sync_api import sync_playwright
    site = site.resolve()
    todo = ['index.html'] + sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    problems, reports, links = [], {}, []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=['--no-sandbox', '--disable-gpu'])
        ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
        ctx.route(re.compile(r'^(https?|wss?)://'), lambda route: route.abort())   # hermetic: never wait on a CDN
        page = ctx.new_page()
        while todo:
            rel = todo.pop(0)
            if rel in reports: continue
            reports[rel] = rep = check_page(page, site, rel, shots, problems)
            for a in rep.get('links', []):
                if not a['url'].startswith('file:'): continue
                target, frag = local_target(site, a['url'])
                links.append((rel, a['href'], target, frag))
                if target and target.endswith('.html') and (site / target).is_file(): todo.append(target)
        browser.close()
    for rel, href, target, frag in links:
        if target is None or not (site / target).is_file():
            problems.append(f'{rel}: link {href} is broken ' + (f'({target} is not in the site)' if target else '(outside the site)'))
        # a browser looks for the fragment as written, then percent-decoded (nbconvert writes ids encoded)
        elif frag and target in reports and not {frag, unquote(frag)} & set(reports[target].get('ids', [])):
            problems.append(f'{rel}: link {href} is broken (no #{unquote(frag)} in {target})')
    count = lambda k: sum(len(r.get(k, [])) for r in reports.values())
    return problems, len(reports), count('images'), count('offsite')


def main(argv=None):
    "The command line: one line per problem, a summary line, exit 1 when there were problems (2: could not check)"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', nargs='?', default='_docs', help='the built site (default: _docs)')
    ap.add_argument('--screenshots', help='folder for the full-page screenshots (default: SITE/_screenshots)')
    ap.add_argument('--install-browser', action='store_true',
                    help="apt-get install Debian's chromium when no working Chromium or Chrome is on PATH")
    args = ap.parse_args(argv)
    site = Path(args.site)
    if not (site / 'index.html').is_file():
        print(f'docs-check: {site / "index.html"} is missing; build the site first (make docs)', file=sys.stderr)
        return 2
    exe = find_browser() or (install_browser() if args.install_browser else '')
    if not exe:
        print('docs-check: no working Chromium or Chrome (tried $CHROME, ' + ', '.join(BROWSERS) + ')', file=sys.stderr)
        return 2
    shots = Path(args.screenshots or site / '_screenshots')
    t0 = time.perf_counter()
    try: problems, n_pages, n_images, n_offsite = check_site(site, exe, shots)
    except Exception as e:   # the browser would not start or went away
        print(f"docs-check: driving {exe} failed: {type(e).__name__}: {' '.join(str(e).split())[:500]}", file=sys.stderr)
        return 2
    for p in problems: print(f'docs-check: {p}')
    off = f' ({n_offsite} off-site images not checked)' if n_offsite else ''
    print(f'docs-check: {n_pages} pages checked, {n_images} images checked{off}, {len(problems)} problems '
          f'({time.perf_counter() - t0:.0f} s, {Path(exe).name}; screenshots in {shots})')
    return 1 if problems else 0


if __name__ == '__main__': sys.exit(main())
