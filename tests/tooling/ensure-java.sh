#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The end-to-end test of the event source (tests/unit/extensions/eda/plugins/event_source/
# test_mqtt_ca_certificates_rulebook.py) runs ansible-rulebook, whose Drools engine needs a Java 17+
# runtime. The Java checked is the one ansible-rulebook takes: $JAVA_HOME/bin/java, else java on PATH.
# When it is missing or older, install Debian's openjdk-17-jre-headless (default-jre-headless where
# the release has no 17) if this user may; otherwise fail in one line, saying what to do.
set -euo pipefail

minimum=17
me=${0##*/}
how="install a Java $minimum+ runtime (Debian, Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME to one"

fail() {
    echo "$me: the end-to-end test of the event source (ansible-rulebook) needs Java $minimum+: $1; $how" >&2
    exit 1
}

# The java ansible-rulebook would run, or nothing.
java_command() {
    if [[ -n ${JAVA_HOME-} ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java || true
    fi
}

# The major version of the java at $1 (17 for "17.0.15", 8 for "1.8.0_292"), or nothing if it does not run.
java_major() {
    local banner
    banner=$("$1" -version 2>&1) || return 0
    if [[ $banner =~ version\ \"([0-9]+)(\.([0-9]+))? ]]; then
        if [[ ${BASH_REMATCH[1]} == 1 && -n ${BASH_REMATCH[3]} ]]; then
            echo "${BASH_REMATCH[3]}"
        else
            echo "${BASH_REMATCH[1]}"
        fi
    fi
}

# What the java found lacks, or nothing when it will do.
shortcoming() {
    local command major
    command=$(java_command)
    if [[ -z $command ]]; then
        echo "no java on PATH"
        return
    fi
    major=$(java_major "$command")
    if [[ -z $major ]]; then
        echo "$command does not run"
    elif ((major < minimum)); then
        echo "$command is Java $major"
    fi
}

problem=$(shortcoming)
[[ -z $problem ]] && exit 0
if [[ -n ${JAVA_HOME-} ]]; then
    # Installing a package would not change what JAVA_HOME points at.
    fail "JAVA_HOME is set and $problem"
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    fail "$problem, and only root with apt-get can install one here"
fi

package=openjdk-17-jre-headless
echo "$me: $problem; installing $package for the end-to-end test of the event source (ansible-rulebook)" >&2
apt-get update -qq >/dev/null || fail "apt-get update failed"
if ! apt-cache show --no-all-versions "$package" >/dev/null 2>&1; then
    # Debian 13 and later have no Java 17; their default runtime is newer.
    echo "$me: this release has no $package; installing default-jre-headless" >&2
    package=default-jre-headless
fi
# Slim images leave out /usr/share/man, and the runtime's post-installation script fails without man1.
mkdir -p /usr/share/man/man1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null \
    || fail "apt-get install $package failed"
hash -r
problem=$(shortcoming)
[[ -z $problem ]] || fail "after installing $package, $problem"
