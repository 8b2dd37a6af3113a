"""The Office.js route: the real server process, real HTTP requests shaped as Excel sends them."""

import functools
import re

import httpx
import pytest
import xlwings

from addin import udfs
from addin.cells import MESSAGE_PREFIX, UDFS, CellError
from addin.server import OFFICE_ORIGINS, Running
from addin.workbook.builder import DEFAULT_PATH
from tests.conftest import SERVER_KEY
from tests.formula_eval import Book, Unsupported, formula_text

KEY = SERVER_KEY
CALL = "/xlwings/custom-functions-call"


@pytest.fixture(scope="module")
def server(office_server):
    """The session's server; what it printed while this file ran holds no traceback of ours."""
    start = len(office_server.output())
    yield office_server
    log = office_server.output()[start:]
    assert "Traceback" not in log or "custom_functions" not in log


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30, headers={"Authorization": KEY}) as c:
        yield c


def body(func_name, args, address="Sheet1!C1"):
    """A request body exactly as xlwings' Office.js client sends it."""
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": args,
        "caller_address": f"[negotiation.xlsm]{address}",
        "session_id": "0b5c1f5e-5d8e-4c61-9a4e-6f0d7d1c2a11",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }


def as_office_arg(value):
    """One argument as Office.js passes it: always a 2-D list (a blank cell is null)."""
    if isinstance(value, list):
        return [row if isinstance(row, list) else [row] for row in value]
    return [[value]]


def as_office_result(value):
    """What a direct call's result looks like after the server's conversion."""
    rows = value if isinstance(value, list) else [[value]]
    return [[("" if v is None else v) for v in (r if isinstance(r, list) else [r])] for r in rows]


def _required(name):
    import inspect

    func = getattr(udfs, name, None)
    if func is None:
        return 0
    return sum(p.default is inspect.Parameter.empty for p in inspect.signature(func).parameters.values())


@functools.cache
def _examples():
    """One realistic call per UDF: from the shipped workbook's formulas, else its help example."""
    book = Book(DEFAULT_PATH)
    found = {}
    for sheet, cells in book.formulas.items():
        for (r, c), value in sorted(cells.items()):
            text = formula_text(value)
            # a formula reads other cells' cached values, so it calls only the UDFs it names:
            # one that names none still without an example adds nothing (and costs its calls)
            named = {n.lower() for n in re.findall(r"\b([A-Z][A-Z0-9_]*)\(", text.upper())}
            if not named & (set(UDFS) - set(found)):
                continue
            calls = []
            try:
                book.evaluate(sheet, text, calls)
            except Unsupported:
                continue
            for call in calls:
                if len(call.args) < _required(call.name.lower()):
                    continue  # an IF branch the workbook does not take (an unused offer slot)
                found.setdefault(call.name.lower(), (f"{sheet}!R{r}C{c}", call.args))
    for name in UDFS:
        if name in found:
            continue
        m = re.search(r"=\s*(" + name.upper() + r"\(.*?\))(?:\s*$|\s)", UDFS[name].__doc__ or "", re.S | re.M)
        if m is None:
            found[name] = ("no example", None)
            continue
        calls = []
        try:
            book.evaluate("Compare", "=" + " ".join(m[1].split()), calls)
            found[name] = ("help example", calls[0].args)
        except Unsupported as exc:
            found[name] = (f"help example: {exc}", None)
    return found


def test_every_udf_has_a_realistic_example():
    missing = {n: where for n, (where, args) in _examples().items() if args is None}
    assert missing == {}
    assert set(_examples()) == set(UDFS)


def test_every_help_example_gives_a_value_on_the_shipped_workbook():
    """The Example: line of each function's help, typed into the shipped workbook, gives a
    value, not a message (a range one row off once gave "#VALUE! market table needs a base
    or a total column")."""
    book, failed = Book(DEFAULT_PATH), {}
    for name, func in UDFS.items():
        m = re.search(
            r"Example: =\s*(" + name.upper() + r"\(.*?\))(?:\s*$|\s)", func.__doc__ or "", re.S | re.M
        )
        assert m, f"{name}: no Example: line in its help"
        calls: list = []
        book.evaluate("Compare", "=" + " ".join(m[1].split()), calls)
        result = getattr(udfs, name)(*calls[0].args)
        if isinstance(result, str) and result.startswith(MESSAGE_PREFIX):
            failed[name] = result
    assert failed == {}


