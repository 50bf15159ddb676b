# behemoth: the commands a contributor needs. `make test` is what CI runs (via .ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
PIP := $(PYTHON) -m pip install -q --disable-pip-version-check --root-user-action=ignore
TORCH_VERSION := 2.13.0
LOCK := constraints.txt
PIP_TOOLS := pip-tools==7.6.2

.PHONY: help install lock check-nb test outputs demo bench scale repro golden export clean readme docs docs-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-9s %s\n", $$1, $$2}'

install:  ## install the locked environment: the torch pin first (here it resolves to the local CPU wheel; a bare torch requirement pulls GBs of CUDA wheels), then behemoth[dev], every version from $(LOCK)
	$(PIP) -c $(LOCK) torch==$(TORCH_VERSION)
	$(PIP) -c $(LOCK) -e ".[dev]"

# lock: pip-compile resolves settings.ini's requirements (and [dev]) to exact versions with pip's own resolver and
# index settings. Pins already in $(LOCK) are kept where they still fit; `make lock UPGRADE=1` re-resolves all of them.
# torch's local build label (+cpu) is dropped, so the pin reads the same for the CPU and the CUDA builds.
lock:  ## regenerate $(LOCK) after a dependency change in settings.ini (UPGRADE=1: newest versions of everything)
	$(PIP) $(PIP_TOOLS)
	echo "torch==$(TORCH_VERSION)" > .torch-pin.txt
	status=0; CUSTOM_COMPILE_COMMAND="make lock" $(PYTHON) -m piptools compile -q --extra dev --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) -c .torch-pin.txt -o $(LOCK) setup.py || status=$$?; \
	  rm -f .torch-pin.txt; exit $$status
	sed -i -e 's/^torch==\([0-9.]*\)+[a-z0-9]*$$/torch==\1/' -e '/^    #   -c \.torch-pin\.txt$$/d' $(LOCK)
	{ echo "# pip constraints for CI actions that install nbdev themselves (.github/workflows/deploy.yaml): written by make lock from $(LOCK)"; \
	  echo "# settings.ini requirements it was made from: sha256 $$(grep -E '^(dev_)?requirements' settings.ini | sha256sum | cut -c1-16)"; \
	  grep -E '^(nbdev|fastcore|execnb|torch)==' $(LOCK); } > .ci/constraints.txt
	@echo "lock: wrote $(LOCK) ($$(grep -c '^[a-zA-Z]' $(LOCK)) packages) and .ci/constraints.txt; commit them"

check-nb:  ## export and clean the notebooks, then fail if that changed anything git tracks
	nbdev_export
	nbdev_clean
	@changes="$$(git status --porcelain -- behemoth nbs pyproject.toml)"; \
	if [ -n "$$changes" ]; then \
		echo "$$changes"; \
		echo "check-nb: FAILED - nbdev_export/nbdev_clean left changes (or untracked files) above in behemoth/, nbs/ or pyproject.toml;"; \
		echo "          run 'make export clean' and commit the result."; \
		exit 1; \
	fi
	@echo "check-nb: notebooks and package are in step"

test: install  ## check notebooks/package are in step, run every notebook's tests (the fast chapters' stored outputs against a fresh run), then pytest
	$(MAKE) --no-print-directory check-nb
	OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --timing --skip_file_re "$$($(PYTHON) tools/outputs.py skip-re)"   # one torch thread per worker: two workers on two threads each run 2.5x slower
	$(PYTHON) tools/outputs.py check --jobs 2   # the fast chapters (tools/outputs.py FAST): executed as nbdev_test does, and every output compared with the stored one
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest -q -n 2 tests   # pytest-xdist: the test files on both cores, one thread each

outputs: install  ## execute the chapters (nbs/index, nbs/NN_*) in the locked environment, one torch thread each, and store their outputs in them (tools/outputs.py): after a change to a chapter, then commit
	$(PYTHON) tools/outputs.py store --jobs 2
	nbdev_clean

demo: install  ## the CPU-sized suite of the seven experiments (params/*_cpu.yaml), 2 at a time: runs/suite/, figures/, a summary
	behemoth run --profile cpu --jobs 2 --threads 1 --out runs/suite --figures figures --cache runs/models

bench: install  ## the cpu-v1 leaderboard (params/bench/cpu-v1.yaml), 2 jobs at a time: figures/bench/cpu-v1/, then README.md's copy
	behemoth bench cpu-v1 --jobs 2 --threads 1 --out figures/bench --cache runs/models
	$(MAKE) --no-print-directory readme

scale: install  ## the scale study: each experiment's central comparison (params/*_scale.yaml) on a 3-4x larger world, 2 at a time: figures/scale/ (nbs/experiments/scale.ipynb reads it beside make demo's)
	behemoth run --profile scale --jobs 2 --threads 1 --out runs/scale --figures figures/scale --cache runs/models $(sort $(wildcard $(patsubst params/%_scale.yaml,nbs/experiments/%.ipynb,$(wildcard params/exp*_scale.yaml))))

repro: install  ## rerun make demo's suite from a fresh model cache (one thread a notebook, as make demo) and list every number that differs from figures/results.csv
	rm -rf runs/repro
	behemoth run --profile cpu --jobs 2 --threads 1 --out runs/repro --figures runs/repro/figures --cache runs/repro/models
	behemoth diff figures/results.csv runs/repro/results.csv

golden: install  ## rewrite tests/golden/ (the smoke experiment CI reproduces) from this machine: after a change that moves its numbers
	$(PYTHON) tests/test_repro.py

export:  ## notebooks -> behemoth/ (and pyproject.toml)
	nbdev_export

clean:  ## strip notebook metadata nbdev does not keep
	nbdev_clean

readme:  ## README.md from nbs/index.ipynb and its stored outputs, the leaderboard's among them (nbconvert: Quarto, which nbdev_readme needs, is not available here)
	$(PYTHON) tools/front_page.py
	{ echo '<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! Edit nbs/index.ipynb, then run `make readme`. -->'; \
	  echo; \
	  jupyter nbconvert --to markdown --stdout --log-level WARN --TagRemovePreprocessor.remove_input_tags remove_input nbs/index.ipynb \
	    | sed -e '/^<style scoped>/,/^<\/style>/d' \
	    | awk '/^```/ { if (!open && $$0 == "```") $$0 = "```python"; open = !open } { print }' \
	    | cat -s; \
	} > README.md
	@echo "readme: wrote README.md from nbs/index.ipynb"

docs:  ## the docs site in _docs/: nbdev_docs with Quarto, else tools/docs_site.py renders the chapters' stored outputs and make demo's executed experiments (executing those it lacks)
	@if command -v quarto >/dev/null 2>&1; then nbdev_docs; \
	else echo "docs: Quarto is not installed; building the site with tools/docs_site.py"; \
	  $(PYTHON) tools/docs_site.py --out _docs --jobs 2; fi

# docs-check rebuilds the site only when _docs/index.html is missing or older than what the site is made from
DOCS_INPUTS := $(wildcard nbs/*.ipynb nbs/experiments/*.ipynb runs/suite/*.ipynb figures/*.png) \
	nbs/sidebar.yml nbs/styles.css tools/docs_site.py
_docs/index.html: $(DOCS_INPUTS)
	$(MAKE) --no-print-directory docs

docs-check: _docs/index.html  ## open every page of _docs/ in headless Chromium via Playwright (apt-installed if missing), screenshots in _docs/_screenshots/: fail on broken pages, images, links, console errors, local paths
	$(PYTHON) tools/docs_check.py _docs --install-browser
