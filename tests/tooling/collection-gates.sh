#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The gates Galaxy, Automation Hub and users apply to a collection, besides ansible-test.
#
# Usage: tests/tooling/collection-gates.sh CORE_VERSION PYTHON_MINOR GATE...
# Gates:
#   lint           ansible-lint, production profile (.ansible-lint), offline
#   docs           antsibull-docs lint-collection-docs --plugin-docs; docs/reference/ is what
#                  antsibull-docs generates from the plugins' and roles' own documentation
#   ansible-doc    ansible-doc renders every option, return value and example of every module
#   ee             ansible-builder introspect lists requirements.txt and bindep.txt
#   changelog      antsibull-changelog lint; CHANGELOG.rst is generated from changelogs/changelog.yaml
#   importer       galaxy-importer on the built tarball, Automation Hub's settings: no error, no warning
#   release        pending changelog fragments are an error (they belong in changelog.yaml at release)
#   update-docs    regenerate docs/reference/ in the source tree (not a gate)
#   update-changelog  antsibull-changelog release of galaxy.yml's version, into the source tree (not a gate)
#
# Runs through tests/tooling/ansible-test.sh --run, so every gate sees exactly the files git sees,
# laid out as ansible_collections/NS/NAME. The tools (collection-gates-requirements.txt, pinned,
# and ansible-core==CORE_VERSION) live in $ANSIBLE_TEST_TOOLING_CACHE/venvs/collection-gates-*.
# Exit status: 1 if a gate failed, 2 for usage or setup errors.
set -euo pipefail

