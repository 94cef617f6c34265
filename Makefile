# The README's two commands, `make demo` and `make test`, and their parts.
# Everything is installed under .cache/ from PyPI, with pinned versions; nothing else is assumed.

# The support matrix, in one place (README.md shows it: make support-matrix; check-matrix checks it).
# ansible-core: every minor that meta/runtime.yml admits (>=2.18), newest patch release each,
# oldest first. 2.18 reached its end of life in May 2026, but requires_ansible still claims it.
SANITY_CORES := 2.18.19 2.19.14 2.20.10 2.21.5
# Per ansible-core, the Python versions it supports for modules, all but those CI lacks (3.14).
MODULE_PYTHONS_2.18.19 := 3.8 3.9 3.10 3.11 3.12 3.13
MODULE_PYTHONS_2.19.14 := 3.8 3.9 3.10 3.11 3.12 3.13
MODULE_PYTHONS_2.20.10 := 3.9 3.10 3.11 3.12 3.13
MODULE_PYTHONS_2.21.5 := 3.9 3.10 3.11 3.12 3.13
CORE_NEWEST := $(lastword $(SANITY_CORES))
# The controller's Python for every run; each ansible-core above supports it.
PYTHON := 3.13
TOOLING := tests/tooling
SANITY_TARGETS := $(addprefix sanity-,$(SANITY_CORES))
GATES := $(TOOLING)/collection-gates.sh $(CORE_NEWEST) $(PYTHON)

.PHONY: demo test units sanity integration molecule shellcheck $(SANITY_TARGETS) \
	java openssl collection-gates check-matrix support-matrix release-check docs changelog bench bench-fleet

demo:
	$(TOOLING)/demo.sh $(CORE_NEWEST) $(PYTHON)

test: units sanity integration molecule collection-gates check-matrix

units: java openssl
	$(TOOLING)/pytest.sh $(CORE_NEWEST) $(PYTHON) -- tests/unit -q -p no:cacheprovider

sanity: $(SANITY_TARGETS)

shellcheck:
	$(TOOLING)/ensure-shellcheck.sh

# ansible-rulebook, which the event source's end-to-end unit test runs, needs Java 17+: installed when missing.
java:
	$(TOOLING)/ensure-java.sh

# The test of the docs' examples runs the openssl commands of docs/ca-lifecycle.md: installed when missing.
openssl:
	$(TOOLING)/ensure-openssl.sh

# One run per ansible-core covers all its module Pythons: compile and import run on each
# --target-python (a missing interpreter is an error, not a skip), the other tests once.
$(SANITY_TARGETS): sanity-%: shellcheck
	$(TOOLING)/ansible-test.sh $* $(PYTHON) -- sanity --controller origin:python=venv/$(PYTHON) \
		$(foreach python,$(MODULE_PYTHONS_$*),--target-python $(python))

integration:
	$(TOOLING)/ansible-test.sh $(CORE_NEWEST) $(PYTHON) -- integration --venv --python $(PYTHON) --requirements

molecule:
	$(TOOLING)/ansible-test.sh --run $(CORE_NEWEST) $(PYTHON) -- molecule test --all

# Benchmarks (not part of make test): see tests/benchmarks/README.md. make bench compares the module with
# ansible.builtin.uri, the official SDK and a loop: of tasks, and the role with plain copy tasks, in about
# 30 minutes; BENCH_ARGS=--quick tries it in a few. Results: tests/benchmarks/results/bench-DATE.json.
BENCH_ARGS ?=
bench:
	$(TOOLING)/ansible-test.sh --run $(CORE_NEWEST) $(PYTHON) -- python tests/benchmarks/bench.py \
		--cache-dir $(CURDIR)/.cache --json-dir $(CURDIR)/tests/benchmarks/results $(BENCH_ARGS)

bench-fleet:
	$(TOOLING)/ansible-test.sh --run $(CORE_NEWEST) $(PYTHON) -- python tests/benchmarks/fleet_scale.py

# ansible-lint (production profile), antsibull-docs, ansible-doc, ansible-builder introspect,
# the changelog, and galaxy-importer on the built tarball with Automation Hub's settings.
collection-gates:
	$(GATES) lint docs ansible-doc ee changelog importer

# The README's support matrix must be the one above.
check-matrix:
	$(TOOLING)/check-readme-matrix.sh README.md "$$($(MAKE) -s support-matrix)"

support-matrix:
	@printf '| ansible-core | Python versions for modules (sanity: compile, import) |\n|---|---|\n'
	@$(foreach core,$(SANITY_CORES),printf '| %s | %s |\n' '$(basename $(core))' '$(subst $(space),$(comma) ,$(MODULE_PYTHONS_$(core)))';)

# Before publishing (docs/release-process.md): every gate, and no fragment left out of the changelog;
# leaves the imported tarball in .cache/release/.
release-check: test
	$(GATES) release

# Regenerate docs/reference/ and CHANGELOG.rst after changing plugin docs or adding fragments.
docs:
	$(GATES) update-docs

changelog:
	$(GATES) update-changelog

space := $(subst ,, )
comma := ,
