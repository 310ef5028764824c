PY ?= python3

.PHONY: test bench goldens
test:
	$(PY) -m pytest
bench:
	$(PY) bench/cold_check.py
goldens:
	UPDATE_GOLDENS=1 $(PY) -m pytest tests/golden
