# The README's two commands, `make demo` and `make test`, and their parts.
# Everything is installed under .cache/ from PyPI, with pinned versions; nothing else is assumed.

# The newest ansible-core, and the oldest that meta/runtime.yml admits.
CORE_NEWEST := 2.21.5
CORE_OLDEST := 2.18.19
PYTHON := 3.13
TOOLING := tests/tooling

.PHONY: demo test units sanity integration molecule

demo:
	$(TOOLING)/demo.sh $(CORE_NEWEST) $(PYTHON)

test: units sanity integration molecule

units:
	$(TOOLING)/pytest.sh $(CORE_NEWEST) $(PYTHON) -- tests/unit -q -p no:cacheprovider

sanity:
	$(TOOLING)/ensure-shellcheck.sh
	$(TOOLING)/ansible-test.sh $(CORE_NEWEST) $(PYTHON) -- sanity --venv --python $(PYTHON)
	$(TOOLING)/ansible-test.sh $(CORE_OLDEST) $(PYTHON) -- sanity --venv --python $(PYTHON)

integration:
	$(TOOLING)/ansible-test.sh $(CORE_NEWEST) $(PYTHON) -- integration --venv --python $(PYTHON) --requirements

molecule:
	$(TOOLING)/ansible-test.sh --run $(CORE_NEWEST) $(PYTHON) -- molecule test --all