@pytest.mark.parametrize("name", sorted(UDFS))
def test_every_udf_through_the_server_equals_a_direct_call(client, name):
    where, args = _examples()[name]
    direct = getattr(udfs, name)(*args)
    assert not (isinstance(direct, str) and direct.startswith(MESSAGE_PREFIX)), (where, direct)
    for _ in range(2):  # computed, then served from the server's result cache
        r = client.post(CALL, json=body(name, [as_office_arg(a) for a in args]))
        assert r.status_code == 200, r.text
        assert r.json() == {"result": as_office_result(direct)}


def test_the_result_cache_tells_apart_values_and_types(client):
    for amount in (100, 100.0, "100", 250):
        r = client.post(CALL, json=body("fx_convert", [[[amount]], [["USD"]], [["JPY"]]]))
        assert r.json() == {"result": [[udfs.fx_convert(amount, "USD", "JPY")]]}
    refused = udfs.fx_convert(True, "USD", "JPY")  # a logical is not an amount
    assert isinstance(refused, CellError)
    for _ in range(2):  # the refusal is served from the cache as the same error
        r = client.post(CALL, json=body("fx_convert", [[[True]], [["USD"]], [["JPY"]]]))
        assert (r.status_code, r.text) == (400, refused.message)


def test_a_range_argument_with_blank_cells(client, example_rows):
    """Blank cells arrive as null (or "") and mean missing, as in Excel."""
    grid = [[None if v is None else v for v in row] for row in example_rows]
    with_empty = [["" if v is None else v for v in row] for row in example_rows]
    want = udfs.offer_tc(example_rows, "npv", 4, 0.05, example_rows[0][1])
    for rows in (grid, with_empty):
        r = client.post(
            CALL, json=body("offer_tc", [rows, [["npv"]], [[4]], [[0.05]], [[example_rows[0][1]]]])
        )
        assert r.json() == {"result": [[want]]}


def test_omitted_optional_arguments_take_their_defaults(client, example_rows):
    r = client.post(CALL, json=body("offer_tc", [example_rows, None, None, None, [[example_rows[0][1]]]]))
    assert r.json() == {"result": [[udfs.offer_tc(example_rows, None, None, None, example_rows[0][1])]]}


def _field(rows, name):
    return next(k for k, r in enumerate(rows) if str(r[0]).lower() == name)


def test_bad_input_is_a_400_with_the_functions_message(client, example_rows):
    """xlwings-server answers an XlwingsError with 400 and its text: the served JS makes
    that a #VALUE! error with the message (a 5xx would be retried, a 200 would be text)."""
    rows = [list(r) for r in example_rows]
    rows[_field(rows, "base_salary")][1] = "secret-typo-91"
    direct = udfs.offer_tc(rows, "npv", 4, 0.05, rows[0][1])
    assert isinstance(direct, CellError) and direct.startswith(MESSAGE_PREFIX + "offer")
    assert "base_salary" in direct.message
    r = client.post(CALL, json=body("offer_tc", [rows, [["npv"]], [[4]], [[0.05]], [[rows[0][1]]]]))
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert r.text == direct.message
    assert "secret-typo-91" not in r.text and "Traceback" not in r.text and 'File "' not in r.text
    r = client.post(CALL, json=body("net_pay", [[["lots"]], [["Atlantis"]]]))
    assert r.status_code == 400 and r.text == udfs.net_pay("lots", "Atlantis").message
    assert "Atlantis" not in r.text and "lots" not in r.text


def _office_error(code, text):
    """An error cell in a range argument, as Office.js sends it (CustomFunctionsRuntime 1.4)."""
    return {"type": "Error", "errorType": code, "basicValue": text}


def test_an_excel_error_in_an_input_cell_is_an_error_not_a_blank(client, example_rows):
    rows = [list(r) for r in example_rows]
    rows[_field(rows, "bonus_target")][1] = _office_error("NotAvailable", "#N/A")
    r = client.post(CALL, json=body("offer_tc", [rows, [["first_year"]], None, None, [[rows[0][1]]]]))
    assert r.status_code == 400, r.text  # xlwings' default reads it as blank: a number
    assert r.text == "offer 1: bonus_target holds an Excel error (#N/A)"
    r = client.post(CALL, json=body("net_pay", [[[_office_error("Div0", "#DIV/0!")]], [["JP-TOKYO"]]]))
    assert (r.status_code, r.text) == (400, "gross holds an Excel error (#DIV/0!)")
    rows = [list(r) for r in example_rows]
    rows[_field(rows, "annual_raise")][3] = _office_error("Ref", "#REF!")
    r = client.post(CALL, json=body("offer_compare", [rows]))
    assert (r.status_code, r.text) == (400, "offer 3: annual_raise holds an Excel error (#REF!)")


