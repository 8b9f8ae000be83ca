# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/demo

.PHONY: demo test test-fast lint install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes. --no-compile: pip would compile every
# module of every package (half of the install's minute); Python compiles the ones a
# run imports, once, and keeps them.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e ".[dev,pdf,deck,apps,browser]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/csmaturity demo --out $(OUT)

# nbval runs in the notebook tests' own child pytest (tests/test_notebooks_learn.py);
# loaded here, it would cost every test process seconds of imports. Bytecode caches are
# written even where PYTHONDONTWRITEBYTECODE is set: without them every test process
# compiles the kit and pytest's rewritten test modules again (about 5 s each).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -p no:nbval -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(PYTEST)

# The inner loop: the suite less the notebooks and kernels (marker slow) and the
# worker processes (marker pool).
test-fast: lint
	$(PYTEST) -m "not slow and not pool"

bench: $(STAMP)
	$(BIN)/python benchmarks/metrics.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache
