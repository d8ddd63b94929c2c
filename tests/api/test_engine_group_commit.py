"""Engine writes under concurrency (issue 8): on SQLite many engine calls share one commit
(src/store/group_commit.h). Each caller must still get its own answer, a failing call must not
fail the calls committed with it, and a 204 must mean "on disk": a server killed with SIGKILL
in the middle of a stream of completions has, after a restart, every completion it answered."""

import concurrent.futures
import signal
import threading
import time

import requests

XML = {"Content-Type": "application/xml"}
ONE_TASK_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="gc"
             targetNamespace="https://ordo.example/tests">
  <process id="gc_one_task" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
"""


def program_token(server):
    """A Bearer header for a fresh designer access (one hash, then no more per call)."""
    admin = server.login()
    r = admin.post(server.url + "/api/v1/accesses",
                   json={"name": f"gc-{time.monotonic_ns()}", "right": "designer"})
    assert r.status_code == 201, r.text
    access = r.json()
    r = requests.post(server.url + "/api/auth/jwt", auth=(access["accessKey"], access["secretKey"]),
                      timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def deploy(server, headers):
    r = requests.post(server.url + "/api/v1/process-definitions", data=ONE_TASK_BPMN,
                      headers={**headers, **XML}, timeout=30)
    assert r.status_code in (200, 201), r.text


def start(server, headers):
    r = requests.post(server.url + "/api/v1/process-definitions/key/gc_one_task/start",
                      json={}, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def open_task(server, headers, instance_id):
    r = requests.get(server.url + "/api/v1/tasks", params={"processInstanceId": instance_id},
                     headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    [task] = r.json()["items"]
    return task["id"]


def test_concurrent_calls_each_get_their_own_answer(fresh_server):
    server = fresh_server()
    headers = program_token(server)
    deploy(server, headers)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        instances = list(pool.map(lambda _: start(server, headers), range(64)))
    assert len(set(instances)) == 64
    tasks = [open_task(server, headers, i) for i in instances]

    # Every task completed twice at once, and unknown tasks mixed in: exactly one 204 per task,
    # 409 for the second, 404 for the unknown, whatever they shared a commit with.
    def complete(task_id):
        return task_id, requests.post(server.url + f"/api/v1/tasks/{task_id}/complete", json={},
                                      headers=headers, timeout=30).status_code

    calls = tasks + tasks + ["no-such-task"] * 16
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        results = list(pool.map(complete, calls))
    for task_id in tasks:
        assert sorted(code for t, code in results if t == task_id) == [204, 409], task_id
    assert [code for t, code in results if t == "no-such-task"] == [404] * 16
    for instance_id in instances:
        r = requests.get(server.url + f"/api/v1/process-instances/{instance_id}", headers=headers,
                         timeout=30)
        assert r.status_code == 200 and r.json()["state"] == "completed", r.text


def test_kill_9_amid_completions_loses_no_answered_completion(fresh_server):
    server = fresh_server()
    headers = program_token(server)
    deploy(server, headers)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        instances = list(pool.map(lambda _: start(server, headers), range(300)))
    instance_of = {open_task(server, headers, i): i for i in instances}

    answered = []
    lock = threading.Lock()

    def complete(task_id):
        try:
            r = requests.post(server.url + f"/api/v1/tasks/{task_id}/complete", json={},
                              headers=headers, timeout=10)
        except requests.RequestException:
            return  # no answer: either outcome is allowed
        if r.status_code == 204:
            with lock:
                answered.append(task_id)

    tasks = list(instance_of)
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        futures = [pool.submit(complete, t) for t in tasks]
        deadline = time.monotonic() + 60
        while len(answered) < len(tasks) // 3 and time.monotonic() < deadline:
            time.sleep(0.002)
        server.proc.send_signal(signal.SIGKILL)
        killed_after = len(answered)
        concurrent.futures.wait(futures)
    assert killed_after >= len(tasks) // 3
    assert server.stop() == -signal.SIGKILL
    server.start()
    headers = program_token(server)
    for task_id in answered:
        r = requests.get(server.url + f"/api/v1/process-instances/{instance_of[task_id]}",
                         headers=headers, timeout=30)
        assert r.status_code == 200 and r.json()["state"] == "completed", (task_id, r.text)
        r = requests.get(server.url + f"/api/v1/tasks/{task_id}", headers=headers, timeout=30)
        assert r.status_code == 404, (task_id, r.text)
