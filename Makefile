# make demo   - deploy the proxy to a local container in front of a UCServer stand-in
# make test   - lint, unit tests and the molecule scenarios (what CI runs)
# make bench  - the estos guide's config vs. this role's, measured side by side (minutes)
# Both install what they need first (scripts/bootstrap.sh, scripts/images.sh).
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
export CONTAINERS_CONF := $(CURDIR)/tests/containers.conf
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0
# Scenarios run in lanes at once (scripts/molecule.sh); `make molecule SCENARIOS="acme"` runs
# the named ones one after the other instead.
LANES ?= "default" "faults acme-pair" "sites acme" "ha"
SCENARIOS ?=

.PHONY: bootstrap images demo demo-clean test lint unit sanity collection molecule bench

bootstrap:
	@scripts/bootstrap.sh

images: bootstrap
	@scripts/images.sh

demo: images
	@scripts/demo.sh

demo-clean:
	@scripts/demo.sh clean

test: lint unit sanity collection molecule

lint: bootstrap
	yamllint --strict .
	ansible-lint --profile production

unit: bootstrap
	pytest -q tests/unit

# ansible-test sanity on a copy laid out as ansible_collections/ucproxy/nginx, changelog lint.
sanity: bootstrap
	scripts/sanity.sh

# The tarball builds without warnings; ansible-doc shows every role option from it.
collection: bootstrap
	scripts/collection_check.sh

molecule: images
	@scripts/molecule.sh $(if $(SCENARIOS),"$(SCENARIOS)",$(LANES))

bench: images
	@pip install --quiet --disable-pip-version-check -r tests/bench/requirements.txt
	@source scripts/images.env && python tests/bench/bench.py
