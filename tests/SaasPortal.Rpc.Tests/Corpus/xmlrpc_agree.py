"""Python's xmlrpc.client on one side of the agreement tests (tests/SaasPortal.Rpc.Tests/PythonAgreementTests.cs).

Values travel as tagged JSON so that nothing is lost between the two languages:
["nil"], ["bool", b], ["int", n], ["double", repr], ["str", s], ["datetime", "YYYYMMDDTHH:MM:SS"],
["bytes", base64], ["array", [...]], ["struct", [[name, value], ...]].

  python3 xmlrpc_agree.py dumps   stdin: [{"kind": "call"|"response"|"fault", ...}]  stdout: [xml, ...]
  python3 xmlrpc_agree.py loads   stdin: [xml, ...]  stdout: [{"method", "params"} | {"fault": [code, string]} | {"error"}]
  python3 xmlrpc_agree.py json-dumps   stdin: [tagged, ...]  stdout: [json.dumps(value), ...]
  python3 xmlrpc_agree.py json-loads   stdin: [json text, ...]  stdout: [tagged | {"error"}, ...]
"""
import base64
import datetime
import json
import sys
import xmlrpc.client


def from_tagged(t):
    tag = t[0]
    if tag == "nil":
        return None
    if tag in ("bool", "int", "str"):
        return t[1]
    if tag == "double":
        return float(t[1])
    if tag == "datetime":
        return datetime.datetime.strptime(t[1], "%Y%m%dT%H:%M:%S")
    if tag == "bytes":
        return base64.b64decode(t[1])
    if tag == "array":
        return [from_tagged(x) for x in t[1]]
    if tag == "struct":
        return {k: from_tagged(v) for k, v in t[1]}
    raise ValueError("unknown tag %r" % tag)


def to_tagged(v):
    if v is None:
        return ["nil"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", v]
    if isinstance(v, float):
        return ["double", repr(v)]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, datetime.datetime):
        return ["datetime", "%04d%02d%02dT%02d:%02d:%02d" % (v.year, v.month, v.day, v.hour, v.minute, v.second)]
    if isinstance(v, bytes):
        return ["bytes", base64.b64encode(v).decode("ascii")]
    if isinstance(v, (list, tuple)):
        return ["array", [to_tagged(x) for x in v]]
    if isinstance(v, dict):
        return ["struct", [[k, to_tagged(x)] for k, x in v.items()]]
    raise TypeError("cannot tag %r" % type(v))


def dumps(item):
    kind = item["kind"]
    if kind == "call":
        params = tuple(from_tagged(p) for p in item["params"])
        return xmlrpc.client.dumps(params, item["method"], allow_none=True)
    if kind == "response":
        return xmlrpc.client.dumps((from_tagged(item["value"]),), methodresponse=True, allow_none=True)
    if kind == "fault":
        return xmlrpc.client.dumps(xmlrpc.client.Fault(item["code"], item["string"]), methodresponse=True)
    raise ValueError("unknown kind %r" % kind)


def loads(xml):
    try:
        params, method = xmlrpc.client.loads(xml, use_builtin_types=True)
    except xmlrpc.client.Fault as fault:
        return {"fault": [fault.faultCode, fault.faultString]}
    except Exception as e:  # reported, and the C# side fails the test with it
        return {"error": "%s: %s" % (type(e).__name__, e)}
    return {"method": method, "params": [to_tagged(p) for p in params]}


def json_loads(text):
    try:
        return to_tagged(json.loads(text))
    except Exception as e:  # reported, and the C# side fails the test with it
        return {"error": "%s: %s" % (type(e).__name__, e)}


def main():
    mode = sys.argv[1]
    items = json.load(sys.stdin)
    handlers = {
        "dumps": dumps,
        "loads": loads,
        # Odoo's own serialisation: json.dumps with its defaults (ensure_ascii on).
        "json-dumps": lambda tagged: json.dumps(from_tagged(tagged)),
        "json-loads": json_loads,
    }
    json.dump([handlers[mode](i) for i in items], sys.stdout)


if __name__ == "__main__":
    main()
