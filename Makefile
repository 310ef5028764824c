PY ?= python3

.PHONY: test bench goldens fuzz explore lint type
test:
	$(PY) -m pytest
# cold start, then a round: every engine on 10,000 applicants (pyDatalog on a sample of them);
# then the engines' full differential: 600 generated applicants, byte-identical decisions
bench:
	$(PY) bench/cold_check.py
	$(PY) bench/round.py --count $${ROUND_COUNT:-10000} --sample $${ROUND_SAMPLE:-100} \
		--records 10000 --pydatalog-records $${ROUND_PYDATALOG_RECORDS:-500}
	ENGINES_POPULATION=$${ENGINES_POPULATION:-600} $(PY) -m pytest -q tests/engines/test_engines_agree.py
goldens:
	UPDATE_GOLDENS=1 $(PY) -m pytest tests/golden
# every fuzz suite in tests/fuzz, with many examples (the normal test run uses a few, fixed)
fuzz:
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} ELIGIBILITY_FUZZ_EXAMPLES=$${ELIGIBILITY_FUZZ_EXAMPLES:-2000} \
		$(PY) -m pytest -p no:cacheprovider tests/fuzz
# the property tests with new random draws (the normal run draws the same examples every time)
explore:
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -p no:cacheprovider tests/unit/render tests/unit/round tests/unit/facts tests/unit/datalog tests/engines/test_sql.py
lint:
	$(PY) -m ruff check eligibility tests bench cli.py
	$(PY) -m ruff format --check eligibility tests bench cli.py
	$(PY) -m eligibility fmt --check policies/ examples/
	$(PY) -m eligibility lint policies/
type:
	$(PY) -m mypy
