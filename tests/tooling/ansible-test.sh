#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run ansible-test from a given ansible-core version against this collection,
# on a machine whose only network access is the Python package index.
#
# Usage:
#   tests/tooling/ansible-test.sh CORE_VERSION PYTHON_MINOR [--] ANSIBLE_TEST_ARGS...
#   tests/tooling/pytest.sh CORE_VERSION PYTHON_MINOR [--] [PYTEST_ARGS...]
#     (= ansible-test.sh --pytest ...: plain pytest on the same tree, see below)
#   tests/tooling/ansible-test.sh --run CORE_VERSION PYTHON_MINOR [--] COMMAND [ARGS...]
# Examples:
#   tests/tooling/ansible-test.sh 2.21.5 3.13 -- sanity --venv --python 3.13
#   tests/tooling/ansible-test.sh 2.18.19 3.13 -- sanity --venv --python 3.13
#   tests/tooling/ansible-test.sh 2.21.5 3.13 -- integration --venv --python 3.13 --requirements
#   tests/tooling/ansible-test.sh 2.21.5 3.13 -- units --venv --python 3.13 --requirements
#   tests/tooling/pytest.sh 2.21.5 3.13 -- tests/unit -n 2
#
# What it does:
#   1. finds a working Python PYTHON_MINOR (pyenv's real binaries first, then a
#      pythonX.Y on PATH that actually runs);
#   2. creates once, then reuses, the venv
#      $CACHE/venvs/ansible-core-CORE_VERSION-pyPYTHON_MINOR with ansible-core;
#   3. installs tests/tooling/get_pip_standin.py as
#      ~/.ansible/test/cache/get_pip_<X_Y>.py for every pip version that this
#      ansible-test pins, so that --venv works without the internet;
#   4. lays the collection out as a fresh copy of exactly the files git sees
#      (tracked and untracked-not-ignored) in
#      $CACHE/collections/CORE_VERSION-pyPYTHON_MINOR/ansible_collections/NS/NAME,
#      with a throw-away git repository holding exactly those files, keeping
#      ansible-test's own --venv delegation venv (tests/output/.tmp/delegation)
#      from the previous run; tests/integration/integration_config.yml is
#      copied too when it exists, even if git-ignored (as ansible-test does);
#   5. runs that venv's ansible-test there with ANSIBLE_TEST_ARGS.
# With --run, step 5 instead runs COMMAND in the same tree, with a second venv
# $CACHE/venvs/tests-CORE_VERSION-pyPYTHON_MINOR (ansible-core, ansible-test's own
# unit test requirements and tests/unit/requirements.txt) first on PATH and
# PYTHONPATH set to the collections root. --pytest (tests/tooling/pytest.sh) is
# --run with "python -m pytest PYTEST_ARGS" (default: tests/unit); make demo
# uses --run too. Exit status: ansible-test's or COMMAND's (2 for a usage or
# setup error of this script).
#
# Environment:
#   ANSIBLE_TEST_TOOLING_CACHE  cache directory (default: <repo>/.cache)
#   ANSIBLE_TEST_TOOLING_QUIET  set to 1 to hide this script's progress lines

set -euo pipefail

prog=${0##*/}
trap 'printf "%s: error: unexpected failure (status %s) at line %s\n" "$prog" "$?" "$LINENO" >&2' ERR

die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit 2
}

say() {
    if [[ ${ANSIBLE_TEST_TOOLING_QUIET:-0} != 1 ]]; then
        printf '%s: %s\n' "$prog" "$*" >&2
    fi
}

usage() {
    printf 'usage: %s CORE_VERSION PYTHON_MINOR [--] ANSIBLE_TEST_ARGS...\n' "$prog" >&2
    printf '       %s --pytest CORE_VERSION PYTHON_MINOR [--] [PYTEST_ARGS...]\n' "$prog" >&2
    printf '       %s --run CORE_VERSION PYTHON_MINOR [--] COMMAND [ARGS...]\n' "$prog" >&2
    printf '  e.g. %s 2.21.5 3.13 -- sanity --venv --python 3.13\n' "$prog" >&2
    exit 2
}

mode=ansible-test
case ${1-} in
    --pytest) mode=pytest prog=pytest.sh; shift ;;
    --run) mode=run; shift ;;
esac

