"""The nginx example of docs/operations.md (docs/examples/nginx-ordo.conf), run for real in front
of two nodes: requests reach both nodes, a login and a token made through nginx work whichever
node answers, and when one node is killed nginx keeps serving from the other."""

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from ordo_server import free_port

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "nginx-ordo.conf"
NGINX = "/usr/sbin/nginx"

def render(example, nodes, port, cert, key):
    """The example with only its marked lines rewritten."""
    out, node_lines = [], iter(nodes)
    for line in example.read_text().splitlines():
        if "# ORDO NODE" in line:
            line = re.sub(r"server \S+", f"server 127.0.0.1:{next(node_lines).port}", line, count=1)
        elif "# LISTEN" in line:
            line = re.sub(r"listen \d+", f"listen 127.0.0.1:{port}", line)
        elif "# CERTIFICATE" in line:
            line = re.sub(r"(ssl_certificate(?:_key)?\s+)\S+;",
                          lambda m: m.group(1) + (str(key) if "_key" in m.group(1) else str(cert))
                          + ";", line)
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture
def nginx(tmp_path, nodes):
    assert Path(NGINX).exists(), "nginx is needed (apt-get install nginx-light)"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port = free_port()
    (tmp_path / "ordo.conf").write_text(render(EXAMPLE, nodes, port, cert, key))
    for d in ("client_body", "proxy"):
        (tmp_path / d).mkdir()
    main = f"""
daemon off;
master_process off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/ordo.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    check = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf")],
                            stderr=subprocess.DEVNULL)
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/healthz", verify=str(cert), timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.05)
    yield url, str(cert)
    proc.send_signal(signal.SIGQUIT)
    proc.wait(10)


def test_nginx_example_spreads_load_and_survives_a_dead_node(nodes, nginx):
    a, b = nodes
    nginx, cert = nginx
    s = requests.Session()
    s.verify = cert
    s.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides s.verify
    r = s.post(nginx + "/api/auth/login", json={"username": "admin", "password": a.admin_password},
               timeout=30)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrfToken"]
    r = s.post(nginx + "/api/v1/accesses", json={"name": "via-nginx", "right": "reader"},
               timeout=30)
    assert r.status_code == 201, r.text
    access = r.json()
    r = requests.post(nginx + "/api/auth/jwt", auth=(access["accessKey"], access["secretKey"]),
                      verify=cert, timeout=30)
    assert r.status_code == 200, r.text
    token = {"Authorization": "Bearer " + r.json()["token"]}
    r = requests.get(nginx + "/api/v1/me", headers={**token, "X-Request-Id": "through-nginx-1"},
                     verify=cert, timeout=30)
    assert r.status_code == 200 and r.headers["X-Request-Id"] == "through-nginx-1"

    # Each request carries its own id, so that an access-log line of an earlier request written
    # a moment late cannot be counted here (the line is written after the response is sent).
    for i in range(40):
        assert requests.get(nginx + "/api/v1/me", headers={**token, "X-Request-Id": f"spread-{i}"},
                            verify=cert, timeout=30).status_code == 200
    deadline = time.monotonic() + 5
    while True:
        served = {n.port: n.log_text().count("request_id=spread-") for n in (a, b)}
        if sum(served.values()) >= 40 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert sum(served.values()) == 40 and all(v > 0 for v in served.values()), served

    # A dies without warning: nginx moves on to B for every request, unsafe methods included
    # (nothing reached the dead node).
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait()
    for _ in range(20):
        assert requests.get(nginx + "/api/v1/me", headers=token, verify=cert,
                            timeout=30).status_code == 200
    r = requests.post(nginx + "/api/auth/jwt", auth=(access["accessKey"], access["secretKey"]),
                      verify=cert, timeout=30)
    assert r.status_code == 200, r.text
    assert s.get(nginx + "/api/v1/accesses", timeout=30).status_code == 200
    a.log.close()
    a.proc = None


def test_rendering_rewrites_only_the_marked_lines(tmp_path):
    class N:
        port = 1
    text = render(EXAMPLE, [N(), N()], 2, "c", "k")
    original = EXAMPLE.read_text().splitlines()
    changed = [(o, n) for o, n in zip(original, text.splitlines()) if o != n]
    assert len(changed) == 5 and all("(adapt)" in o for o, _ in changed), changed
    assert shutil.which("openssl"), "openssl is needed for the test certificate"
