PY ?= python3

.PHONY: test bench goldens lint type
test:
	$(PY) -m pytest
bench:
	$(PY) bench/cold_check.py
goldens:
	UPDATE_GOLDENS=1 $(PY) -m pytest tests/golden
lint:
	$(PY) -m ruff check eligibility tests bench cli.py
	$(PY) -m ruff format --check eligibility tests bench cli.py
type:
	$(PY) -m mypy
