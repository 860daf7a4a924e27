# Chuyên mục CCHC — set-up, build, serve, test. Every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser voice tools build serve edit test validate bench lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*; touch $(STAMP)

build: setup voice $(NODE_STAMP)  ## write the static site to site/ (strict: any problem stops it, site/ untouched)
	$(BIN)/cchc build

serve: setup voice $(NODE_STAMP)  ## build and serve on http://127.0.0.1:8000, rebuilding on every change
	$(BIN)/cchc serve

edit: setup voice $(NODE_STAMP)   ## the editing room on this machine: http://127.0.0.1:8000/quan-tri/ (the preview saves into docs/)
	$(BIN)/cchc edit

validate: setup         ## list every problem in the content, in Vietnamese
	$(BIN)/cchc validate

browser:                ## Debian's chromium for the browser tests (never a browser build downloaded by a tool)
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

VOICE_OK := $(shell command -v espeak-ng >/dev/null 2>&1 && command -v lame >/dev/null 2>&1 && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf && echo yes)
voice:                  ## Debian's espeak-ng (Vietnamese voices), lame (MP3) and DejaVu fonts (the radio cover)
ifneq ($(VOICE_OK),yes)
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends espeak-ng lame fonts-dejavu-core
endif

tools: browser          ## Debian's nginx and apache2 (web-server configurations and merged portals' redirects are tested with them), rsync (publishing), git, openssl and htpasswd (the office's editing room)
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 && test -x /usr/sbin/apache2 && \
	  command -v rsync >/dev/null 2>&1 && command -v git >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && \
	  command -v htpasswd >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx apache2 apache2-utils rsync git openssl; }

$(NODE_STAMP): package.json package-lock.json   ## the editor (decap-cms) and test tools (axe-core), exact versions from the lock
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

test: setup voice tools $(NODE_STAMP)  ## the layer rule (import-linter), then the whole test suite (what CI runs)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

bench: setup voice browser ## scale benchmark: ours vs plain Material blog vs Hugo (long: see benchmarks/scale.py)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/scale.py

lock:                   ## re-resolve requirements.lock from pyproject.toml (needs the registry)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check setuptools==80.9.0 -e '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable --all | grep -v '^pip==' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf site site.tmp* site.old* .site.cu-* build $(VENV) node_modules
