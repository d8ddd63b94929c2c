"""Two `ordo serve` nodes on one PostgreSQL database (issue 7).

Needs ORDO_TEST_POSTGRES_ADMIN_URL (scripts/pg-cluster.sh exec sets it; ctest runs these tests
inside the shared throwaway cluster). Each test module gets its own fresh database and its own
pair of nodes, which share the master key (ORDO_MASTER_KEY) as a real deployment must."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from ordo_server import OrdoServer, fresh_postgres_url  # noqa: E402

MASTER_KEY_HEX = "5a" * 32


def pytest_configure(config):
    if not os.environ.get("ORDO_TEST_POSTGRES_ADMIN_URL"):
        raise pytest.UsageError("multinode tests need ORDO_TEST_POSTGRES_ADMIN_URL: run them with "
                                "scripts/pg-cluster.sh run -- python3 -m pytest tests/multinode")


def start_node(folder, db_url, name):
    return OrdoServer(folder / name, ["--db", db_url],
                      env={"ORDO_MASTER_KEY": MASTER_KEY_HEX}).start()


@pytest.fixture(scope="module")
def db_url():
    return fresh_postgres_url()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, db_url):
    """(A, B): two nodes on one database; A starts first (migrations, first admin)."""
    folder = tmp_path_factory.mktemp("nodes")
    a = start_node(folder, db_url, "a")
    b = start_node(folder, db_url, "b")
    yield a, b
    for node in (a, b):
        if node.proc is not None:
            node.stop()
