PY ?= python3

.PHONY: test bench goldens fuzz lint type
test:
	$(PY) -m pytest
bench:
	$(PY) bench/cold_check.py
goldens:
	UPDATE_GOLDENS=1 $(PY) -m pytest tests/golden
# every fuzz suite in tests/fuzz, with many examples (the normal test run uses a few, fixed)
fuzz:
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} ELIGIBILITY_FUZZ_EXAMPLES=$${ELIGIBILITY_FUZZ_EXAMPLES:-2000} \
		$(PY) -m pytest -p no:cacheprovider tests/fuzz
lint:
	$(PY) -m ruff check eligibility tests bench cli.py
	$(PY) -m ruff format --check eligibility tests bench cli.py
type:
	$(PY) -m mypy
