# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The emulator tests' own fixture: an emulator run in this process on a clock the test moves."""

import dataclasses
import importlib
import pathlib
import threading
import time

import pytest

EMULATOR_DIR = pathlib.Path(__file__).resolve().parents[2] / 'emulator'


class Clock:
    """The clock of an emulator run in this process: real time plus what the test adds."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += seconds


@dataclasses.dataclass(frozen=True)
class ClockedEmulator:
    host_port: str
    clock: Clock


@pytest.fixture
def clocked_emulator(monkeypatch, emulator_fixtures_path):
    """An emulator served from this process on a Clock the test advances, for what takes minutes or hours
    in real time: keys and tokens that expire. Its host_port and clock; sign at clock() time."""
    monkeypatch.syspath_prepend(str(EMULATOR_DIR))
    server_module = importlib.import_module('_server')
    fixtures = importlib.import_module('_fixtures').FixtureStore.from_file(emulator_fixtures_path)
    clock = Clock()
    server = server_module.EmulatorServer(('127.0.0.1', 0), server_module.Emulator(fixtures, clock=clock))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ClockedEmulator(f'127.0.0.1:{server.server_address[1]}', clock)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def fresh_emulator(emulator):
    """The session's emulator with its CAs and device certificates as the fixtures have them, put back after the test:
    for tests that register, change or delete certificates (a reset also clears the request log, nonces and faults)."""
    emulator.reset()
    yield emulator
    emulator.reset()
