"""Open every page of the built docs site in headless Chromium and fail on pages, images or links that do not load.

`make docs-check` runs this on _docs/. The site is served over HTTP on a free local port and each page is loaded in
Chromium, driven through the Chrome DevTools Protocol over a pipe (stdlib only: no Selenium, no driver to match to
the browser). A problem is one line naming the page and what failed: a page that does not load (HTTP error or
navigation failure), a stylesheet or other resource of the site that does not load, an <img> (a file or an embedded
data: URI) that the browser could not decode, a link to a page or an anchor of the site that does not exist.
Off-site requests are refused by the browser (the check needs no network and judges only the site itself), so
off-site images are counted but not checked.

    python3 tools/docs_check.py _docs                   # exit 1 when anything failed
    python3 tools/docs_check.py _docs --install-browser # apt-get install chromium first when no browser works
"""

import argparse, fcntl, functools, http.server, json, os, posixpath, queue, shutil, subprocess, sys, tempfile
import threading, time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
LOAD_TIMEOUT = 60  # seconds for a page to fire its load event


# ## Finding a browser

def _works(exe: str)->bool:
    "Whether `exe --version` runs and names a Chrome (Ubuntu's chromium-browser without its snap is a shim that fails)"
    try: r = subprocess.run([exe, '--version'], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired): return False
    return r.returncode == 0 and 'chrom' in r.stdout.lower()


def find_browser()->str:
    "The first working browser: $CHROME, then chromium, chromium-browser, google-chrome on PATH; '' if none"
    for name in ([os.environ['CHROME']] if os.environ.get('CHROME') else []) + list(BROWSERS):
        exe = shutil.which(name)
        if exe and _works(exe): return exe
    return ''


