"""Process engine over the REST API (API.md section 6): deployment, versions, instances,
gateways, history, cancel, variables, and the refusals. Black box: the real binary, logged in
as the bootstrap admin."""

from pathlib import Path

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
XML = {"Content-Type": "application/xml"}


def bpmn(name, key=None):
    text = (TESTDATA / name).read_text()
    if key:
        original = {"approval.bpmn": "approval", "parallel.bpmn": "parallel",
                    "loop.bpmn": "loop", "gateway.bpmn": "sizes"}[name]
        text = text.replace(f'process id="{original}"', f'process id="{key}"')
    return text


def deploy(server, session, xml):
    r = session.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert r.status_code in (200, 201), r.text
    return r.json()


def start(server, session, key, variables=None, business_key=None):
    body = {"variables": variables or {}}
    if business_key is not None:
        body["businessKey"] = business_key
    r = session.post(server.url + f"/api/v1/process-definitions/key/{key}/start", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def instance(server, session, instance_id):
    r = session.get(server.url + f"/api/v1/process-instances/{instance_id}")
    assert r.status_code == 200, r.text
    return r.json()


def tasks_of(server, session, instance_id):
    r = session.get(server.url + "/api/v1/tasks", params={"processInstanceId": instance_id})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def complete(server, session, task_id, variables=None, user=None):
    body = {"variables": variables or {}}
    if user:
        body["user"] = user
    return session.post(server.url + f"/api/v1/tasks/{task_id}/complete", json=body)


def history(server, session, instance_id):
    r = session.get(server.url + f"/api/v1/process-instances/{instance_id}/history")
    assert r.status_code == 200, r.text
    return r.json()["items"]


# ---- deployment ----

def test_deploy_read_xml_and_identical_redeploy(server, admin):
    xml = bpmn("approval.bpmn", "deploy_once")
    r = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["key"] == "deploy_once" and d["version"] == 1 and d["name"] == "Invoice approval"
    assert d["deployedBy"] == "admin" and d["deployedAt"].endswith("Z")
    assert r.headers["Location"] == f"/api/v1/process-definitions/{d['id']}"
    assert admin.get(server.url + f"/api/v1/process-definitions/{d['id']}").json() == d
    raw = admin.get(server.url + f"/api/v1/process-definitions/{d['id']}/xml")
    assert raw.status_code == 200 and raw.headers["Content-Type"].startswith("application/xml")
    assert raw.content == xml.encode()
    again = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert again.status_code == 200 and again.json() == d


def test_deploy_as_multipart_form_data(server, admin):
    xml = bpmn("parallel.bpmn", "multipart_upload")
    r = admin.post(server.url + "/api/v1/process-definitions",
                   files={"file": ("checks.bpmn", xml.encode(), "application/octet-stream")})
    assert r.status_code == 201, r.text
    assert r.json()["key"] == "multipart_upload"


def test_wrong_content_type_is_415(server, admin):
    r = admin.post(server.url + "/api/v1/process-definitions", data=b"{}",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_file_it_cannot_run_is_422_naming_the_element(server, admin):
    xml = """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
      <process id="scripted" isExecutable="true">
        <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
        <scriptTask id="calc" scriptFormat="groovy"><script>1+1</script></scriptTask>
      </process></definitions>"""
    r = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == \
        "element 'calc' (scriptTask): this element type is not supported by Ordo"
    assert admin.get(server.url + "/api/v1/process-definitions",
                     params={"key": "scripted"}).json()["items"] == []


def test_syntax_error_in_a_condition_is_422(server, admin):
    xml = bpmn("gateway.bpmn", "bad_condition").replace("${amount &gt; 1000}", "${amount &gt;}")
    r = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("sequence flow 'big': syntax error")


def test_xxe_file_leaks_nothing(server, admin, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    for xml in [(TESTDATA / "xxe.bpmn").read_text(),
                (TESTDATA / "xxe.bpmn").read_text().replace("file:///etc/passwd",
                                                            "file://" + str(secret))]:
        r = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == "DOCTYPE declarations are not allowed in BPMN files"
        assert "TOP-SECRET" not in r.text and "root:" not in r.text
    assert admin.get(server.url + "/api/v1/process-definitions",
                     params={"key": "xxe"}).json()["items"] == []


# ---- running ----

def test_approval_approved_path_end_to_end(server, admin):
    deploy(server, admin, bpmn("approval.bpmn"))
    inst = start(server, admin, "approval", {"amount": 1200}, business_key="INV-1")
    assert inst["state"] == "active" and inst["activeActivityIds"] == ["review"]
    assert inst["businessKey"] == "INV-1" and inst["version"] >= 1
    assert inst["variables"] == {"amount": 1200, "starter": "admin"}
    assert inst["incidents"] == [] and inst["endedAt"] is None

    [task] = tasks_of(server, admin, inst["id"])
    assert task["activityId"] == "review" and task["name"] == "Review invoice"
    assert task["candidateGroups"] == ["managers"] and task["candidateUsers"] == ["carol"]
    assert task["assignee"] is None and task["priority"] == 70
    assert task["definitionKey"] == "approval" and task["processInstanceId"] == inst["id"]
    got = admin.get(server.url + f"/api/v1/tasks/{task['id']}").json()
    assert got["variables"]["amount"] == 1200

    r = complete(server, admin, task["id"], {"approved": True}, user="carol")
    assert r.status_code == 204, r.text
    assert instance(server, admin, inst["id"])["activeActivityIds"] == ["notify"]

    r = admin.post(server.url + "/api/v1/external-tasks/fetch-and-lock", json={
        "workerId": "mailer", "maxTasks": 5,
        "topics": [{"topicName": "notify-customer", "lockDuration": 60000}]})
    assert r.status_code == 200, r.text
    mine = [t for t in r.json() if t["processInstanceId"] == inst["id"]]
    assert len(mine) == 1 and mine[0]["activityId"] == "notify" and mine[0]["workerId"] == "mailer"
    assert mine[0]["variables"]["approved"] is True and mine[0]["lockExpiresAt"].endswith("Z")
    r = admin.post(server.url + f"/api/v1/external-tasks/{mine[0]['id']}/complete",
                   json={"workerId": "mailer", "variables": {"mailed": True}})
    assert r.status_code == 204, r.text

    done = instance(server, admin, inst["id"])
    assert done["state"] == "completed" and done["activeActivityIds"] == []
    assert done["endedAt"] is not None and done["variables"]["mailed"] is True
    steps = history(server, admin, inst["id"])
    assert [(h["activityId"], h["activityType"]) for h in steps] == [
        ("start", "startEvent"), ("review", "userTask"), ("decision", "exclusiveGateway"),
        ("notify", "serviceTask"), ("end_approved", "endEvent")]
    assert steps[1]["actor"] == "carol" and steps[3]["actor"] == "mailer"
    assert all(h["endedAt"] is not None for h in steps)


def test_approval_default_path_assigns_the_initiator(server, admin):
    deploy(server, admin, bpmn("approval.bpmn"))
    inst = start(server, admin, "approval", {"amount": 10})
    [review] = tasks_of(server, admin, inst["id"])
    assert complete(server, admin, review["id"], {"approved": False}).status_code == 204
    [rework] = tasks_of(server, admin, inst["id"])
    assert rework["activityId"] == "rework" and rework["assignee"] == "admin"
    assert complete(server, admin, rework["id"]).status_code == 204
    assert instance(server, admin, inst["id"])["state"] == "completed"
    assert [h["activityId"] for h in history(server, admin, inst["id"])] == [
        "start", "review", "decision", "rework", "end_rejected"]


def test_failing_condition_raises_an_incident(server, admin):
    deploy(server, admin, bpmn("approval.bpmn"))
    inst = start(server, admin, "approval")
    [review] = tasks_of(server, admin, inst["id"])
    assert complete(server, admin, review["id"]).status_code == 204  # no "approved" variable
    failed = instance(server, admin, inst["id"])
    assert failed["state"] == "failed"
    assert failed["activeActivityIds"] == ["decision"]
    assert [(i["activityId"], i["message"]) for i in failed["incidents"]] == [
        ("decision", "condition of sequence flow 'flow_approved' failed: "
                     "unknown variable 'approved'")]


def test_exclusive_gateway_without_a_true_condition_is_an_incident(server, admin):
    deploy(server, admin, bpmn("gateway.bpmn"))
    assert start(server, admin, "sizes", {"amount": 5000})["state"] == "completed"
    failed = start(server, admin, "sizes", {"amount": 500})
    assert failed["state"] == "failed"
    assert failed["incidents"][0]["activityId"] == "size"


def test_endless_loop_is_stopped_by_the_step_budget(server, admin):
    deploy(server, admin, bpmn("loop.bpmn"))
    inst = start(server, admin, "loop", {"forever": True})
    assert inst["state"] == "failed"
    assert "step budget" in inst["incidents"][0]["message"]


def test_parallel_fork_and_join(server, admin):
    deploy(server, admin, bpmn("parallel.bpmn"))
    inst = start(server, admin, "parallel")
    assert sorted(inst["activeActivityIds"]) == ["check_credit", "check_stock", "join"]
    tasks = {t["activityId"]: t for t in tasks_of(server, admin, inst["id"])}
    assert set(tasks) == {"check_credit", "check_stock"}
    assert tasks["check_credit"]["assignee"] == "alice"
    assert tasks["check_stock"]["candidateGroups"] == ["warehouse", "sales"]
    assert complete(server, admin, tasks["check_credit"]["id"], user="alice").status_code == 204
    mid = instance(server, admin, inst["id"])
    assert mid["state"] == "active" and sorted(mid["activeActivityIds"]) == ["check_stock", "join"]
    assert complete(server, admin, tasks["check_stock"]["id"]).status_code == 204
    done = instance(server, admin, inst["id"])
    assert done["state"] == "completed"
    ids = [h["activityId"] for h in history(server, admin, inst["id"])]
    assert ids.count("join") == 1 and ids.count("fork") == 1 and ids[-1] == "end"


def test_cancel(server, admin):
    deploy(server, admin, bpmn("approval.bpmn"))
    inst = start(server, admin, "approval")
    [task] = tasks_of(server, admin, inst["id"])
    r = admin.delete(server.url + f"/api/v1/process-instances/{inst['id']}")
    assert r.status_code == 204, r.text
    cancelled = instance(server, admin, inst["id"])
    assert cancelled["state"] == "cancelled" and cancelled["activeActivityIds"] == []
    assert tasks_of(server, admin, inst["id"]) == []
    assert admin.get(server.url + f"/api/v1/tasks/{task['id']}").status_code == 404
    assert complete(server, admin, task["id"]).status_code == 409
    again = admin.delete(server.url + f"/api/v1/process-instances/{inst['id']}")
    assert again.status_code == 409
    assert admin.delete(server.url + "/api/v1/process-instances/nope").status_code == 404


def test_running_instances_stay_on_their_version(server, admin):
    v1 = deploy(server, admin, bpmn("approval.bpmn", "versioned"))
    old = start(server, admin, "versioned")
    v2_xml = """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
      <process id="versioned" name="Straight through" isExecutable="true">
        <startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="review"/>
        <userTask id="review" name="Look"/><sequenceFlow id="b" sourceRef="review" targetRef="end"/>
        <endEvent id="end"/></process></definitions>"""
    v2 = deploy(server, admin, v2_xml)
    assert (v1["version"], v2["version"]) == (1, 2) and v1["id"] != v2["id"]
    new = start(server, admin, "versioned")
    assert (old["version"], new["version"]) == (1, 2)
    assert (old["definitionId"], new["definitionId"]) == (v1["id"], v2["id"])

    [old_task] = tasks_of(server, admin, old["id"])
    assert complete(server, admin, old_task["id"], {"approved": False}).status_code == 204
    assert tasks_of(server, admin, old["id"])[0]["activityId"] == "rework"  # version 1's path
    [new_task] = tasks_of(server, admin, new["id"])
    assert complete(server, admin, new_task["id"]).status_code == 204
    assert instance(server, admin, new["id"])["state"] == "completed"

    latest = admin.get(server.url + "/api/v1/process-definitions",
                       params={"key": "versioned"}).json()["items"]
    assert [d["version"] for d in latest] == [2]
    every = admin.get(server.url + "/api/v1/process-definitions",
                      params={"key": "versioned", "allVersions": "true"}).json()["items"]
    assert [d["version"] for d in every] == [1, 2]


def test_delete_definition_needs_cascade_while_instances_run(server, admin):
    d = deploy(server, admin, bpmn("approval.bpmn", "deletable"))
    inst = start(server, admin, "deletable")
    r = admin.delete(server.url + f"/api/v1/process-definitions/{d['id']}")
    assert r.status_code == 409, r.text
    r = admin.delete(server.url + f"/api/v1/process-definitions/{d['id']}",
                     params={"cascade": "true"})
    assert r.status_code == 204, r.text
    assert instance(server, admin, inst["id"])["state"] == "cancelled"
    assert admin.get(server.url + f"/api/v1/process-definitions/{d['id']}").status_code == 404
    r = admin.post(server.url + "/api/v1/process-definitions/key/deletable/start", json={})
    assert r.status_code == 404


def test_start_refusals(server, admin):
    r = admin.post(server.url + "/api/v1/process-definitions/key/no-such-key/start", json={})
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/problem+json")
    deploy(server, admin, bpmn("approval.bpmn"))
    r = admin.post(server.url + "/api/v1/process-definitions/key/approval/start",
                   json={"variables": [1, 2]})
    assert r.status_code == 400 and r.json()["detail"] == "'variables' must be an object"
    r = admin.post(server.url + "/api/v1/process-definitions/key/approval/start",
                   json={"variabels": {}})
    assert r.status_code == 400


def test_variables_read_and_set(server, admin):
    deploy(server, admin, bpmn("approval.bpmn"))
    inst = start(server, admin, "approval", {"amount": 3})
    base = server.url + f"/api/v1/process-instances/{inst['id']}/variables"
    assert admin.get(base).json() == {"amount": 3, "starter": "admin"}
    r = admin.put(base + "/note", json={"text": "rush", "items": [1, 2]})
    assert r.status_code == 204, r.text
    assert admin.put(base + "/amount", json=4).status_code == 204
    assert admin.get(base).json() == {"amount": 4, "starter": "admin",
                                      "note": {"text": "rush", "items": [1, 2]}}
    assert admin.get(server.url + "/api/v1/process-instances/nope/variables").status_code == 404


def test_instance_list_filters_and_paging(server, admin):
    deploy(server, admin, bpmn("approval.bpmn", "paged"))
    ids = [start(server, admin, "paged", business_key=f"B{i}")["id"] for i in range(5)]
    base = server.url + "/api/v1/process-instances"
    seen, cursor = [], None
    while True:
        params = {"definitionKey": "paged", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = admin.get(base, params=params).json()
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    by_key = admin.get(base, params={"businessKey": "B3"}).json()["items"]
    assert [i["id"] for i in by_key] == [ids[3]]
    assert admin.get(base, params={"state": "sleeping"}).status_code == 400
    assert admin.get(base, params={"limit": 501}).status_code == 400
    assert admin.get(base, params={"cursor": "!!"}).status_code == 400


def fetch_one(server, session, worker, topic, instance_id):
    r = session.post(server.url + "/api/v1/external-tasks/fetch-and-lock", json={
        "workerId": worker, "maxTasks": 50, "topics": [{"topicName": topic, "lockDuration": 60000}]})
    assert r.status_code == 200, r.text
    [task] = [t for t in r.json() if t["processInstanceId"] == instance_id]
    return task


def complete_external(server, session, task, worker, variables=None):
    r = session.post(server.url + f"/api/v1/external-tasks/{task['id']}/complete",
                     json={"workerId": worker, "variables": variables or {}})
    assert r.status_code == 204, r.text


def test_camunda_modeler_order_file_runs_end_to_end(server, admin):
    """A file as Camunda Modeler saves it (collaboration, lanes, DI, forms, annotations, a data
    object, a group), with user tasks, external service tasks, exclusive and parallel gateways."""
    d = deploy(server, admin, (TESTDATA / "order.bpmn").read_text())
    assert d["key"] == "order" and d["name"] == "Order fulfilment"

    inst = start(server, admin, "order", {"total": 250, "packer": "pete"})
    assert inst["variables"]["customer"] == "admin"
    [check] = tasks_of(server, admin, inst["id"])
    assert check["activityId"] == "Task_check" and check["candidateGroups"] == ["sales"]
    assert complete(server, admin, check["id"], {"valid": True}).status_code == 204

    running = instance(server, admin, inst["id"])
    assert sorted(running["activeActivityIds"]) == ["Task_charge", "Task_pack"]
    [pack] = tasks_of(server, admin, inst["id"])
    assert pack["assignee"] == "pete" and pack["candidateGroups"] == ["warehouse"]
    complete_external(server, admin, fetch_one(server, admin, "payer", "payment", inst["id"]),
                      "payer", {"paid": True})
    assert sorted(instance(server, admin, inst["id"])["activeActivityIds"]) == \
        ["Gateway_join", "Task_pack"]
    assert complete(server, admin, pack["id"], user="pete").status_code == 204
    assert instance(server, admin, inst["id"])["activeActivityIds"] == ["Task_ship"]
    complete_external(server, admin, fetch_one(server, admin, "shipper", "shipping", inst["id"]),
                      "shipper", {"tracking": "ZX-1"})

    done = instance(server, admin, inst["id"])
    assert done["state"] == "completed"
    assert done["variables"] == {"total": 250, "packer": "pete", "customer": "admin",
                                 "valid": True, "paid": True, "tracking": "ZX-1"}
    steps = history(server, admin, inst["id"])
    ids = [h["activityId"] for h in steps]
    assert ids[:4] == ["StartEvent_order", "Task_check", "Gateway_valid", "Gateway_fork"]
    assert ids[-4:] == ["Gateway_join", "Event_ready", "Task_ship", "EndEvent_shipped"]
    assert {"Task_charge", "Task_pack"} <= set(ids) and len(ids) == 10
    actors = {h["activityId"]: h["actor"] for h in steps}
    assert actors["Task_charge"] == "payer" and actors["Task_pack"] == "pete"
    assert actors["Task_ship"] == "shipper"

    # The other way out of the exclusive gateway: an order over the limit is rejected.
    big = start(server, admin, "order", {"total": 50000, "packer": "pete"})
    [check] = tasks_of(server, admin, big["id"])
    assert complete(server, admin, check["id"], {"valid": True}).status_code == 204
    assert instance(server, admin, big["id"])["activeActivityIds"] == ["Task_reject"]
    complete_external(server, admin,
                      fetch_one(server, admin, "mailer", "order-rejection", big["id"]), "mailer")
    assert instance(server, admin, big["id"])["state"] == "completed"
    assert history(server, admin, big["id"])[-1]["activityId"] == "EndEvent_rejected"


def test_deploy_accepts_files_up_to_10_mib_and_refuses_more_with_413(server, admin):
    padding = "<!-- " + "p" * (3 << 20) + " -->"  # 3 MiB: over the default 1 MiB body limit
    xml = bpmn("gateway.bpmn", "big_file").replace("<definitions", padding + "\n<definitions", 1)
    xml = xml.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "", 1)
    r = admin.post(server.url + "/api/v1/process-definitions", data=xml.encode(), headers=XML)
    assert r.status_code == 201, r.text[:500]
    too_big = b"<" + b"x" * (10 << 20)
    r = admin.post(server.url + "/api/v1/process-definitions", data=too_big, headers=XML)
    assert r.status_code == 413


def test_messages_validate_and_find_nothing_waiting(server, admin):
    url = server.url + "/api/v1/messages"
    r = admin.post(url, json={"messageName": "paid", "correlationKey": "INV-1", "variables": {"a": 1}})
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
    assert "nothing waits for message 'paid'" in r.json()["detail"]
    for body, detail in [({"correlationKey": "x"}, "'messageName' is required"),
                         ({"messageName": "paid"}, "give 'correlationKey' or 'processInstanceId'"),
                         ({"messageName": "paid", "correlationKey": "x", "variables": []},
                          "'variables' must be an object")]:
        r = admin.post(url, json=body)
        assert r.status_code == 400 and r.json()["detail"] == detail, r.text