[[ $# -ge 2 ]] || usage
core_version=$1
python_minor=$2
shift 2
if [[ ${1-} == -- ]]; then
    shift
fi
if [[ $mode == pytest ]]; then
    [[ $# -ge 1 ]] || set -- tests/unit
    set -- python -m pytest -p no:cacheprovider "$@"
    mode=run
fi
[[ $# -ge 1 ]] || usage

[[ $core_version =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?([a-z]+[0-9]+)?$ ]] \
    || die "CORE_VERSION must be an ansible-core release such as 2.21.5, not '$core_version'"
[[ $python_minor =~ ^3\.[0-9]+$ ]] \
    || die "PYTHON_MINOR must look like 3.13, not '$python_minor'"

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
source_root=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null) \
    || die "$script_dir is not inside a git work tree"
cache_dir=${ANSIBLE_TEST_TOOLING_CACHE:-$source_root/.cache}
mkdir -p -- "$cache_dir"
cache_dir=$(cd -- "$cache_dir" && pwd -P)
key="$core_version-py$python_minor"

# Serialise runs that share a venv and a tree; different keys run in parallel.
if command -v flock >/dev/null 2>&1; then
    mkdir -p -- "$cache_dir/locks"
    exec {lock_fd}>"$cache_dir/locks/$key.lock"
    if ! flock -n "$lock_fd"; then
        say "waiting for another run using $key"
        flock "$lock_fd"
    fi
fi

# --- 1. a Python interpreter that really runs --------------------------------

python_runs() {
    # $1: interpreter; true if it runs and is version $python_minor
    local got
    got=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
    [[ $got == "$python_minor" ]]
}

find_python() {
    local root="" candidate
    local -a candidates=()
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root 2>/dev/null) || root=""
    fi
    root=${root:-${PYENV_ROOT:-$HOME/.pyenv}}
    if [[ -d $root/versions ]]; then
        # newest patch release first; skip free-threaded (3.13t) builds
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(find "$root/versions" -mindepth 3 -maxdepth 3 -path "*/versions/$python_minor.*/bin/python$python_minor" \
                    ! -path "*t/bin/*" 2>/dev/null | sort -rV)
    fi
    if candidate=$(command -v "python$python_minor" 2>/dev/null); then
        candidates+=("$candidate")
    fi
    for candidate in "${candidates[@]}"; do
        if python_runs "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

base_python=$(find_python) \
    || die "no working Python $python_minor found (looked in \$(pyenv root)/versions/$python_minor.*/bin and for python$python_minor on PATH)"

# Directory of pythonX.Y links to real interpreters, put first on PATH so that
# ansible-test finds them when asked for another --python than its own
# (pyenv's shims fail unless PYENV_VERSION is set).
shim_dir="$cache_dir/python-bin"
mkdir -p -- "$shim_dir"
link_interpreters() {
    local root="" interpreter name
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root 2>/dev/null) || root=""
    fi
    root=${root:-${PYENV_ROOT:-$HOME/.pyenv}}
    [[ -d $root/versions ]] || return 0
    # sorted oldest first, so the newest patch release of each minor wins
    while IFS= read -r interpreter; do
        name=${interpreter##*/}
        [[ $name =~ ^python3\.[0-9]+$ ]] || continue
        if "$interpreter" -c '' >/dev/null 2>&1; then
            ln -sfn -- "$interpreter" "$shim_dir/$name"
        fi
    done < <(find "$root/versions" -mindepth 3 -maxdepth 3 -path '*/versions/3.*/bin/python3.*' ! -path '*t/bin/*' 2>/dev/null | sort -V)
}
link_interpreters
ln -sfn -- "$base_python" "$shim_dir/python$python_minor"

# --- 2. the ansible-core venv --------------------------------------------------

venv_dir="$cache_dir/venvs/ansible-core-$key"
venv_python="$venv_dir/bin/python"
venv_marker="$venv_dir/.tooling-ready"

venv_ok() {
    [[ -f $venv_marker ]] && [[ -x $venv_dir/bin/ansible-test ]] && python_runs "$venv_python" \
        && "$venv_python" -c 'import ansible_test, ansible' >/dev/null 2>&1
}

if ! venv_ok; then
    say "creating $venv_dir (Python $python_minor: $base_python, ansible-core==$core_version)"
    rm -rf -- "$venv_dir"
    mkdir -p -- "${venv_dir%/*}"
    "$base_python" -m venv "$venv_dir" || die "could not create a venv with $base_python"
    if ! "$venv_python" -m pip install --disable-pip-version-check --quiet "ansible-core==$core_version"; then
        rm -rf -- "$venv_dir"
        die "could not install ansible-core==$core_version for Python $python_minor (ansible-core 2.20+ needs Python >= 3.12)"
    fi
    printf 'ansible-core==%s\npython=%s\n' "$core_version" "$base_python" >"$venv_marker"
fi
ansible_test="$venv_dir/bin/ansible-test"

# --- 3. the get-pip.py stand-in --------------------------------------------------

# Ask the installed ansible-test which pip versions it bootstraps (for every
# Python it supports); fall back to reading its source.
pip_versions=$("$venv_python" - <<'EOF'
import os
import re
import types

versions = set()
try:
    from ansible_test._internal.python_requirements import get_venv_packages
    from ansible_test._util.target.common import constants

    pythons = set(getattr(constants, 'SUPPORTED_PYTHON_VERSIONS', ())) | set(getattr(constants, 'CONTROLLER_PYTHON_VERSIONS', ()))
    for python_version in sorted(pythons):
        versions.add(get_venv_packages(types.SimpleNamespace(version=python_version))['pip'])
except Exception:  # pylint: disable=broad-except
    import ansible_test

    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(path, encoding='utf-8') as source:
        versions.update(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", source.read()))

print('\n'.join(sorted(versions)))
EOF
) || die "could not read the pinned pip version from ansible-test $core_version"
[[ -n $pip_versions ]] || die "could not find the pinned pip version in ansible-test $core_version"

get_pip_cache="$HOME/.ansible/test/cache"
mkdir -p -- "$get_pip_cache"
while IFS= read -r pip_version; do
    target="$get_pip_cache/get_pip_${pip_version//./_}.py"
    if ! cmp -s -- "$script_dir/get_pip_standin.py" "$target"; then
        say "installing the get-pip stand-in as $target"
        cp -- "$script_dir/get_pip_standin.py" "$target.tmp.$$"
        mv -f -- "$target.tmp.$$" "$target"
    fi
done <<<"$pip_versions"

# --- 4. the collection tree -------------------------------------------------------

read -r namespace name < <("$venv_python" - "$source_root/galaxy.yml" <<'EOF'
import sys
import yaml

with open(sys.argv[1], encoding='utf-8') as galaxy:
    meta = yaml.safe_load(galaxy)
print(meta['namespace'], meta['name'])
EOF
) || die "could not read namespace and name from $source_root/galaxy.yml"

collections_root="$cache_dir/collections/$key"
tree="$collections_root/ansible_collections/$namespace/$name"
keep="$collections_root/.delegation"

# Keep ansible-test's --venv delegation venv (tests/output/.tmp/delegation) warm.
rm -rf -- "$keep"
if [[ -d $tree/tests/output/.tmp/delegation ]]; then
    mv -- "$tree/tests/output/.tmp/delegation" "$keep"
fi
rm -rf -- "$tree"
mkdir -p -- "$tree"

file_list="$collections_root/.files"
# tracked files still present in the work tree, plus untracked files not ignored
git -C "$source_root" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' path; do
        if [[ -f $source_root/$path || -L $source_root/$path ]]; then
            printf '%s\0' "$path"
        fi
    done >"$file_list"
[[ -s $file_list ]] || die "git lists no files in $source_root"

tar -C "$source_root" --null --no-recursion -T "$file_list" -cf - | tar -C "$tree" -xf -

# A throw-away git repository holding exactly these files: ansible-test lists
# content with git, and ignores what .gitignore ignores (tests/output/).
git_quiet=(git -C "$tree" -c init.defaultBranch=main -c user.name=ansible-test-tooling
    -c user.email=ansible-test-tooling@localhost -c commit.gpgsign=false -c core.hooksPath=/dev/null)
"${git_quiet[@]}" init -q
"${git_quiet[@]}" add -f --pathspec-from-file="$file_list" --pathspec-file-nul
"${git_quiet[@]}" commit -q --no-verify -m "snapshot of $source_root for ansible-test"
# ansible-test's output (and its venvs) stay out of its own file list even if
# the collection's .gitignore ever forgets tests/output/.
printf '/tests/output/\n' >>"$tree/.git/info/exclude"

# Like ansible-test's own delegation payload, take the integration vars file
# even when it is git-ignored (a generated file, e.g. holding absolute paths
# outside the tree); it stays out of the file list, so sanity ignores it.
vars_file=tests/integration/integration_config.yml
if [[ -f $source_root/$vars_file && ! -e $tree/$vars_file ]]; then
    mkdir -p -- "$tree/${vars_file%/*}"
    cp -p -- "$source_root/$vars_file" "$tree/$vars_file"
fi

if [[ -d $keep ]]; then
    mkdir -p -- "$tree/tests/output/.tmp"
    mv -- "$keep" "$tree/tests/output/.tmp/delegation"
fi

# --- 5. run ------------------------------------------------------------------------

# The lock's file descriptor is closed in children, so that a process left
# running in the background (an emulator, say) cannot hold the lock.
run_child() {
    if [[ -n ${lock_fd-} ]]; then
        "$@" {lock_fd}>&-
    else
        "$@"
    fi
}

if [[ $mode == run ]]; then
    # A second venv: ansible-core, ansible-test's unit test requirements and
    # the collection's tests/unit/requirements.txt (and constraints.txt), the
    # same set ansible-test units installs. Reinstalled when those change.
    test_venv="$cache_dir/venvs/tests-$key"
    test_python="$test_venv/bin/python"
    test_data=$("$venv_python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements"))')
    pip_args=("ansible-core==$core_version" -r "$test_data/units.txt" -c "$test_data/constraints.txt")
    for file in requirements.txt constraints.txt; do
        if [[ -f $tree/tests/unit/$file ]]; then
            if [[ $file == requirements.txt ]]; then
                pip_args+=(-r "$tree/tests/unit/$file")
            else
                pip_args=(-c "$tree/tests/unit/$file" "${pip_args[@]}")
            fi
        fi
    done
    # Molecule runs from this venv too (make test's molecule step).
    molecule_requirements="$tree/extensions/molecule/requirements.txt"
    if [[ -f $molecule_requirements ]]; then
        pip_args+=(-r "$molecule_requirements")
    fi
    wanted=""
    for file in "$test_data/units.txt" "$test_data/constraints.txt" "$tree/tests/unit/requirements.txt" \
        "$tree/tests/unit/constraints.txt" "$molecule_requirements"; do
        if [[ -f $file ]]; then
            wanted+=" $(cksum <"$file")"
        fi
    done
    wanted="$core_version $base_python $wanted"
    if ! python_runs "$test_python" || [[ ! -f $test_venv/.tooling-ready ]]; then
        say "creating $test_venv"
        rm -rf -- "$test_venv"
        "$base_python" -m venv "$test_venv" || die "could not create a venv with $base_python"
    fi
    if [[ $(cat -- "$test_venv/.tooling-ready" 2>/dev/null) != "$wanted" ]]; then
        say "installing unit test requirements into $test_venv"
        rm -f -- "$test_venv/.tooling-ready"
        (cd -- "$tree" && "$test_python" -m pip install --disable-pip-version-check --quiet "${pip_args[@]}") \
            || die "could not install the unit test requirements into $test_venv"
        printf '%s\n' "$wanted" >"$test_venv/.tooling-ready"
    fi
    say "ansible-core $core_version, Python $python_minor, tree $tree"
    say "running in $test_venv: $*"
    cd -- "$tree"
    status=0
    # Molecule's shared state lives in ~/.ansible/tmp/molecule.<hash of the directory name "apsaramq"> unless told otherwise,
    # one directory for every checkout on the machine: a run from another clone would stop this one's emulator.
    export MOLECULE_EPHEMERAL_DIRECTORY=${MOLECULE_EPHEMERAL_DIRECTORY:-$cache_dir/molecule/$key}
    PATH="$test_venv/bin:$shim_dir:$PATH" VIRTUAL_ENV="$test_venv" PYTHONPATH="$collections_root${PYTHONPATH:+:$PYTHONPATH}" \
        run_child "$@" || status=$?
    if [[ $status -ne 0 ]]; then
        say "$1 exited with status $status (tree: $tree)"
    fi
    exit "$status"
fi

say "ansible-core $core_version, Python $python_minor, tree $tree"
say "running: ansible-test $*"
cd -- "$tree"
status=0
PATH="$shim_dir:$PATH" run_child "$ansible_test" "$@" || status=$?
if [[ $status -ne 0 ]]; then
    say "ansible-test exited with status $status; results are in $tree/tests/output"
fi
exit "$status"
