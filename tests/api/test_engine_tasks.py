"""User tasks and external tasks over the REST API (API.md section 6): claims, concurrent
completions, who may see and complete a task, and the external-worker round trip with lock
conflicts, lock expiry, retries and the incident when none are left."""

import threading
import time
from pathlib import Path

import requests

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
XML = {"Content-Type": "application/xml"}


def deploy(server, session, name):
    r = session.post(server.url + "/api/v1/process-definitions",
                     data=(TESTDATA / name).read_bytes(), headers=XML)
    assert r.status_code in (200, 201), r.text
    return r.json()


def start(server, session, key, variables=None):
    r = session.post(server.url + f"/api/v1/process-definitions/key/{key}/start",
                     json={"variables": variables or {}})
    assert r.status_code == 201, r.text
    return r.json()


def only_task(server, session, instance_id):
    r = session.get(server.url + "/api/v1/tasks", params={"processInstanceId": instance_id})
    assert r.status_code == 200, r.text
    [task] = r.json()["items"]
    return task


def operator(server, admin, name):
    """A REST access with the operator right: (accessKey, secretKey) for Basic auth."""
    r = admin.post(server.url + "/api/v1/accesses", json={"name": name, "right": "operator"})
    assert r.status_code == 201, r.text
    return r.json()["accessKey"], r.json()["secretKey"]


