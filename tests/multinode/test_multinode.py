"""Two equal nodes on one PostgreSQL (issue 7 item 5): revocation on one node bites on the other
within a second (Basic and Bearer), tokens cross nodes, concurrent fetch-and-lock across nodes
never hands out one task twice, one completion of a task wins across nodes, and kill -9 of a node
amid task completions loses nothing that was answered 204 while the other node keeps serving.

Measured numbers (revocation delay, lost completions) are printed with -s and appended to
$ORDO_TEST_OUTPUT/multinode.txt when that variable is set."""

import base64
import concurrent.futures
import os
import signal
import threading
import time
from pathlib import Path

import requests

USER_TASK_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_mn_user" targetNamespace="t">
  <bpmn:process id="mn_user" name="Multinode user task" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:userTask id="approve" name="Approve" camunda:candidateGroups="staff" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""

EXTERNAL_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_mn_ext" targetNamespace="t">
  <bpmn:process id="mn_external" name="Multinode external task" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:serviceTask id="work" name="Work" camunda:type="external" camunda:topic="mn-work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def report(line):
    print(line)
    out = os.environ.get("ORDO_TEST_OUTPUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        with open(Path(out) / "multinode.txt", "a") as f:
            f.write(time.strftime("%Y-%m-%dT%H:%M:%SZ ", time.gmtime()) + line + "\n")


def create_access(session, node, name, right="designer", others=()):
    """Creates an access on `node` and waits until each node of `others` accepts it.

    A new access reaches other nodes through the same notification as a revocation (measured
    ~20 ms); inside that window another node reads it from the database. Waiting here keeps the
    tests about what they test; the delay is checked to stay under the same 1 s bound."""
    r = session.post(node.url + "/api/v1/accesses", json={"name": name, "right": right})
    assert r.status_code == 201, r.text
    access = r.json()
    created_at = time.monotonic()
    # Asked with a token, not Basic: failed Basic attempts would count towards the throttle.
    probe = bearer(token(node, access)) if others else None
    for other in others:
        while me(other, probe) != 200:
            assert time.monotonic() - created_at < 1.0, "a new access took over 1 s to spread"
            time.sleep(0.01)
    return access


def basic(access):
    raw = f"{access['accessKey']}:{access['secretKey']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def bearer(token):
    return {"Authorization": "Bearer " + token}


def token(node, access):
    r = requests.post(node.url + "/api/auth/jwt", headers=basic(access), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def me(node, headers):
    return requests.get(node.url + "/api/v1/me", headers=headers, timeout=30).status_code


def deploy(node, headers, xml):
    r = requests.post(node.url + "/api/v1/process-definitions", data=xml.encode(),
                      headers={**headers, "Content-Type": "application/xml"}, timeout=30)
    assert r.status_code in (200, 201), r.text
    return r.json()


def start_instance(node, headers, key):
    r = requests.post(f"{node.url}/api/v1/process-definitions/key/{key}/start",
                      json={"variables": {}}, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


# --- sessions and tokens ---------------------------------------------------------------------

def test_login_and_tokens_cross_nodes(nodes):
    a, b = nodes
    admin_a = a.login()
    access = create_access(admin_a, a, "cross-node")
    # The access made on A works on B at once, before B heard of it (B reads a key it does not
    # know from the database): by a token A issued, then by Basic.
    t = token(a, access)
    assert me(b, bearer(t)) == 200
    other = create_access(admin_a, a, "cross-node-basic")
    assert me(b, basic(other)) == 200
    # And a token B issued works on A: both nodes share the signing keys.
    assert me(a, bearer(token(b, access))) == 200
    # The web session made on A is valid on B (sessions are in the database).
    r = requests.get(b.url + "/api/v1/me", cookies=admin_a.cookies, timeout=30)
    assert r.status_code == 200 and r.json()["type"] == "user"


# --- revocation ------------------------------------------------------------------------------

def revoke_and_measure(a, b, admin_a, change, refused_status=401):
    """Applies `change` to a fresh access on A, then asks B with the old Basic credentials and
    the old token until both are refused; returns the delay in seconds."""
    name = f"revoke-{change.__name__}-{time.monotonic_ns()}"
    access = create_access(admin_a, a, name, others=[b])
    t = token(a, access)
    # B has seen and cached the access (Basic success cache, live table) before the change.
    assert me(b, basic(access)) == 200
    assert me(b, bearer(t)) == 200
    change(admin_a, a, access)
    changed_at = time.monotonic()
    pending = {"basic": basic(access), "bearer": bearer(t)}
    delays = {}
    while pending and time.monotonic() - changed_at < 5:
        for kind, headers in list(pending.items()):
            status = me(b, headers)
            if status == refused_status:
                delays[kind] = time.monotonic() - changed_at
                del pending[kind]
            else:
                assert status == 200, status
    assert not pending, f"B still accepts {sorted(pending)} 5 s after the change"
    # Refused for good, not by chance.
    for _ in range(3):
        assert me(b, basic(access)) == refused_status
        assert me(b, bearer(t)) == refused_status
    return max(delays.values())


def delete_access(admin, node, access):
    assert admin.delete(node.url + "/api/v1/accesses/" + access["accessKey"]).status_code == 204


def disable_access(admin, node, access):
    r = admin.patch(node.url + "/api/v1/accesses/" + access["accessKey"], json={"enabled": False})
    assert r.status_code == 200, r.text


def regenerate_secret(admin, node, access):
    r = admin.post(node.url + "/api/v1/accesses/" + access["accessKey"] + "/secret", json={})
    assert r.status_code == 200, r.text


def narrow_right(admin, node, access):
    r = admin.patch(node.url + "/api/v1/accesses/" + access["accessKey"], json={"right": "reader"})
    assert r.status_code == 200, r.text


def test_revocation_on_a_is_refused_on_b_within_one_second(nodes):
    a, b = nodes
    admin_a = a.login()
    delays = {}
    for change in (delete_access, disable_access, regenerate_secret):
        delays[change.__name__] = revoke_and_measure(a, b, admin_a, change)
    report("revocation delay A->B (s): " +
           ", ".join(f"{k}={v:.3f}" for k, v in delays.items()))
    assert max(delays.values()) < 1.0, delays


def test_narrowed_right_on_a_is_403_on_b_within_one_second(nodes):
    a, b = nodes
    admin_a = a.login()
    access = create_access(admin_a, a, "narrowed", others=[b])
    t = token(a, access)
    start = lambda headers: requests.put(  # noqa: E731
        b.url + "/api/v1/process-instances/nothing/variables/x", json=1, headers=headers,
        timeout=30).status_code
    # Before: operator passes the scope check (404: no such instance).
    assert start(basic(access)) == 404 and start(bearer(t)) == 404
    narrow_right(admin_a, a, access)
    changed_at = time.monotonic()
    while time.monotonic() - changed_at < 5:
        if start(basic(access)) == 403 and start(bearer(t)) == 403:
            break
    delay = time.monotonic() - changed_at
    report(f"narrowing delay A->B (s): {delay:.3f}")
    assert delay < 1.0
    assert me(b, basic(access)) == 200  # still a reader


# --- engine across nodes ---------------------------------------------------------------------

def test_concurrent_fetch_and_lock_across_nodes_never_returns_a_task_twice(nodes):
    a, b = nodes
    admin_a = a.login()
    access = create_access(admin_a, a, "workers", others=[b])
    headers = basic(access)
    # One token per node for the 200 calls: Basic would make them queue on the hash pool.
    tokens = {a.url: bearer(token(a, access)), b.url: bearer(token(b, access))}
    deploy(a, headers, EXTERNAL_BPMN)
    tasks = 150
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: start_instance((a, b)[i % 2], tokens[(a, b)[i % 2].url],
                                               "mn_external"), range(tasks)))

    barrier = threading.Barrier(50)

    def fetch(i):
        node = (a, b)[i % 2]
        if i < 50:
            barrier.wait()  # the first 50 calls leave together
        r = requests.post(node.url + "/api/v1/external-tasks/fetch-and-lock",
                          json={"workerId": f"w{i}", "maxTasks": 1,
                                "topics": [{"topicName": "mn-work", "lockDuration": 600000}]},
                          headers=tokens[node.url], timeout=60)
        assert r.status_code == 200, r.text
        return [(t["id"], f"w{i}") for t in r.json()]

    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(fetch, range(200)))
    got = [task for batch in results for task in batch]
    ids = [task_id for task_id, _ in got]
    assert len(ids) == len(set(ids)), "a task was handed out twice"
    assert len(ids) == tasks  # every task once; the 50 calls after that got []
    assert sum(1 for batch in results if not batch) == 200 - tasks
    # Completing on the other node than the one that locked works (locks live in the database).
    task_id, worker = got[0]
    r = requests.post(f"{b.url}/api/v1/external-tasks/{task_id}/complete",
                      json={"workerId": worker}, headers=tokens[b.url], timeout=30)
    assert r.status_code == 204, r.text
    r = requests.post(f"{a.url}/api/v1/external-tasks/{task_id}/complete",
                      json={"workerId": worker}, headers=tokens[a.url], timeout=30)
    assert r.status_code in (404, 409), r.text


