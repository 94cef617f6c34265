#!/usr/bin/env bash
# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's demo, with the ansible-core and cryptography found on PATH (make demo
# provides them): build and install the collection, start the emulator, run demo.yml against
# three local "devices", stop the emulator. Work files go to DEMO_WORK_DIR (default .cache/demo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${DEMO_WORK_DIR:-$repo/.cache/demo}
rm -rf "$work"
mkdir -p "$work/collections" "$work/devices"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_FORCE_COLOR=0

ansible-galaxy collection build --force --output-path "$work" "$repo" >/dev/null
ansible-galaxy collection install --force -p "$work/collections" "$work"/alibabacloud-apsaramq-*.tar.gz >/dev/null

python3 "$repo/tests/emulator/onsmqtt_emulator.py" --port 0 --port-file "$work/port" 2>"$work/emulator.log" >/dev/null &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "run-demo.sh: the emulator did not start; see $work/emulator.log" >&2; exit 1; }
endpoint="http://127.0.0.1:$(cat "$work/port")"
echo "Emulator listening on $endpoint"

ansible-playbook -i "$repo/demo/inventory.yml" "$repo/demo/demo.yml" \
    -e "demo_endpoint=$endpoint" -e "demo_output_dir=$work/devices"

echo
echo "Files written on the devices (under $work/devices):"
(cd "$work/devices" && find . -name '*.pem' | sort)

echo
echo "The event source alibabacloud.apsaramq.mqtt_ca_certificates run by hand, its first poll (docs/event-driven.md):"
# It polls until stopped: five seconds see its first poll; ansible-rulebook would run it for good.
{ ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-access-key-secret \
    timeout 5 python3 "$work/collections/ansible_collections/alibabacloud/apsaramq/extensions/eda/plugins/event_source/mqtt_ca_certificates.py" \
    post-cn-emulator01 "$endpoint" || true; } | python3 -c 'import json, sys
for line in sys.stdin:
    event = json.loads(line)["apsaramq"]
    print("  %(type)s: CA %(sn)s (%(name)s), %(days_remaining)s days remaining, threshold %(threshold)s" % event)'