prog=${0##*/}
die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit 2
}
[[ $# -ge 3 ]] || die "usage: $prog CORE_VERSION PYTHON_MINOR GATE..."
core_version=$1
python_minor=$2
shift 2
script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

if [[ -z ${COLLECTION_GATES_SOURCE-} ]]; then
    source_root=$(git -C "$script_dir" rev-parse --show-toplevel)
    export COLLECTION_GATES_SOURCE=$source_root
    export ANSIBLE_TEST_TOOLING_CACHE=${ANSIBLE_TEST_TOOLING_CACHE:-$source_root/.cache}
    exec "$script_dir/ansible-test.sh" --run "$core_version" "$python_minor" -- \
        tests/tooling/collection-gates.sh "$core_version" "$python_minor" "$@"
fi

# From here on: in the copy of the collection, with the test venv's python first on PATH.
collections_root=$(cd -- ../../.. && pwd -P)
[[ $(cd -- ../.. && pwd -P) == "$collections_root/ansible_collections" ]] \
    || die "not run from an ansible_collections/NS/NAME tree"
read -r namespace name version < <(python - <<'EOF'
import yaml

with open('galaxy.yml', encoding='utf-8') as galaxy:
    meta = yaml.safe_load(galaxy)
print(meta['namespace'], meta['name'], meta['version'])
EOF
)

# --- the tools venv ----------------------------------------------------------------
tools_venv="$ANSIBLE_TEST_TOOLING_CACHE/venvs/collection-gates-$core_version-py$python_minor"
requirements="$script_dir/collection-gates-requirements.txt"
wanted="ansible-core==$core_version $(cksum <"$requirements")"
if [[ $(cat -- "$tools_venv/.tooling-ready" 2>/dev/null) != "$wanted" ]]; then
    printf '%s: installing the gate tools into %s\n' "$prog" "$tools_venv" >&2
    rm -rf -- "$tools_venv"
    base_python=$(python -c 'import sys; print(sys._base_executable)')
    "$base_python" -m venv "$tools_venv" || die "could not create $tools_venv"
    "$tools_venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        "ansible-core==$core_version" -r "$requirements" || die "could not install the gate tools"
    printf '%s\n' "$wanted" >"$tools_venv/.tooling-ready"
fi
export PATH="$tools_venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH=$collections_root
unset VIRTUAL_ENV PYTHONPATH

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
failed=()

# Regenerate docs/reference/ (module and role reference) into directory $1.
generate_reference() {
    rm -rf -- "$1"
    mkdir -p -- "$1"
    antsibull-docs collection --use-current --squash-hierarchy --output-format simplified-rst \
        --dest-dir "$1" "$namespace.$name" >"$work/antsibull-docs.log" 2>&1 \
        || { cat -- "$work/antsibull-docs.log" >&2; return 1; }
}

gate_lint() {
    ansible-lint --offline --strict
}

gate_docs() {
    antsibull-docs lint-collection-docs --plugin-docs . || return 1
    generate_reference docs/reference || return 1
    # The tree is a git repository of exactly the committed files: any change is a stale reference.
    if [[ -n $(git status --porcelain -- docs/reference) ]]; then
        git status --short -- docs/reference >&2
        echo "docs/reference/ is not what antsibull-docs generates from the plugins: run 'make docs' and commit it" >&2
        return 1
    fi
}

gate_ansible_doc() {
    local modules=()
    local module
    for module in plugins/modules/*.py; do
        modules+=("$(basename -- "$module" .py)")
    done
    python "$script_dir/check_ansible_doc.py" "$namespace.$name" "${modules[@]}"
}

gate_ee() {
    ansible-builder introspect --sanitize --write-pip "$work/ee-python.txt" --write-bindep "$work/ee-system.txt" \
        "$collections_root" || return 1
    python - "$work/ee-python.txt" requirements.txt "$work/ee-system.txt" bindep.txt <<'EOF' || return 1
import sys

def requirements(path):
    with open(path, encoding='utf-8') as lines:
        return sorted(line.split('#')[0].strip() for line in lines if line.split('#')[0].strip())

ok = True
for found, declared in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    if requirements(found) != requirements(declared):
        print(f'ansible-builder introspect found {requirements(found)}, {declared} declares {requirements(declared)}',
              file=sys.stderr)
        ok = False
    else:
        print(f'ansible-builder introspect: {", ".join(requirements(found))}')
sys.exit(0 if ok else 1)
EOF
}

gate_changelog() {
    antsibull-changelog lint || return 1
    antsibull-changelog generate || return 1
    if [[ -n $(git status --porcelain -- CHANGELOG.rst changelogs) ]]; then
        git status --short -- CHANGELOG.rst changelogs >&2
        echo "CHANGELOG.rst is not generated from changelogs/changelog.yaml: run 'make changelog' and commit it" >&2
        return 1
    fi
}

gate_importer() {
    ansible-galaxy collection build --output-path "$work" . >/dev/null || return 1
    local artifact="$work/$namespace-$name-$version.tar.gz"
    # galaxy-importer writes importer_result.json into its working directory.
    (cd -- "$work" && GALAXY_IMPORTER_CONFIG="$script_dir/galaxy-importer.cfg" \
        python -m galaxy_importer.main "$artifact") >"$work/importer.log" 2>&1 || {
        cat -- "$work/importer.log" >&2
        return 1
    }
    cat -- "$work/importer.log"
    if grep -Eq '^(WARNING|ERROR)' "$work/importer.log"; then
        echo "galaxy-importer reported warnings or errors (above)" >&2
        return 1
    fi
    mkdir -p -- "$ANSIBLE_TEST_TOOLING_CACHE/release"
    cp -- "$artifact" "$ANSIBLE_TEST_TOOLING_CACHE/release/"
    echo "built and imported: $ANSIBLE_TEST_TOOLING_CACHE/release/${artifact##*/}"
}

gate_release() {
    local pending
    pending=$(find changelogs/fragments -type f -name '*.y*ml' 2>/dev/null)
    if [[ -n $pending ]]; then
        printf 'changelog fragments not yet in changelogs/changelog.yaml (run make changelog):\n%s\n' "$pending" >&2
        return 1
    fi
}

gate_update_docs() {
    generate_reference "$COLLECTION_GATES_SOURCE/docs/reference"
}

# Fold the changelog fragments into the release of galaxy.yml's version (a new entry, or the
# existing one while that version is unpublished), then bring the result back to the source tree.
gate_update_changelog() {
    local fragment
    antsibull-changelog release --update-existing || return 1
    cp -- CHANGELOG.rst "$COLLECTION_GATES_SOURCE/CHANGELOG.rst"
    cp -- changelogs/changelog.yaml changelogs/.plugin-cache.yaml "$COLLECTION_GATES_SOURCE/changelogs/"
    git ls-files -z -- changelogs/fragments | while IFS= read -r -d '' fragment; do
        if [[ ! -e $fragment ]]; then
            rm -f -- "$COLLECTION_GATES_SOURCE/$fragment"
            echo "folded into changelogs/changelog.yaml: $fragment"
        fi
    done
}

for gate in "$@"; do
    function=gate_${gate//-/_}
    declare -F "$function" >/dev/null || die "unknown gate '$gate'"
    printf '%s: --- %s\n' "$prog" "$gate" >&2
    if ! "$function"; then
        failed+=("$gate")
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    printf '%s: FAILED: %s\n' "$prog" "${failed[*]}" >&2
    exit 1
fi
printf '%s: passed: %s\n' "$prog" "$*" >&2
