"""`ordo db copy --from sqlite:PATH --to postgresql://...` (issue 7 item 6): a single-node
installation moves to PostgreSQL with everything in it; accesses keep working with their existing
secrets, tokens and the admin password stay valid, processes carry on."""

import requests

from ordo_server import OrdoServer, fresh_postgres_url, run_ordo

USER_TASK_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_copy"
    targetNamespace="t">
  <bpmn:process id="copy_me" name="Copied" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_copy_sqlite_to_postgres_keeps_everything_working(tmp_path):
    data = tmp_path / "data"
    old = OrdoServer(data).start()
    admin = old.login()
    r = admin.post(old.url + "/api/v1/accesses", json={"name": "moving", "right": "designer"})
    assert r.status_code == 201, r.text
    access = r.json()
    auth = (access["accessKey"], access["secretKey"])
    r = requests.post(old.url + "/api/auth/jwt", auth=auth, timeout=30)
    assert r.status_code == 200, r.text
    token = {"Authorization": "Bearer " + r.json()["token"]}
    r = admin.post(old.url + "/api/v1/users", json={"username": "carol", "password": "carol-pass-123",
                                                    "displayName": "Carol"})
    assert r.status_code == 201, r.text
    r = requests.post(old.url + "/api/v1/process-definitions", data=USER_TASK_BPMN.encode(),
                      headers={"Content-Type": "application/xml"}, auth=auth, timeout=30)
    assert r.status_code == 201, r.text
    r = requests.post(old.url + "/api/v1/process-definitions/key/copy_me/start",
                      json={"variables": {"amount": 42}}, auth=auth, timeout=30)
    assert r.status_code == 201, r.text
    instance = r.json()
    audit_before = admin.get(old.url + "/api/v1/audit-events?limit=500").json()["items"]
    assert old.stop() == 0

    target = fresh_postgres_url()
    code, out, err = run_ordo(["db", "copy", "--from", f"sqlite:{data}/ordo.db", "--to", target])
    assert code == 0, err
    assert "copied" in out.splitlines()[-1], out
    # A second copy into the now non-empty target is refused, and changes nothing.
    code, out2, err = run_ordo(["db", "copy", "--from", f"sqlite:{data}/ordo.db", "--to", target])
    assert code == 1 and "already holds Ordo data" in err, (out2, err)
    assert len(err.strip().splitlines()) == 1 or "migration" in err

    # The same data folder (its master.key) now on PostgreSQL.
    new = OrdoServer(data, ["--db", target]).start()
    try:
        assert "admin password" not in new.log_text().split("ordo ready:")[-1].lower()
        assert requests.get(new.url + "/api/v1/me", auth=auth, timeout=30).status_code == 200
        assert requests.get(new.url + "/api/v1/me", headers=token, timeout=30).status_code == 200
        new.login()  # the admin's password is the old one
        new.login("carol", "carol-pass-123")
        got = requests.get(f"{new.url}/api/v1/process-instances/{instance['id']}", auth=auth,
                           timeout=30)
        assert got.status_code == 200 and got.json()["variables"] == {"amount": 42}, got.text
        tasks = requests.get(new.url + "/api/v1/tasks", params={"processInstanceId": instance["id"]},
                             auth=auth, timeout=30).json()["items"]
        assert len(tasks) == 1
        r = requests.post(f"{new.url}/api/v1/tasks/{tasks[0]['id']}/complete",
                          json={"variables": {}, "user": "carol"}, auth=auth, timeout=30)
        assert r.status_code == 204, r.text
        audit_after = new.login().get(new.url + "/api/v1/audit-events?limit=500").json()["items"]
        ids_after = {e["id"] for e in audit_after}
        assert all(e["id"] in ids_after for e in audit_before)
    finally:
        assert new.stop() == 0


def test_copy_refuses_a_missing_source_and_a_bad_target(tmp_path):
    code, _, err = run_ordo(["db", "copy", "--from", f"sqlite:{tmp_path}/none.db", "--to",
                             fresh_postgres_url()])
    assert code == 1 and err.strip() == f"ordo db copy: error: no SQLite database at {tmp_path}/none.db"
    code, _, err = run_ordo(["db", "copy", "--from", f"sqlite:{tmp_path}/none.db", "--to",
                             "sqlite:/tmp/x.db"])
    assert code == 2 and "--to must be a postgresql:// URL" in err
    code, _, err = run_ordo(["db", "copy", "--from", "x"])
    assert code == 2