class _Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (its fds 3 and 4)."""

    def __init__(self, binary, profile):
        import fcntl
        import os
        import subprocess

        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def as_fds_3_and_4():  # runs in the child, before exec
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-proxy-server",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=as_fds_3_and_4,
            close_fds=False,
        )  # os.pipe() ends are not inherited
        os.close(to_child)
        os.close(from_child)
        self._buffer, self._id, self.session = b"", 0, None

    def send(self, method, timeout=60, **params):
        import json
        import os
        import time

        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    assert "error" not in reply, (method, reply["error"])
                    return reply["result"]
            assert time.monotonic() < deadline and self.proc.poll() is None, method
            chunk = os.read(self._in, 1 << 16)
            assert chunk, "chromium closed the pipe"
            self._buffer += chunk

    def evaluate(self, expression):
        r = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def open(self, url):
        import time

        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.navigate", url=url)
        origin = url.split("/", 3)[:3]
        deadline = time.monotonic() + 120  # a bound against a hang, not a speed check
        while time.monotonic() < deadline:
            if self.evaluate("document.readyState + ' ' + location.origin") == (
                "complete " + "/".join(origin)
            ):
                return
            time.sleep(0.05)
        raise AssertionError(f"{url} did not load")

    def close(self):
        import os
        import subprocess

        try:
            self.session = None
            self.send("Browser.close", timeout=10)
        except AssertionError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._out)
        os.close(self._in)


# The page the custom functions run in, as the task pane's base.html builds it (its config
# JSON, config.js, utils.js' XHR helper, our auth.js, then the served functions code), with
# a small stand-in for office.js: Office.onReady, requirement sets, Excel.RequestContext
# and CustomFunctions (Error, ErrorCode, associate).
_OFFICE_STAND_IN = r"""
(async () => {
  const page = await (await fetch("/taskpane.html")).text();
  const config = new DOMParser().parseFromString(page, "text/html").getElementById("config");
  const element = document.createElement("script");
  element.id = "config"; element.type = "application/json";
  element.textContent = config.textContent;
  document.head.appendChild(element);
  localStorage.setItem("negotiate-api-key", KEY);
  class CustomFunctionsError extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }
  globalThis.CustomFunctions = {
    Error: CustomFunctionsError,
    ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!",
                 invalidNumber: "#NUM!", nullReference: "#NULL!", invalidName: "#NAME?",
                 invalidReference: "#REF!" },
    functions: {},
    associate(name, fn) { this.functions[name] = fn; },
  };
  globalThis.Office = {
    onReady(callback) {
      const info = { host: "Excel", platform: "OfficeOnline" };
      if (callback) callback(info);
      return Promise.resolve(info);
    },
    context: { requirements: { isSetSupported: () => true } },
  };
  globalThis.Excel = { RequestContext: class {
    constructor() {
      this.workbook = { name: "negotiation.xlsm", load() {} };
      this.application = { cultureInfo: { name: "en-US", load() {} } };
    }
    async sync() {}
  } };
  globalThis.xlwings = { getCultureInfoName: async () => "en-US",
                         getDateFormat: async () => "M/d/yyyy" };
  await import("/static/js/config.js");
  await import("/static/js/utils.js");
  const load = (src) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src; script.onload = resolve; script.onerror = reject;
    document.head.appendChild(script);
  });
  await load("/static/js/auth.js");
  await load("/xlwings/custom-functions-code.js");
  return Object.keys(CustomFunctions.functions).sort();
})()
"""

_EXCEL_CALLS = r"""
(async () => {
  try {
    const value = await CustomFunctions.functions[NAME](...ARGS, { address: "Sheet1!C1" });
    return { value };
  } catch (e) {
    return { error: e instanceof CustomFunctions.Error, code: e.code, message: e.message };
  }
})()
"""


def test_in_the_served_javascript_a_failure_throws_a_value_error_with_the_message(
    server, tmp_path, example_rows
):
    """The functions code xlwings-server serves, run in headless Chromium as Excel runs it:
    a failing call throws CustomFunctions.Error(invalidValue, message) - the cell is a real
    #VALUE! error with the message on hover - once (a 400 is not retried); a good call
    returns its value."""
    import json
    import shutil

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is needed (apt-get install chromium; .ci/run installs it)")

    def call(name, *args):
        arity = len(
            UDFS[name.lower()].__wrapped__.__code__.co_varnames[
                : UDFS[name.lower()].__wrapped__.__code__.co_argcount
            ]
        )
        args = [*args] + [None] * (arity - len(args))  # Excel passes every parameter
        return browser.evaluate(
            _EXCEL_CALLS.replace("NAME", json.dumps(name)).replace("ARGS", json.dumps(args))
        )

    rows = [list(r) for r in example_rows]
    rows[_field(rows, "bonus_target")][1] = _office_error("NotAvailable", "#N/A")
    good = [list(r) for r in example_rows]
    browser = _Chromium(binary, tmp_path / "profile")
    try:
        browser.open(f"{server.url}/no-such-page")  # any page of the server's origin
        names = browser.evaluate(_OFFICE_STAND_IN.replace("KEY", json.dumps(KEY)))
        assert set(names) >= {n.upper() for n in UDFS}
        before = server.output().count("gross holds an Excel error (#DIV/0!)")
        assert call("NET_PAY", [[_office_error("Div0", "#DIV/0!")]], [["JP-TOKYO"]]) == {
            "error": True,
            "code": "#VALUE!",
            "message": "gross holds an Excel error (#DIV/0!)",
        }
        assert server.output().count("gross holds an Excel error (#DIV/0!)") == before + 1
        assert call("OFFER_TC", rows, [["first_year"]], None, None, [[rows[0][1]]]) == {
            "error": True,
            "code": "#VALUE!",
            "message": "offer 1: bonus_target holds an Excel error (#N/A)",
        }
        bad = call("NET_PAY", [["lots-91"]], [["JP-TOKYO"]])
        assert bad["error"] and bad["code"] == "#VALUE!" and "lots-91" not in bad["message"]
        assert bad["message"] == udfs.net_pay("lots-91", "JP-TOKYO").message
        assert call("NET_PAY", [[10_000_000]], [["JP-TOKYO"]]) == {
            "value": [[udfs.net_pay(10_000_000, "JP-TOKYO")]]
        }
        assert call("OFFER_TC", good, [["first_year"]], None, None, [[good[0][1]]]) == {
            "value": [[udfs.offer_tc(good, "first_year", None, None, good[0][1])]]
        }
    finally:
        browser.close()


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"client": "Office.js"}',
        b'{"client": "Office.js", "func_name": "os", "args": [], "version": "0", "runtime": "1"}',
        b'{"client": "Office.js", "func_name": "offer_tc", "args": 5, "version": "0"}',
        b'{"client": "Office.js", "func_name": "__class__", "args": [[["x"]]], "version": "0"}',
    ],
)
def test_malformed_requests_get_a_short_reply_and_never_a_traceback(client, payload):
    r = client.post(CALL, content=payload, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 600
    assert "Traceback" not in r.text and 'File "' not in r.text and len(r.text) < 200
    assert "not json" not in r.text


def test_an_oversized_request_is_refused(client):
    big = b'{"args": "' + b"x" * (17 * 2**20) + b'"}'
    r = client.post(CALL, content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_a_call_without_the_key_is_refused(server, example_rows):
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as anonymous:
        payload = body("offer_tc", [example_rows, [["npv"]], None, None, [[example_rows[0][1]]]])
        assert anonymous.post(CALL, json=payload).status_code == 401
        wrong = anonymous.post(CALL, json=payload, headers={"Authorization": KEY + "x"})
        assert wrong.status_code == 401
        assert KEY not in wrong.text
        right = anonymous.post(CALL, json=payload, headers={"Authorization": KEY})
        assert right.status_code == 200


def test_without_a_key_or_result_cache_the_server_still_serves_everything():
    with Running(cache=False) as srv, httpx.Client(base_url=srv.url, trust_env=False) as c:
        r = c.post(CALL, json=body("fx_convert", [[[100]], [["USD"]], [["USD"]]]))
        assert r.json() == {"result": [[100.0]]}
        meta = c.get("/xlwings/custom-functions-meta.json").json()
        assert {f["name"] for f in meta["functions"]} == {n.upper() for n in UDFS} | {"VERSION"}


def test_the_meta_json_lists_every_udf_with_its_help(client):
    meta = client.get("/xlwings/custom-functions-meta.json").json()
    by_name = {f["name"]: f for f in meta["functions"]}
    assert set(by_name) == {n.upper() for n in UDFS} | {"VERSION"}
    for name, func in UDFS.items():
        entry = by_name[name.upper()]
        assert entry["description"].split()[:4] == func.__doc__.split()[:4]
        params = [p for p in func.__wrapped__.__code__.co_varnames[: func.__wrapped__.__code__.co_argcount]]
        assert [p["name"] for p in entry["parameters"]] == params
        docs = {
            p: a.__metadata__[0]["doc"] for p, a in func.__wrapped__.__annotations__.items() if p != "return"
        }
        for p in entry["parameters"]:
            assert p["description"] == docs[p["name"]] and p["description"]


def test_the_functions_code_and_the_manifest_are_served(client):
    js = client.get("/xlwings/custom-functions-code.js").text
    for name in UDFS:
        assert f'CustomFunctions.associate("{name.upper()}"' in js
    manifest = client.get("/manifest.xml")
    assert manifest.status_code == 200
    text = manifest.text
    assert "<OfficeApp" in text and 'DefaultValue="NEGOTIATE"' in text
    assert "/xlwings/custom-functions-meta" in text and "Offer negotiation" in text
    taskpane = client.get("/taskpane.html").text
    assert "NEGOTIATE.OFFER_TC" in taskpane and "negotiate-api-key" in taskpane
    assert "negotiate-api-key" in client.get("/static/js/auth.js").text


def test_version_is_the_trivial_function(client):
    r = client.post(CALL, json=body("version", []))
    assert r.json()["result"][0][0].startswith("offer-negotiation ")


def test_cors_is_limited_to_the_office_origins(client):
    pre = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
    }
    for origin in OFFICE_ORIGINS:
        r = client.options(CALL, headers={"Origin": origin, **pre})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == origin
    for origin in ("https://evil.example", "http://localhost:3000", "null"):
        r = client.options(CALL, headers={"Origin": origin, **pre})
        assert r.status_code == 400
        assert "access-control-allow-origin" not in r.headers
        r = client.post(CALL, json=body("version", []), headers={"Origin": origin})
        assert "access-control-allow-origin" not in r.headers


def test_the_server_listens_on_loopback_only(server):
    assert server.url.startswith("http://127.0.0.1:")
    from addin.server import _parser

    assert _parser().parse_args([]).host == "127.0.0.1"


def _self_signed(folder):
    """A certificate for 127.0.0.1 and localhost, valid one day, and its key (PEM files)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_negotiate_serve_over_https_with_a_key_and_a_clean_stop(tmp_path):
    import os
    import signal
    import ssl
    import subprocess
    import sys
    import time

    from addin.server import free_port

    cert, key = _self_signed(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["NEGOTIATE_API_KEY"] = KEY
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "addin.cli",
            "serve",
            "--port",
            str(port),
            "--cert",
            str(cert),
            "--key",
            str(key),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"https://127.0.0.1:{port}"
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        with httpx.Client(base_url=url, verify=trust, trust_env=False, timeout=30) as c:
            deadline = time.monotonic() + 120  # bounds against a hang, not speed checks
            while True:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    manifest = c.get("/manifest.xml")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "negotiate serve did not answer"
                    time.sleep(0.1)
            assert f"{url}/xlwings/custom-functions-meta" in manifest.text
            payload = body("fx_convert", [[[100]], [["USD"]], [["USD"]]])
            assert c.post(CALL, json=payload).status_code == 401
            r = c.post(CALL, json=payload, headers={"Authorization": KEY})
            assert r.json() == {"result": [[100.0]]}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        log.close()
    # the server process went with the command: nothing listens on the port any more
    with httpx.Client(verify=trust, trust_env=False, timeout=2) as c:
        deadline = time.monotonic() + 60
        while True:
            try:
                c.get(f"{url}/manifest.xml")
            except httpx.TransportError:
                break
            assert time.monotonic() < deadline, "the server outlived negotiate serve"
            time.sleep(0.1)
    printed = (tmp_path / "serve.log").read_text()
    assert f"serving on {url}" in printed and KEY not in printed


def test_negotiate_serve_refuses_half_a_certificate(tmp_path, capsys):
    from addin.cli import main

    cert, _ = _self_signed(tmp_path)
    assert main(["serve", "--cert", str(cert)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cert and --key go together" in err


def test_negotiate_serve_fails_clearly_when_the_port_is_taken():
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "addin.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    assert done.returncode == 2
    assert "address already in use" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("negotiate: the server stopped")


def _manifest(client):
    import defusedxml.ElementTree as ET

    r = client.get("/manifest.xml")
    assert r.status_code == 200
    return r.text, ET.fromstring(r.text.encode("utf-8"))


_OFFICE = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
_OVERRIDES = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
_BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def test_the_manifest_is_our_own_not_the_templates(client):
    from xlwings_server.config import Settings

    from addin.server import MANIFEST_ID

    text, root = _manifest(client)
    assert root.findtext(f"{_OFFICE}Id") == MANIFEST_ID
    template_ids = {str(v.default) for k, v in Settings.model_fields.items() if k.startswith("manifest_id_")}
    assert MANIFEST_ID not in template_ids and len(template_ids) == 5
    for leftover in (
        "Hello World",
        "hello-ribbon",
        "MyGroup",
        "MyTab",
        "MyFunctionButton",
        "ExecuteFunction",
        "xlwings.org",
    ):
        assert leftover not in text
    labels = {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{_BT}String")}
    assert labels["NegotiateGroup.Label"] == "Offer negotiation"


def test_every_button_and_url_the_manifest_declares_answers_200(client):
    text, root = _manifest(client)
    urls = {u.get("id"): u.get("DefaultValue") for u in root.iter(f"{_BT}Url")}
    controls = list(root.iter(f"{_OVERRIDES}Control"))
    assert controls, "the ribbon has no button"
    for control in controls:
        action = control.find(f"{_OVERRIDES}Action")
        # a ShowTaskpane button opens a page; an ExecuteFunction one would need a ribbon function
        assert action.get(_XSI_TYPE) == "ShowTaskpane", control.get("id")
        page = urls[action.find(f"{_OVERRIDES}SourceLocation").get("resid")]
        assert client.get(page).status_code == 200, page
    declared = set(re.findall(r'DefaultValue="(https?://[^"]+)"', text))
    assert len(declared) >= 6  # task pane, functions code and metadata, icons
    for url in sorted(declared):
        assert url.startswith(str(client.base_url).rstrip("/"))  # all served by us
        assert client.get(url).status_code == 200, url
    # the template's ribbon script, which bound the Hello World button, is replaced too
    assert "associate" not in client.get("/static/js/ribbon.js").text


@pytest.mark.parametrize("with_cert", [False, True])
def test_negotiate_serve_without_a_cert_says_excel_needs_https(tmp_path, monkeypatch, capsys, with_cert):
    from addin.cli import main, serve

    started = []
    monkeypatch.setattr(serve, "_run", lambda cmd, env: started.append(cmd) or 0)
    args = ["serve", "--port", "8123"]
    if with_cert:
        cert, key = _self_signed(tmp_path)
        args += ["--cert", str(cert), "--key", str(key)]
    assert main(args) == 0 and len(started) == 1
    captured = capsys.readouterr()
    if with_cert:
        assert captured.err == "" and "https://127.0.0.1:8123" in captured.out
        return
    (line,) = captured.err.splitlines()
    assert line.startswith("negotiate: Excel needs HTTPS")
    assert "--cert cert.pem --key key.pem" in line and "http://127.0.0.1:8123" in captured.out


def test_personal_facts_as_a_range_through_the_server(client, example_rows):
    """The Office.js route declares ``age`` a matrix and hands a range of facts over as rows:
    one more credit point is the same change over HTTP as called directly."""
    meta = client.get("/xlwings/custom-functions-meta.json").json()
    for f in meta["functions"]:
        for p in f["parameters"]:
            if p["name"] == "age":
                assert p["dimensionality"] == "matrix", f["name"]
    facts = [["age", 35], ["credit_points", 3.25]]
    name = "Tel Aviv scale-up"
    direct = udfs.offer_tc(example_rows, "net_annualized", 4, None, name, None, facts)
    assert direct != udfs.offer_tc(example_rows, "net_annualized", 4, None, name)
    args = [example_rows, [["net_annualized"]], [[4]], None, [[name]], None, facts]
    r = client.post(CALL, json=body("offer_tc", args))
    assert r.status_code == 200 and r.json() == {"result": [[direct]]}, r.text