def open_tasks(node, headers, instance_id):
    r = requests.get(node.url + "/api/v1/tasks", params={"processInstanceId": instance_id},
                     headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_concurrent_completions_on_two_nodes_exactly_one_wins(nodes):
    a, b = nodes
    admin_a = a.login()
    access = create_access(admin_a, a, "completers", others=[b])
    tokens = {a.url: bearer(token(a, access)), b.url: bearer(token(b, access))}
    deploy(a, tokens[a.url], USER_TASK_BPMN)
    instance = start_instance(a, tokens[a.url], "mn_user")  # started on A ...
    (task,) = open_tasks(b, tokens[b.url], instance["id"])
    barrier = threading.Barrier(20)

    def complete(i):
        node = (a, b)[i % 2]
        barrier.wait()
        return requests.post(f"{node.url}/api/v1/tasks/{task['id']}/complete",
                             json={"variables": {"by": i}, "user": "u"},
                             headers=tokens[node.url], timeout=60).status_code

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        codes = sorted(pool.map(complete, range(20)))
    assert codes == [204] + [409] * 19, codes
    # ... and moved by whichever node won.
    r = requests.get(f"{b.url}/api/v1/process-instances/{instance['id']}", headers=tokens[b.url],
                     timeout=30)
    assert r.status_code == 200 and r.json()["state"] == "completed", r.text


def test_kill_9_amid_completions_loses_no_answered_completion(tmp_path, db_url, nodes):
    """A third node C takes a stream of completions and is killed with SIGKILL in the middle;
    every completion C answered 204 must be visible on B, and B serves throughout."""
    from conftest import start_node
    a, b = nodes
    c = start_node(tmp_path, db_url, "c")
    admin_b = b.login()
    access = create_access(admin_b, b, "kill-test", others=[c])
    tokens = {n.url: bearer(token(n, access)) for n in (b, c)}
    deploy(b, tokens[b.url], USER_TASK_BPMN)
    instances = []
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        instances = list(pool.map(lambda _: start_instance(b, tokens[b.url], "mn_user"),
                                  range(300)))
    task_of = {}
    for inst in instances:
        (task,) = open_tasks(b, tokens[b.url], inst["id"])
        task_of[task["id"]] = inst["id"]
    answered_204 = []
    lock = threading.Lock()
    stop_b_probe = threading.Event()
    b_failures = []

    def complete_on_c(task_id):
        try:
            r = requests.post(f"{c.url}/api/v1/tasks/{task_id}/complete",
                              json={"variables": {"done": True}, "user": "u"},
                              headers=tokens[c.url], timeout=10)
        except requests.RequestException:
            return  # no answer: either outcome is allowed
        if r.status_code == 204:
            with lock:
                answered_204.append(task_id)

    def probe_b():
        while not stop_b_probe.is_set():
            try:
                status = me(b, tokens[b.url])
            except requests.RequestException as e:
                status = str(e)
            if status != 200:
                b_failures.append(status)
            time.sleep(0.01)

    prober = threading.Thread(target=probe_b)
    prober.start()
    ids = list(task_of)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(complete_on_c, t) for t in ids]
        # Kill C once a third of the stream has been answered.
        deadline = time.monotonic() + 60
        while len(answered_204) < len(ids) // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        c.proc.send_signal(signal.SIGKILL)
        killed_after = len(answered_204)
        concurrent.futures.wait(futures)
    c.proc.wait()
    c.log.close()
    c.proc = None
    stop_b_probe.set()
    prober.join()

    lost = []
    for task_id in answered_204:
        inst = requests.get(f"{b.url}/api/v1/process-instances/{task_of[task_id]}",
                            headers=tokens[b.url], timeout=30).json()
        if inst["state"] != "completed":
            lost.append(task_id)
    # Nothing half-done either: every instance is completed with no open task, or still waits
    # with its one task open (the completions cut off by the kill).
    for task_id, instance_id in task_of.items():
        inst = requests.get(f"{b.url}/api/v1/process-instances/{instance_id}",
                            headers=tokens[b.url], timeout=30).json()
        still_open = open_tasks(b, tokens[b.url], instance_id)
        if inst["state"] == "completed":
            assert still_open == [], inst
        else:
            assert inst["state"] == "active" and [t["id"] for t in still_open] == [task_id], inst
    report(f"kill -9 test: {len(ids)} completions sent to C, {killed_after} answered 204 when "
           f"SIGKILL was sent, {len(answered_204)} answered 204 in all, lost: {len(lost)}; "
           f"B failures during the test: {len(b_failures)}")
    assert killed_after > 0 and len(answered_204) < len(ids), "the kill did not land mid-stream"
    assert lost == []
    assert b_failures == []
    # B still moves the rest of the instances.
    rest = [t for t in ids if t not in set(answered_204)]
    for task_id in rest[:20]:
        r = requests.post(f"{b.url}/api/v1/tasks/{task_id}/complete",
                          json={"variables": {}, "user": "u"}, headers=tokens[b.url], timeout=30)
        assert r.status_code in (204, 409), r.text  # 409: C committed it but died before answering