def install_browser()->str:
    "apt-get install Debian's chromium (with sudo unless root; `apt-get update` only if the first try fails): its path or ''"
    sudo = [] if os.geteuid() == 0 else ['sudo']
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    install = sudo + ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium']
    quiet = dict(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print('docs-check: no working Chromium or Chrome on PATH; installing chromium with apt-get', file=sys.stderr)
    if subprocess.run(install, **quiet).returncode != 0:
        subprocess.run(sudo + ['apt-get', 'update', '-q'], **quiet)
        r = subprocess.run(install, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            err = (r.stderr.strip().splitlines() or ['?'])[-1]
            print(f"docs-check: apt-get install chromium failed: {err}", file=sys.stderr)
    return find_browser()


# ## Driving it

class Browser:
    "Headless Chromium driven by the DevTools Protocol over --remote-debugging-pipe (fd 3 in, fd 4 out)"
    def __init__(self, exe: str, host: str):
        self.profile = tempfile.mkdtemp(prefix='docs-check-')
        self.log = open(Path(self.profile) / 'chromium.log', 'w+')
        to_r, self._w = self._high_pipe()
        self._r, from_w = self._high_pipe()
        args = [exe, '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--remote-debugging-pipe', f'--user-data-dir={self.profile}', '--no-first-run',
                '--no-default-browser-check', '--disable-extensions', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', '--mute-audio', '--hide-scrollbars',
                # every host but the local server fails at once: the check is hermetic and never waits on a CDN
                f'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {host}', 'about:blank']
        # bash moves the pipe ends to the fds Chromium reads and writes, 3 and 4 (dash cannot redirect fds above 9)
        self.proc = subprocess.Popen(['bash', '-c', f'exec "$0" "$@" 3<&{to_r} 4>&{from_w}'] + args,
                                     pass_fds=(to_r, from_w), stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log)
        os.close(to_r); os.close(from_w)
        self._id, self._msgs, self.events = 0, queue.Queue(), []
        threading.Thread(target=self._read, daemon=True).start()

    @staticmethod
    def _high_pipe()->tuple:
        "A pipe whose fds are 10 or above, so that moving them to 3 and 4 in the child cannot clobber one another"
        fds = os.pipe()
        high = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
        for fd in fds: os.close(fd)
        return high

    def _read(self):
        "Put every message Chromium writes (NUL-terminated JSON) on the queue; None when the pipe closes"
        buf = b''
        with os.fdopen(self._r, 'rb', buffering=0) as f:
            while chunk := f.read(1 << 16):
                buf += chunk
                *msgs, buf = buf.split(b'\0')
                for m in msgs: self._msgs.put(json.loads(m))
        self._msgs.put(None)

    def _next(self, deadline: float)->dict:
        "The next message, keeping events; TimeoutError at `deadline`, RuntimeError if Chromium went away"
        try: msg = self._msgs.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty: raise TimeoutError from None
        if msg is None: raise RuntimeError(f'Chromium exited: {self._log_tail()}')
        if 'method' in msg: self.events.append(msg)
        return msg

    def _log_tail(self)->str:
        "The end of what Chromium wrote to stdout and stderr"
        try: self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired: pass
        self.log.seek(0)
        return f'exit status {self.proc.returncode}; ' + ' '.join(self.log.read().split())[-500:]

    def call(self, method: str, session: str=None, timeout: float=30, **params)->dict:
        "Send a command and wait for its result; RuntimeError on a protocol error"
        self._id += 1
        msg = {'id': self._id, 'method': method, 'params': params}
        if session: msg['sessionId'] = session
        try: os.write(self._w, json.dumps(msg).encode() + b'\0')
        except BrokenPipeError: raise RuntimeError(f'Chromium exited: {self._log_tail()}') from None
        deadline = time.monotonic() + timeout
        while True:
            m = self._next(deadline)
            if m.get('id') == self._id:
                if 'error' in m: raise RuntimeError(f"{method}: {m['error'].get('message')}")
                return m.get('result', {})

    def wait_event(self, method: str, session: str, timeout: float)->dict:
        "The first event `method` of `session` (seen already or still to come); TimeoutError after `timeout` s"
        deadline, seen = time.monotonic() + timeout, 0
        while True:
            for e in self.events[seen:]:
                if e['method'] == method and e.get('sessionId') == session: return e
            seen = len(self.events)
            self._next(deadline)

    def close(self):
        "End Chromium and remove its profile"
        try: self.call('Browser.close', timeout=10)
        except Exception: pass
        try: self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        os.close(self._w)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# what a page reports once loaded: its images (lazy ones made eager and awaited), its links and its anchors
REPORT_JS = """(async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 10000); })));
  return {
    images: imgs.map(i => ({src: i.getAttribute('src') || '', url: i.currentSrc || i.src,
                            ok: i.complete && i.naturalWidth > 0})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.getAttribute('href'), url: a.href})),
    ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name')),
  };
})()"""


def _short(src: str)->str:
    "`src` fit for a one-line message (a data: URI is cut to its media type)"
    return src.split(',', 1)[0] + ',...' if src.startswith('data:') else src


def check_page(b: Browser, session: str, base: str, page: str, problems: list)->dict:
    "Load `page` (a path inside the site) and append its problems: {'images', 'offsite', 'links', 'ids'}"
    b.events.clear()
    nav = b.call('Page.navigate', session, url=base + page)
    if nav.get('errorText'):
        problems.append(f'{page}: page did not load: {nav["errorText"]}')
        return {}
    try: b.wait_event('Page.loadEventFired', session, LOAD_TIMEOUT)
    except TimeoutError:
        problems.append(f'{page}: page did not finish loading within {LOAD_TIMEOUT} s')
        return {}
    # the page's own requests carry its loader id: a late request of the page before (a favicon) is not its problem
    sent = {e['params']['requestId']: e['params'] for e in b.events if e['method'] == 'Network.requestWillBeSent'}
    failed = {}
    for e in b.events:
        p = e.get('params', {})
        req = sent.get(p.get('requestId'), {})
        if e.get('sessionId') != session or req.get('loaderId') != nav.get('loaderId'): continue
        url = req['request']['url']
        if not url.startswith(base) or p.get('type') == 'Image': continue  # images: checked below, in the page
        if e['method'] == 'Network.responseReceived' and p['response']['status'] >= 400:
            what = 'page' if p.get('type') == 'Document' else 'resource'
            failed[url] = f"{page}: {what} {url[len(base):]} answered HTTP {p['response']['status']}"
        if e['method'] == 'Network.loadingFailed' and url not in failed:
            failed[url] = f"{page}: resource {url[len(base):]} failed: {p.get('errorText')}"
    problems += failed.values()
    r = b.call('Runtime.evaluate', session, timeout=LOAD_TIMEOUT, expression=REPORT_JS, awaitPromise=True,
               returnByValue=True)
    if 'exceptionDetails' in r:
        problems.append(f'{page}: could not inspect the page: {r["exceptionDetails"].get("text")}')
        return {}
    rep = r['result']['value']
    rep['offsite'] = [i for i in rep['images'] if not (i['url'].startswith((base, 'data:')))]
    rep['images'] = [i for i in rep['images'] if i not in rep['offsite']]
    for i in rep['images']:
        if not i['ok']: problems.append(f'{page}: image {_short(i["src"])} did not load')
    return rep


def check_links(pages: dict, base: str, site: Path, problems: list):
    "Append a problem for every link of a page to a file or an anchor of the site that does not exist"
    for page, rep in pages.items():
        for a in rep.get('links', []):
            url, frag = urldefrag(a['url'])
            if not url.startswith(base): continue
            target = unquote(urlsplit(url).path[len(urlsplit(base).path):]) or 'index.html'
            path = site / target
            if path.is_dir(): path, target = path / 'index.html', posixpath.join(target, 'index.html')
            if not path.is_file():
                problems.append(f'{page}: link {a["href"]} is broken ({target} is not in the site)')
            # a browser looks for the fragment as written, then percent-decoded (nbconvert writes ids encoded)
            elif frag and target in pages and not {frag, unquote(frag)} & set(pages[target].get('ids', [])):
                problems.append(f'{page}: link {a["href"]} is broken (no #{unquote(frag)} in {target})')


# ## Checking a site

def serve(site: Path)->tuple:
    "An HTTP server of `site` on a free local port, in a thread: (server, base URL)"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    handler = functools.partial(Quiet, directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_port}/'


def check_site(site: Path, exe: str)->tuple:
    "Open every .html page of `site` in the browser `exe`: (problems, pages checked, images checked, off-site images)"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    problems, reports = [], {}
    b = Browser(exe, '127.0.0.1')
    srv, base = serve(site)
    try:
        target = b.call('Target.createTarget', url='about:blank')['targetId']
        session = b.call('Target.attachToTarget', targetId=target, flatten=True)['sessionId']
        for domain in ('Page', 'Network', 'Runtime'): b.call(f'{domain}.enable', session)
        b.call('Network.setCacheDisabled', session, cacheDisabled=True)
        for page in pages: reports[page] = check_page(b, session, base, page, problems)
    finally:
        b.close()
        srv.shutdown()
    check_links(reports, base, site, problems)
    images = sum(len(r.get('images', [])) for r in reports.values())
    offsite = sum(len(r.get('offsite', [])) for r in reports.values())
    return problems, len(pages), images, offsite


def main(argv=None):
    "The command line: one line per problem, a summary line, exit 1 when there were problems"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', nargs='?', default='_docs', help='the built site (default: _docs)')
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
    t0 = time.perf_counter()
    try: problems, n_pages, n_images, n_offsite = check_site(site, exe)
    except (RuntimeError, TimeoutError, OSError) as e:
        print(f"docs-check: driving {exe} failed: {type(e).__name__}: {' '.join(str(e).split())[:500]}", file=sys.stderr)
        return 2
    for p in problems: print(f'docs-check: {p}')
    off = f' ({n_offsite} off-site images not checked)' if n_offsite else ''
    print(f'docs-check: {n_pages} pages checked, {n_images} images checked{off}, {len(problems)} problems '
          f'({time.perf_counter() - t0:.0f} s, {Path(exe).name})')
    return 1 if problems else 0


if __name__ == '__main__': sys.exit(main())
