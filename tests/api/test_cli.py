"""The `ordo` client subcommands (API.md section 7) against a running server."""

import json
from pathlib import Path

from ordo_server import run_ordo

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"


def cli_env(server, key, secret):
    return {"ORDO_URL": server.url, "ORDO_ACCESS_KEY": key, "ORDO_SECRET_KEY": secret}


def make_access(server, admin, right):
    r = admin.post(server.url + "/api/v1/accesses", json={"name": f"cli-{right}", "right": right})
    assert r.status_code == 201, r.text
    return r.json()["accessKey"], r.json()["secretKey"]


def test_access_lifecycle_from_the_command_line(server, admin):
    env = cli_env(server, *make_access(server, admin, "admin"))
    code, out, err = run_ordo(["access", "create", "--name", "from-cli", "--right", "reader"], env=env)
    assert code == 0, err
    created = json.loads(out)
    assert created["name"] == "from-cli" and created["right"] == "reader"
    assert created["secretKey"].startswith("ordo_sk_")
    key = created["accessKey"]
    code, out, _ = run_ordo(["access", "list"], env=env)
    assert code == 0 and key in [a["accessKey"] for a in json.loads(out)["items"]]
    assert "secretKey" not in out
    code, out, _ = run_ordo(["access", "regenerate", key], env=env)
    assert code == 0 and json.loads(out)["secretKey"] != created["secretKey"]
    code, out, _ = run_ordo(["access", "delete", key], env=env)
    assert code == 0 and out == ""
    code, _, err = run_ordo(["access", "get", key], env=env)
    assert code == 1 and err.startswith("ordo: error: 404: ")


def test_deploy_start_tasks_complete(server, admin):
    env = cli_env(server, *make_access(server, admin, "designer"))
    code, out, err = run_ordo(["deploy", str(TESTDATA / "approval.bpmn")], env=env)
    assert code == 0, err
    assert json.loads(out)["key"] == "approval"
    code, out, err = run_ordo(["start", "approval", "--var", "amount=100", "--var", "note=hello",
                               "--business-key", "order-7"], env=env)
    assert code == 0, err
    instance = json.loads(out)
    assert instance["variables"]["amount"] == 100 and instance["variables"]["note"] == "hello"
    assert instance["businessKey"] == "order-7"
    code, out, _ = run_ordo(["tasks"], env=env)
    tasks = [t for t in json.loads(out)["items"] if t["processInstanceId"] == instance["id"]]
    assert len(tasks) == 1 and tasks[0]["activityId"] == "review"
    code, out, err = run_ordo(["complete", tasks[0]["id"], "--var", "approved=true", "--user", "carol"],
                              env=env)
    assert code == 0, err
    state = admin.get(server.url + "/api/v1/process-instances/" + instance["id"]).json()
    assert state["variables"]["approved"] is True


def test_bad_credentials_and_usage(server):
    code, _, err = run_ordo(["tasks"], env=cli_env(server, "ordo_ak_AAAAAAAAAAAAAAAAAAAA", "ordo_sk_nope"))
    assert code == 2 and err.startswith("ordo: error: cannot get a token: ")
    code, _, err = run_ordo(["start"], env=cli_env(server, "k", "s"))
    assert code == 2 and err.startswith("ordo: error: ")
    code, _, err = run_ordo(["tasks"], env={"ORDO_URL": server.url, "ORDO_ACCESS_KEY": "", "ORDO_SECRET_KEY": ""})
    assert code == 2 and err == "ordo: error: no credentials: set ORDO_ACCESS_KEY and ORDO_SECRET_KEY\n"
