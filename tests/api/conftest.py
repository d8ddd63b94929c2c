import pytest

from ordo_server import OrdoServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server per test module (data survives between its tests)."""
    srv = OrdoServer(tmp_path_factory.mktemp("ordo") / "data").start()
    yield srv
    assert srv.stop() == 0, srv.log_text()[-2000:]


@pytest.fixture
def fresh_server(tmp_path):
    """A server of the test's own, for tests that restart it or change its settings."""
    servers = []

    def make(extra_args=(), env=None):
        srv = OrdoServer(tmp_path / f"data{len(servers)}", extra_args, env).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture(scope="module")
def admin(server):
    """The bootstrap admin, logged in (session cookie + CSRF token)."""
    return server.login()


def url(session, path):
    return session.base + path