def bearer_of(server, basic):
    r = requests.post(server.url + "/api/auth/jwt", auth=basic, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def fetch(server, session, worker, topic="charge-card", lock_ms=60000, **kw):
    r = session.post(server.url + "/api/v1/external-tasks/fetch-and-lock", json={
        "workerId": worker, "maxTasks": 10, "topics": [{"topicName": topic, "lockDuration": lock_ms}]},
        **kw)
    assert r.status_code == 200, r.text
    return r.json()


# ---- user tasks ----

def test_claim_conflict_and_unclaim(server, admin):
    deploy(server, admin, "approval.bpmn")
    task = only_task(server, admin, start(server, admin, "approval")["id"])
    base = server.url + f"/api/v1/tasks/{task['id']}"
    assert admin.post(base + "/claim", json={"user": "alice"}).status_code == 204
    assert admin.get(base).json()["assignee"] == "alice"
    r = admin.post(base + "/claim", json={"user": "bob"})
    assert r.status_code == 409 and r.json()["detail"] == "the task is claimed by 'alice'"
    r = admin.post(base + "/complete", json={"user": "bob", "variables": {"approved": False}})
    assert r.status_code == 409
    assert admin.post(base + "/unclaim").status_code == 204
    assert admin.get(base).json()["assignee"] is None
    assert admin.post(base + "/claim", json={"user": "bob"}).status_code == 204
    assert admin.post(server.url + "/api/v1/tasks/nope/claim", json={"user": "x"}).status_code == 404


def test_twenty_concurrent_completions_exactly_one_wins(server, admin):
    deploy(server, admin, "approval.bpmn")
    inst = start(server, admin, "approval")
    task = only_task(server, admin, inst["id"])
    headers = bearer_of(server, operator(server, admin, "racer"))
    barrier = threading.Barrier(20)
    statuses = []
    lock = threading.Lock()

    def worker(i):
        barrier.wait()
        r = requests.post(server.url + f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                          json={"user": "carol", "variables": {"approved": False, "n": i}},
                          timeout=60)
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [204] + [409] * 19
    steps = admin.get(server.url + f"/api/v1/process-instances/{inst['id']}/history").json()
    assert [h["activityId"] for h in steps["items"]].count("decision") == 1


def test_user_sees_and_completes_only_tasks_meant_for_them(server, admin):
    assert admin.post(server.url + "/api/v1/groups",
                      json={"groupId": "managers", "name": "Managers"}).status_code == 201
    for name, groups in [("mia", ["managers"]), ("ned", [])]:
        r = admin.post(server.url + "/api/v1/users",
                       json={"username": name, "password": "password-" + name, "groups": groups})
        assert r.status_code == 201, r.text
    mia = server.login("mia", "password-mia")
    ned = server.login("ned", "password-ned")
    deploy(server, admin, "approval.bpmn")
    inst = start(server, admin, "approval", {"approved": False})
    task = only_task(server, admin, inst["id"])

    mine = mia.get(server.url + "/api/v1/tasks").json()["items"]
    assert task["id"] in [t["id"] for t in mine]
    assert ned.get(server.url + "/api/v1/tasks").json()["items"] == []
    assert ned.get(server.url + f"/api/v1/tasks/{task['id']}").status_code == 404
    assert ned.post(server.url + f"/api/v1/tasks/{task['id']}/complete", json={}).status_code == 404
    r = mia.post(server.url + f"/api/v1/tasks/{task['id']}/complete", json={"user": "carol"})
    assert r.status_code == 403
    # Through the group, the candidateUser filter finds it too.
    found = admin.get(server.url + "/api/v1/tasks", params={"candidateUser": "mia"}).json()
    assert task["id"] in [t["id"] for t in found["items"]]
    assert admin.get(server.url + "/api/v1/tasks",
                     params={"candidateUser": "ned"}).json()["items"] == []
    r = mia.post(server.url + f"/api/v1/tasks/{task['id']}/complete", json={})
    assert r.status_code == 204, r.text
    steps = admin.get(server.url + f"/api/v1/process-instances/{inst['id']}/history").json()
    assert steps["items"][1]["actor"] == "mia"
    # The rework task is assigned to the initiator (admin): not mia's.
    rework = only_task(server, admin, inst["id"])
    assert rework["assignee"] == "admin"
    assert mia.get(server.url + f"/api/v1/tasks/{rework['id']}").status_code == 404


def test_access_acts_for_a_named_user(server, admin):
    basic = operator(server, admin, "inbox-bot")
    deploy(server, admin, "approval.bpmn")
    inst = start(server, admin, "approval")
    task = only_task(server, admin, inst["id"])
    base = server.url + f"/api/v1/tasks/{task['id']}"
    assert requests.post(base + "/claim", json={"user": "zoe"}, auth=basic,
                         timeout=30).status_code == 204
    assert admin.get(base).json()["assignee"] == "zoe"
    r = requests.post(base + "/complete", json={"user": "yan", "variables": {"approved": False}},
                      auth=basic, timeout=30)
    assert r.status_code == 409 and r.json()["detail"] == "the task is assigned to 'zoe'"
    r = requests.post(base + "/complete", json={"user": "zoe", "variables": {"approved": False}},
                      auth=basic, timeout=30)
    assert r.status_code == 204, r.text
    steps = admin.get(server.url + f"/api/v1/process-instances/{inst['id']}/history").json()
    assert steps["items"][1]["actor"] == "zoe"
    # Naming no user, the program completes the task whoever holds it.
    rework = only_task(server, admin, inst["id"])
    assert rework["assignee"] == "admin"
    r = requests.post(server.url + f"/api/v1/tasks/{rework['id']}/complete", json={}, auth=basic,
                      timeout=30)
    assert r.status_code == 204, r.text


def test_task_list_filters(server, admin):
    deploy(server, admin, "parallel.bpmn")
    inst = start(server, admin, "parallel")
    base = server.url + "/api/v1/tasks"
    by_assignee = admin.get(base, params={"assignee": "alice", "processInstanceId": inst["id"]})
    assert [t["activityId"] for t in by_assignee.json()["items"]] == ["check_credit"]
    by_group = admin.get(base, params={"candidateGroup": "sales", "processInstanceId": inst["id"]})
    assert [t["activityId"] for t in by_group.json()["items"]] == ["check_stock"]
    by_key = admin.get(base, params={"definitionKey": "parallel", "processInstanceId": inst["id"]})
    assert len(by_key.json()["items"]) == 2
    page = admin.get(base, params={"processInstanceId": inst["id"], "limit": 1}).json()
    assert len(page["items"]) == 1 and page["nextCursor"]
    rest = admin.get(base, params={"processInstanceId": inst["id"], "limit": 1,
                                   "cursor": page["nextCursor"]}).json()
    assert len(rest["items"]) == 1 and rest["nextCursor"] is None
    assert rest["items"][0]["id"] != page["items"][0]["id"]


# ---- external tasks ----

def test_external_worker_round_trip_lock_conflict_and_retries_to_incident(server, admin):
    deploy(server, admin, "external.bpmn")
    inst = start(server, admin, "payment", {"card": "4242"})
    assert inst["activeActivityIds"] == ["charge"]
    base = server.url + "/api/v1/external-tasks"

    [task] = fetch(server, admin, "w1", lock_ms=400)
    assert task["topicName"] == "charge-card" and task["processInstanceId"] == inst["id"]
    assert task["workerId"] == "w1" and task["retries"] is None
    assert task["variables"] == {"card": "4242"}
    assert fetch(server, admin, "w2") == []  # locked to w1
    r = admin.post(f"{base}/{task['id']}/complete", json={"workerId": "w2"})
    assert r.status_code == 409, r.text

    time.sleep(0.5)  # w1's lock expires (a real server has a real clock)
    [again] = fetch(server, admin, "w2")
    assert again["id"] == task["id"] and again["workerId"] == "w2"
    r = admin.post(f"{base}/{task['id']}/complete", json={"workerId": "w1"})
    assert r.status_code == 409  # expired and taken by another worker

    r = admin.post(f"{base}/{task['id']}/failure", json={
        "workerId": "w2", "errorMessage": "card declined", "retries": 1, "retryTimeout": 0})
    assert r.status_code == 204, r.text
    [third] = fetch(server, admin, "w3")
    assert third["retries"] == 1 and third["errorMessage"] == "card declined"
    r = admin.post(f"{base}/{task['id']}/failure", json={
        "workerId": "w3", "errorMessage": "card declined twice", "retries": 0})
    assert r.status_code == 204, r.text

    view = admin.get(server.url + f"/api/v1/process-instances/{inst['id']}").json()
    assert view["state"] == "active"
    assert [(i["activityId"], i["message"]) for i in view["incidents"]] == [
        ("charge", "card declined twice")]
    assert fetch(server, admin, "w4") == []


def test_external_complete_moves_the_instance_on(server, admin):
    deploy(server, admin, "external.bpmn")
    inst = start(server, admin, "payment")
    [task] = fetch(server, admin, "w1")
    r = admin.post(server.url + f"/api/v1/external-tasks/{task['id']}/complete",
                   json={"workerId": "w1", "variables": {"charged": 42}})
    assert r.status_code == 204, r.text
    view = admin.get(server.url + f"/api/v1/process-instances/{inst['id']}").json()
    assert view["activeActivityIds"] == ["confirm"] and view["variables"]["charged"] == 42
    confirm = only_task(server, admin, inst["id"])
    assert confirm["assignee"] == "admin" and confirm["candidateGroups"] == ["finance"]
    r = admin.post(server.url + f"/api/v1/external-tasks/{task['id']}/complete",
                   json={"workerId": "w1"})
    assert r.status_code == 409
    r = admin.post(server.url + "/api/v1/external-tasks/nope/complete", json={"workerId": "w1"})
    assert r.status_code == 404


def test_fetch_and_lock_refuses_bad_input(server, admin):
    url = server.url + "/api/v1/external-tasks/fetch-and-lock"
    for body in [{"maxTasks": 1, "topics": [{"topicName": "t", "lockDuration": 1000}]},
                 {"workerId": "w", "topics": []},
                 {"workerId": "w", "topics": [{"topicName": "t"}]},
                 {"workerId": "w", "topics": [{"topicName": "t", "lockDuration": 0}]},
                 {"workerId": "w", "maxTasks": "many",
                  "topics": [{"topicName": "t", "lockDuration": 1}]}]:
        r = admin.post(url, json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.headers["Content-Type"].startswith("application/problem+json")


def test_reader_cannot_run_tasks(server, admin):
    r = admin.post(server.url + "/api/v1/accesses", json={"name": "watcher", "right": "reader"})
    basic = (r.json()["accessKey"], r.json()["secretKey"])
    assert requests.get(server.url + "/api/v1/tasks", auth=basic, timeout=30).status_code == 200
    r = requests.post(server.url + "/api/v1/external-tasks/fetch-and-lock", auth=basic, timeout=30,
                      json={"workerId": "w", "topics": [{"topicName": "t", "lockDuration": 1}]})
    assert r.status_code == 403
    r = requests.post(server.url + "/api/v1/process-definitions", auth=basic, timeout=30,
                      data=(TESTDATA / "approval.bpmn").read_bytes(), headers=XML)
    assert r.status_code == 403


def test_task_and_variable_input_errors(server, admin):
    deploy(server, admin, "approval.bpmn")
    inst = start(server, admin, "approval")
    task = only_task(server, admin, inst["id"])
    base = server.url + f"/api/v1/tasks/{task['id']}"
    cases = [
        (base + "/claim", {"usr": "typo"}, 400, "unknown field 'usr'"),
        (base + "/claim", {"user": 7}, 400, None),
        (base + "/complete", {"variables": "approved"}, 400, "'variables' must be an object"),
        (base + "/complete", {"variables": {}, "extra": 1}, 400, "unknown field 'extra'"),
    ]
    for url, body, status, detail in cases:
        r = admin.post(url, json=body)
        assert r.status_code == status, (url, body, r.text)
        assert r.headers["Content-Type"].startswith("application/problem+json")
        if detail:
            assert r.json()["detail"] == detail
    r = admin.post(base + "/complete", data="not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    variables = server.url + f"/api/v1/process-instances/{inst['id']}/variables/x"
    assert admin.put(variables, data="1", headers={"Content-Type": "text/plain"}).status_code == 415
    assert admin.put(variables, data="{", headers={"Content-Type": "application/json"}).status_code \
        == 400
    # The task is untouched by all of that.
    assert admin.get(base).json()["assignee"] is None
