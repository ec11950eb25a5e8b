#!/usr/bin/env python3
"""bench/run.py: the benchmark suite of ApiKeys, run by tools/bench (see bench/README.md).

Starts its own sandboxes, runs the Rust driver (bench/rust, `apikeys-bench`) and the PowerShell
scripts (bench/ps), and writes bench/results/latest.json, latest.md (Markdown tables, also
printed) and latency.png (per-call latency by layer, drawn by gnuplot).

Standard library only. Every measurement runs sequentially: the machine has two cores, and the
sandbox shares them with the client being measured.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RESULTS = os.path.join(ROOT, "bench", "results")
TMP = os.path.join(RESULTS, "tmp")
SANDBOX_DLL = os.path.join(ROOT, "sandbox", "bin", "Release", "net10.0", "Sandbox.dll")
DRIVER = os.path.join(ROOT, "target", "release", "apikeys-bench")
LIB = os.path.join(ROOT, "target", "release", "libapikeys.so")
PWSH = ["dotnet", "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File"]

# Goals of issue 11 (they guide the work; no test asserts a time).
GOAL_PERCALL_X_FLOOR = 2.0
GOAL_BULK_SPEEDUP = 3.0
GOAL_IMPORT_MS = 100.0
GOAL_MEMORY_X_JSON = 4.0

KIND_NAMES = {"immich": "Immich", "jim": "JIM"}


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def env():
    e = dict(os.environ)
    e.update(
        DOTNET_CLI_TELEMETRY_OPTOUT="1",
        DOTNET_NOLOGO="1",
        DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1",
        APIKEYS_LIBRARY=LIB,  # every layer uses the same library file
        NO_COLOR="1",
    )
    return e


class Sandbox:
    """One sandbox process; its start-up line is saved to a file the drivers read."""

    def __init__(self, name, seed_keys):
        self.name = name
        self.line_file = os.path.join(TMP, f"sandbox-{name}.json")
        self.out = open(os.path.join(TMP, f"sandbox-{name}.out"), "w+")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            ["dotnet", SANDBOX_DLL, "--port", "0", "--kind", "all", "--seed-keys", str(seed_keys)],
            stdin=subprocess.PIPE,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env(),
        )
        while True:
            self.out.seek(0)
            first = self.out.readline()
            if first.endswith("\n") and first.startswith("{"):
                break
            if self.proc.poll() is not None or time.monotonic() - t0 > 120:
                raise RuntimeError(f"sandbox {name} did not start: {first!r}")
            time.sleep(0.05)
        self.line = json.loads(first)
        with open(self.line_file, "w") as f:
            f.write(first)
        self.start_s = round(time.monotonic() - t0, 2)
        log(f"sandbox {name}: {seed_keys} seeded keys per kind, ready in {self.start_s} s")

    def clear_log(self):
        # The request log grows with every request; empty it between phases.
        import urllib.request

        for k in ("immich", "jim"):
            url = self.line[k]["baseUrl"] + "/_sandbox/requests"
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()
            except Exception:
                pass

    def rss_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()
        self.out.close()


def run_json(cmd, what, timeout=900):
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise RuntimeError(f"{what} failed (exit {p.returncode})")
    lines = [l for l in p.stdout.splitlines() if l.strip().startswith("{")]
    if not lines:
        sys.stderr.write(p.stdout[-2000:] + p.stderr[-2000:])
        raise RuntimeError(f"{what}: no JSON output")
    log(f"{what}: {time.monotonic() - t0:.1f} s")
    return json.loads(lines[-1])


def driver(*args, what):
    return run_json([DRIVER, *args, "--lib", LIB], what)


def loadavg():
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return None


def machine_info():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60).stdout.strip()
        except Exception:
            return None

    commit = out(["git", "rev-parse", "--short", "HEAD"])
    dirty = bool(out(["git", "status", "--porcelain", "--", "src", "powershell", "sandbox", "Cargo.toml"]))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "kernel": platform.release(),
        "os": out(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "rustc": out(["rustc", "--version"]),
        "dotnet": out(["dotnet", "--version"]),
        "commit": (commit or "?") + ("+uncommitted" if dirty else ""),
    }


# ----------------------------------------------------------------------------------------------
# Formatting


def fmt_us(v):
    if v is None:
        return "-"
    if v >= 10000:
        return f"{v / 1000:,.1f} ms"
    if v >= 1000:
        return f"{v / 1000:,.2f} ms"
    return f"{v:,.0f} µs"


def fmt_ms(v):
    if v is None:
        return "-"
    if v >= 10000:
        return f"{v / 1000:,.1f} s"
    if v >= 1000:
        return f"{v / 1000:,.2f} s"
    if v >= 10:
        return f"{v:,.0f} ms"
    return f"{v:,.1f} ms"


def fmt_x(v):
    return "-" if v is None else f"{v:,.1f}x"


def fmt_bytes(b):
    if b is None:
        return "-"
    return f"{b / 1024 / 1024:,.1f} MiB"


def verdict(ok):
    return "-" if ok is None else ("met" if ok else "**missed**")


def esc(text):
    """A Markdown table cell: pipes inside code or labels must not split the cell."""
    return str(text).replace("|", "\\|")


def get(d, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


# ----------------------------------------------------------------------------------------------
# Report


def build_report(r):
    """Returns (markdown, goals list) from the results document."""
    m = r["machine"]
    md = []
    md.append(f"## ApiKeys benchmarks ({r['date']})")
    md.append("")
    md.append(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}, kernel {m['kernel']}; "
        f"{m['rustc']}; .NET SDK {m['dotnet']}; PowerShell {get(r, 'ps', 'pwsh')}; commit {m['commit']}. "
        f"Load average before/after: {r['load_before']} / {r['load_after']}. "
        f"Loopback, sandbox (Kestrel) on the same two cores. Command: `tools/bench` ({r['wall_s']:.0f} s)."
    )
    md.append("")

    # --- per call
    rc = get(r, "rust", "percall") or {}
    pc = get(r, "ps", "percall") or {}
    cap = get(r, "rust", "capacity") or {}
    floor = {k: get(rc, "layers", k, "floor", "median_us") for k in ("immich", "jim")}
    md.append(
        f"### Per call: get one key by id (median and p99 over {get(rc, 'calls')} calls (Rust) / "
        f"{get(pc, 'calls')} calls (pwsh) after warm-up, interleaved in rounds)"
    )
    md.append("")
    md.append("| # | layer | Immich median | Immich p99 | JIM median | JIM p99 | median / floor (Immich, JIM) |")
    md.append("|---|---|---:|---:|---:|---:|---:|")
    rows = [
        ("1", "floor: raw keep-alive HTTP/1.1 client (Rust, one TcpStream)", "rust", "floor", None),
        ("2", "Rust core `Session::get`", "rust", "core", None),
        ("3", "C ABI `apikeys_key_get` + `apikeys_string_free` (dlopen)", "rust", "abi", None),
        ("4", "`Get-IMAPIKey -Id` / `Get-JIMApiKey -Id`", "ps", "ps_family", None),
        ("4", "`Get-ApiKey -Id`", "ps", "ps_generic", None),
        ("5", "Invoke-RestMethod as the modules do (PSImmich: validateToken POST + GET; JIM: GET + PascalCase copy)", "ps", "irm", None),
        ("5", "one reused HttpClient + System.Text.Json (script module)", "ps", "httpclient", None),
    ]
    for num, label, src, way, _ in rows:
        base = rc if src == "rust" else pc
        cells = []
        ratios = []
        for k in ("immich", "jim"):
            s = get(base, "layers", k, way) or {}
            cells += [fmt_us(s.get("median_us")), fmt_us(s.get("p99_us"))]
            ratios.append(fmt_x(ratio(s.get("median_us"), floor[k])))
        md.append(f"| {num} | {label} | {' | '.join(cells)} | {', '.join(ratios)} |")
    for way, label in (
        ("x_reqwest_blocking", "experiment: the same GET with reqwest's blocking client alone (as src/http.rs uses it)"),
        ("x_reqwest_async_caller_thread", "experiment: the same GET with reqwest's async client on a current-thread runtime, caller's thread"),
    ):
        cells, ratios = [], []
        for k in ("immich", "jim"):
            s = get(rc, "layers", k, way) or {}
            cells += [fmt_us(s.get("median_us")), fmt_us(s.get("p99_us"))]
            ratios.append(fmt_x(ratio(s.get("median_us"), floor[k])))
        if any(c != "-" for c in cells):
            md.append(f"| | {label} | {' | '.join(cells)} | {', '.join(ratios)} |")
    ho = get(rc, "thread_handoff_round_trip")
    if ho:
        md.append(f"| | for scale: one message to another thread and back (std channels; reqwest's blocking client does this per call) | {fmt_us(ho['median_us'])} | {fmt_us(ho['p99_us'])} | | | |")
    h = get(pc, "layers", "none", "harness")
    if h:
        md.append(f"| | pwsh timing-loop overhead (included in rows 4-5) | {fmt_us(h['median_us'])} | {fmt_us(h['p99_us'])} | | | |")
    caps = []
    for k in ("immich", "jim"):
        c = cap.get(k)
        if c:
            best = max(c["runs"], key=lambda x: x["requests_per_s"])
            caps.append(
                f"{KIND_NAMES[k]} {c['best_requests_per_s']:,.0f} requests/s "
                f"({best['connections']} connections, pipeline depth {best['pipeline']}; "
                f"{c['server_us_per_request_at_best']:.0f} µs of machine time per request)"
            )
    if caps:
        md.append("")
        md.append("Sandbox capacity (get one key, closed loop, best of 1/2/8 connections x pipeline 1/16): " + "; ".join(caps) + ".")
    md.append("")

    bd = get(r, "ps_breakdown", "median_us")
    if bd:
        md.append(f"Where a PowerShell call's time goes (medians of {get(r, 'ps_breakdown', 'calls')} calls each, interleaved in 10 rounds, timed inside the module's scope, Immich; bench/ps/breakdown.ps1):")
        md.append("")
        md.append("| piece | median |")
        md.append("|---|---:|")
        for k, v in bd.items():
            md.append(f"| {esc(k)} | {fmt_us(v)} |")
        md.append("")

    # --- bulk
    rb = get(r, "rust", "bulk") or {}
    pl = get(r, "ps", "list") or {}
    cd = get(r, "ps", "create_delete") or {}
    par = get(r, "ps", "parallel") or {}
    rot = get(r, "ps", "rotate") or {}
    md.append("### Bulk work (wall time; speed-up = Invoke-RestMethod way / ApiKeys command)")
    md.append("")
    md.append("| work | server | ApiKeys command | time | Invoke-RestMethod way | HttpClient + STJ | Rust core | speed-up vs IRM |")
    md.append("|---|---|---|---:|---:|---:|---:|---:|")

    def t(d, key):
        if not d:
            return None
        if "error" in d:
            return None
        return d.get(key)

    def cell(d, key):
        if d and "error" in d:
            return "failed"
        return fmt_ms(t(d, key))

    for k in ("immich", "jim"):
        n = get(rb, k, "list", "keys")
        pat = get(rb, k, "list", "pattern") or ""
        matched = get(rb, k, "list", "matched")
        for way in ("ps_family", "ps_generic"):
            d = get(pl, k, way)
            irm = get(pl, k, "irm")
            md.append(
                f"| list {n:,} keys, keep `{pat}` ({matched}) | {KIND_NAMES[k]} | {esc(get(d, 'label') or way)} | {cell(d, 'median_ms')} | "
                f"{cell(irm, 'median_ms')} | {cell(get(pl, k, 'httpclient'), 'median_ms')} | {fmt_ms(get(rb, k, 'list', 'core_ms'))} | "
                f"{fmt_x(ratio(t(irm, 'median_ms'), t(d, 'median_ms')))} |"
                if n is not None
                else f"| list | {KIND_NAMES[k]} | {way} | {cell(d, 'median_ms')} | | | | |"
            )
    for k in ("immich", "jim"):
        cnt = get(rb, k, "create_delete", "count") or get(cd, k, "ps_generic", "count")
        for way in ("ps_family", "ps_generic"):
            d = get(cd, k, way)
            irm = get(cd, k, "irm")
            md.append(
                f"| create then delete {cnt} keys, one by one | {KIND_NAMES[k]} | {esc(get(d, 'label') or way)} | {cell(d, 'total_ms')} | "
                f"{cell(irm, 'total_ms')} | {cell(get(cd, k, 'httpclient'), 'total_ms')} | {fmt_ms(get(rb, k, 'create_delete', 'core_sequential_ms'))} | "
                f"{fmt_x(ratio(t(irm, 'total_ms'), t(d, 'total_ms')))} |"
            )
        d = get(par, k, "ps_generic")
        irm = get(par, k, "irm")
        md.append(
            f"| create then delete {cnt} keys, `ForEach-Object -Parallel -ThrottleLimit {get(par, 'throttle')}` | {KIND_NAMES[k]} | "
            f"New-ApiKey / Remove-ApiKey over one session | {cell(d, 'total_ms')} | {cell(irm, 'total_ms')} | "
            f"{cell(get(par, k, 'httpclient'), 'total_ms')} | {fmt_ms(get(rb, k, 'create_delete', 'core_parallel_ms'))} (8 threads) | "
            f"{fmt_x(ratio(t(irm, 'total_ms'), t(d, 'total_ms')))} |"
        )
    for k in ("immich", "jim"):
        for way in ("ps_family", "ps_generic"):
            d = get(rot, k, way)
            if d is None:
                continue
            irm = get(rot, k, "irm")
            md.append(
                f"| rotate {get(d, 'count')} keys | {KIND_NAMES[k]} | {esc(get(d, 'label'))} | {cell(d, 'total_ms')} | "
                f"{cell(irm, 'total_ms')} | {cell(get(rot, k, 'httpclient'), 'total_ms')} | {fmt_ms(get(rb, k, 'rotate', 'core_ms'))} | "
                f"{fmt_x(ratio(t(irm, 'total_ms'), t(d, 'total_ms')))} |"
            )
    md.append("")

    # --- import
    imp = r.get("import") or {}
    md.append(f"### Cold `Import-Module` (a fresh pwsh per run, {imp.get('runs')} runs each)")
    md.append("")
    md.append("| what | median | min | max |")
    md.append("|---|---:|---:|---:|")
    for key, label in (
        ("module", "`Import-Module powershell/ApiKeys`"),
        ("baseline", "`Import-Module` of a one-function module (PowerShell's own floor)"),
        ("baseline_format", "the same one-function module with a one-view format file (the floor for a module with formats)"),
        ("first_call", "then the first call: Connect-ApiKeyServer + Get-ApiKey -Id"),
        ("process_start", "pwsh process start to script start (`dotnet tool run pwsh`)"),
    ):
        s = imp.get(key)
        if s:
            md.append(f"| {label} | {fmt_ms(s['median'])} | {fmt_ms(s['min'])} | {fmt_ms(s['max'])} |")
    bd = get(imp, "breakdown", "steps")
    if bd:
        md.append("")
        md.append("Where the import time goes (one more fresh process, the steps of ApiKeys.psm1 timed one by one): " +
                  "; ".join(f"{k} {fmt_ms(v)}" for k, v in sorted(bd.items(), key=lambda kv: -kv[1])) + ".")
    md.append("")

    # --- memory
    mem = r.get("memory") or {}
    md.append(f"### Peak memory while listing every key ({r['settings']['seed_memory']:,} seeded per server; growth of the process's peak RSS (VmHWM) over its RSS just before, result kept)")
    md.append("")
    md.append("| layer | server | keys | JSON received | peak growth | growth / JSON | time |")
    md.append("|---|---|---:|---:|---:|---:|---:|")
    labels = {
        "floor": "floor: the raw body in one buffer (Rust)",
        "value": "for scale: the body parsed into a serde_json::Value tree (what the core built before it parsed lists key by key)",
        "core": "Rust core `Session::list`",
        "abi": "C ABI `apikeys_key_list` (JSON kept)",
        "ps_generic": "`$k = Get-ApiKey`",
        "ps_family": "`$k = Get-IMAPIKey` / `Get-JIMApiKey`",
        "irm": "Invoke-RestMethod way",
        "httpclient": "HttpClient + STJ",
    }
    for k in ("immich", "jim"):
        json_bytes = get(mem, k, "json_bytes")
        for layer in ("floor", "value", "core", "abi", "ps_generic", "ps_family", "httpclient", "irm"):
            d = get(mem, k, layer)
            if not d:
                continue
            if "error" in d:
                md.append(f"| {labels[layer]} | {KIND_NAMES[k]} | | | failed | | |")
                continue
            g = d.get("growth_bytes")
            md.append(
                f"| {labels[layer]} | {KIND_NAMES[k]} | {d.get('keys') or get(mem, k, 'keys') or '-'} | {fmt_bytes(json_bytes)} | {fmt_bytes(g)} | "
                f"{fmt_x(ratio(g, json_bytes))} | {fmt_ms(d.get('ms'))} |"
            )
    md.append("")

    # --- goals
    goals = []

    def goal(name, measured, target, ok, note=""):
        goals.append({"goal": name, "measured": measured, "target": target, "met": ok, "note": note})

    for k in ("immich", "jim"):
        for way, label in (("ps_family", "Get-IMAPIKey -Id" if k == "immich" else "Get-JIMApiKey -Id"), ("ps_generic", "Get-ApiKey -Id")):
            x = ratio(get(pc, "layers", k, way, "median_us"), floor[k])
            goal(f"{label} ({KIND_NAMES[k]}) per call <= 2x the native floor", x, GOAL_PERCALL_X_FLOOR,
                 None if x is None else x <= GOAL_PERCALL_X_FLOOR)
    for k in ("immich", "jim"):
        for way in ("ps_family", "ps_generic"):
            d = get(pl, k, way)
            x = ratio(t(get(pl, k, "irm"), "median_ms"), t(d, "median_ms"))
            goal(f"bulk list ({KIND_NAMES[k]}, {get(d, 'label') or way}) >= 3x faster than Invoke-RestMethod", x,
                 GOAL_BULK_SPEEDUP, None if x is None else x >= GOAL_BULK_SPEEDUP)
    for k in ("immich", "jim"):
        for way in ("ps_family", "ps_generic"):
            d = get(rot, k, way)
            if d is None:
                continue
            x = ratio(t(get(rot, k, "irm"), "total_ms"), t(d, "total_ms"))
            goal(f"bulk rotate ({KIND_NAMES[k]}, {get(d, 'label')}) >= 3x faster than Invoke-RestMethod", x,
                 GOAL_BULK_SPEEDUP, None if x is None else x >= GOAL_BULK_SPEEDUP)
    im = get(imp, "module", "median")
    goal("cold Import-Module <= 100 ms", im, GOAL_IMPORT_MS, None if im is None else im <= GOAL_IMPORT_MS)
    for k in ("immich", "jim"):
        for layer in ("ps_generic", "ps_family"):
            g = get(mem, k, layer, "growth_bytes")
            x = ratio(g, get(mem, k, "json_bytes"))
            goal(f"list {r['settings']['seed_memory']:,} keys ({KIND_NAMES[k]}, {labels[layer]}): peak growth <= 4x JSON", x, GOAL_MEMORY_X_JSON,
                 None if x is None else x <= GOAL_MEMORY_X_JSON)

    md.append("### Goals")
    md.append("")
    md.append("| goal | measured | target | verdict |")
    md.append("|---|---:|---:|---|")
    for g in goals:
        if "Import" in g["goal"]:
            meas, targ = fmt_ms(g["measured"]), fmt_ms(g["target"])
        else:
            meas, targ = fmt_x(g["measured"]), (f"<= {g['target']:g}x" if "<=" in g["goal"] else f">= {g['target']:g}x")
        md.append(f"| {esc(g['goal'])} | {meas} | {targ} | {verdict(g['met'])} |")
    md.append("")
    md.append("Why each missed goal is missed: bench/README.md, \"Findings\".")
    md.append("")
    return "\n".join(md), goals


# ----------------------------------------------------------------------------------------------
# Chart


def draw_chart(r, png):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("gnuplot not found (tools/setup installs gnuplot-nox): no latency.png")
        return False
    rc = get(r, "rust", "percall", "layers") or {}
    pc = get(r, "ps", "percall", "layers") or {}
    rows = [
        ("floor (raw HTTP)", rc, "floor"),
        ("Rust core", rc, "core"),
        ("C ABI", rc, "abi"),
        ("Get-IMAPIKey / Get-JIMApiKey", pc, "ps_family"),
        ("Get-ApiKey", pc, "ps_generic"),
        ("HttpClient + STJ", pc, "httpclient"),
        ("Invoke-RestMethod way", pc, "irm"),
    ]
    data = os.path.join(TMP, "latency.dat")
    with open(data, "w") as f:
        f.write("# layer immich_median immich_p99 jim_median jim_p99 (microseconds)\n")
        for label, src, way in rows:
            vals = []
            for k in ("immich", "jim"):
                s = get(src, k, way) or {}
                med, p99 = s.get("median_us"), s.get("p99_us")
                vals += [med if med else 0.001, p99 if p99 else 0.001]
            f.write(f'"{label}" ' + " ".join(f"{v:.2f}" for v in vals) + "\n")
    script = f"""
set terminal pngcairo size 1200,650 font "DejaVu Sans,10"
set output "{png}"
set title "ApiKeys: get one key by id, per call, by layer (loopback sandbox; bar = median, whisker = p99)\\n{r['machine']['cpu']}, {r['machine']['cores']} cores, {r['date']}"
set ylabel "microseconds per call (log scale)"
set logscale y
set yrange [10:*]
set grid ytics mytics
set style data histogram
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -20 nomirror
set key top left
plot "{data}" using 2:2:3:xtic(1) title "Immich (median, p99)" lc rgb "#4e79a7", \\
     "" using 4:4:5 title "JIM (median, p99)" lc rgb "#f28e2b"
"""
    p = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    if p.returncode != 0:
        log("gnuplot failed: " + p.stderr[-1000:])
        return False
    return True


# ----------------------------------------------------------------------------------------------
# Phases


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2), "runs": values}


def cold_import(runs, sandbox_file):
    log(f"cold Import-Module: {runs} fresh pwsh processes each for ApiKeys and a baseline module")
    mod, base, basefmt, first, age = [], [], [], [], []
    script = os.path.join(ROOT, "bench", "ps", "import.ps1")
    for i in range(runs):
        # Alternate, so a slow moment of the machine hits both alike.
        d = run_json(PWSH + [script, "-Mode", "module", "-SandboxFile", sandbox_file], f"import run {i + 1} (ApiKeys)")
        mod.append(d["import_ms"])
        first.append(d.get("first_call_ms"))
        age.append(d.get("process_age_ms"))
        d = run_json(PWSH + [script, "-Mode", "baseline"], f"import run {i + 1} (baseline)")
        base.append(d["import_ms"])
        d = run_json(PWSH + [script, "-Mode", "baseline_format"], f"import run {i + 1} (baseline with a format file)")
        basefmt.append(d["import_ms"])
    bd = run_json(PWSH + [script, "-Mode", "breakdown"], "import breakdown")
    return {
        "runs": runs,
        "module": summary(mod),
        "baseline": summary(base),
        "baseline_format": summary(basefmt),
        "first_call": summary(first),
        "process_start": summary(age),
        "breakdown": bd,
    }


def memory(sandbox, ways_ps):
    out = {}
    for k in ("immich", "jim"):
        out[k] = {}
        d = driver("memory", "--sandbox", sandbox.line_file, "--layer", "floor", "--kind", k, what=f"memory {k} floor")
        out[k]["floor"] = d
        out[k]["json_bytes"] = d["json_bytes"]
        out[k]["keys"] = d["keys"]
        for layer in ("value", "core", "abi"):
            out[k][layer] = driver("memory", "--sandbox", sandbox.line_file, "--layer", layer, "--kind", k, what=f"memory {k} {layer}")
        for way in ways_ps:
            if way == "irm" and k == "jim":
                # JIM's module rebuilds every object with one advanced-function call per
                # property: minutes for 100,000 keys. Its list time is in the bulk table.
                continue
            try:
                out[k][way] = run_json(
                    PWSH + [os.path.join(ROOT, "bench", "ps", "memory.ps1"), "-SandboxFile", sandbox.line_file, "-Kind", k, "-Way", way],
                    f"memory {k} {way}",
                )
            except Exception as e:  # keep going: one failing way must not lose the rest
                out[k][way] = {"error": str(e)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small counts, for checking the suite itself (not for results)")
    ap.add_argument("--phases", default="percall,capacity,bulk,ps,psprofile,import,memory")
    ap.add_argument("--out", default=RESULTS, help="where latest.json/md/png go (default bench/results)")
    ap.add_argument("--report-only", action="store_true", help="rebuild latest.md and latency.png from latest.json, measure nothing")
    a = ap.parse_args()
    if a.report_only:
        with open(os.path.join(a.out, "latest.json")) as f:
            r = json.load(f)
        md, goals = build_report(r)
        r["goals"] = goals
        with open(os.path.join(a.out, "latest.json"), "w") as f:
            json.dump(r, f, indent=1, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(a.out, "latest.md"), "w") as f:
            f.write(md)
        os.makedirs(TMP, exist_ok=True)
        draw_chart(r, os.path.join(a.out, "latency.png"))
        print(md)
        return
    os.makedirs(TMP, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    phases = set(a.phases.split(","))
    if phases != set(ap.get_default("phases").split(",")) and a.out == RESULTS:
        # A partial run must not replace the full results.
        a.out = os.path.join(TMP, "partial")
        os.makedirs(a.out, exist_ok=True)
        log(f"partial run ({a.phases}): results go to {os.path.relpath(a.out, ROOT)}")
    q = a.quick
    n = {
        "rust_calls": 500 if q else 5000,
        "rust_warmup": 50 if q else 500,
        "ps_calls": 200 if q else 3000,
        "ps_warmup": 20 if q else 300,
        "rounds": 4 if q else 10,
        "count": 50 if q else 1000,
        "list_runs": 1 if q else 5,
        "import_runs": 2 if q else 5,
        "seed": 10000,
        "seed_memory": 10000 if q else 100000,
    }
    t0 = time.monotonic()
    r = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "load_before": loadavg(),
        "settings": n,
        "quick": q,
        "rust": {},
        "ps": {},
    }
    if r["load_before"] and r["load_before"][0] > (os.cpu_count() or 1) * 0.75:
        log(f"warning: the machine is busy (load average {r['load_before']}); results will be noisy")

    sb = Sandbox("10k", n["seed"])
    try:
        r["sandbox_start_s"] = sb.start_s
        if "percall" in phases:
            r["rust"]["percall"] = driver(
                "percall", "--sandbox", sb.line_file, "--warmup", str(n["rust_warmup"]), "--calls", str(n["rust_calls"]),
                "--rounds", str(n["rounds"]), what="Rust per call (floor, core, ABI)")
        if "capacity" in phases:
            r["rust"]["capacity"] = driver("capacity", "--sandbox", sb.line_file, "--seconds", "0.5" if q else "1.5", what="sandbox capacity")
        sb.clear_log()
        if "bulk" in phases:
            r["rust"]["bulk"] = driver("bulk", "--sandbox", sb.line_file, "--runs", str(n["list_runs"]), "--count", str(n["count"]),
                                       what="Rust bulk (list, create/delete, rotate)")
        sb.clear_log()
        if "ps" in phases:
            ps_out = os.path.join(TMP, "ps.json")
            log("PowerShell: per call, list, create/delete, parallel, rotate (one pwsh process)")
            t_ps = time.monotonic()
            p = subprocess.run(
                PWSH + [os.path.join(ROOT, "bench", "ps", "bench.ps1"), "-SandboxFile", sb.line_file, "-OutFile", ps_out,
                        "-Warmup", str(n["ps_warmup"]), "-Calls", str(n["ps_calls"]), "-Rounds", str(n["rounds"]),
                        "-Count", str(n["count"]), "-ListRuns", str(n["list_runs"])],
                cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, timeout=1500,
            )
            if p.returncode != 0 or not os.path.exists(ps_out):
                raise RuntimeError(f"bench.ps1 failed (exit {p.returncode})")
            with open(ps_out, encoding="utf-8-sig") as f:
                r["ps"] = json.load(f)
            log(f"PowerShell: {time.monotonic() - t_ps:.1f} s")
        if "psprofile" in phases:
            r["ps_breakdown"] = run_json(
                PWSH + [os.path.join(ROOT, "bench", "ps", "breakdown.ps1"), "-SandboxFile", sb.line_file,
                        "-Calls", "300" if q else "1500", "-Warmup", "50" if q else "200"],
                "PowerShell per-call breakdown")
        r["sandbox_rss_kb_after_10k"] = sb.rss_kb()
        if "import" in phases:
            r["import"] = cold_import(n["import_runs"], sb.line_file)
    finally:
        sb.stop()

    if "memory" in phases:
        sb = Sandbox("100k", n["seed_memory"])
        try:
            r["memory"] = memory(sb, ["ps_generic", "ps_family", "httpclient", "irm"])
        finally:
            sb.stop()

    r["load_after"] = loadavg()
    r["wall_s"] = round(time.monotonic() - t0, 1)
    md, goals = build_report(r)
    r["goals"] = goals
    with open(os.path.join(a.out, "latest.json"), "w") as f:
        json.dump(r, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(a.out, "latest.md"), "w") as f:
        f.write(md)
    png = os.path.join(a.out, "latency.png")
    drew = draw_chart(r, png)
    print(md)
    log(f"wrote {os.path.relpath(a.out, ROOT)}/latest.json, latest.md" + (", latency.png" if drew else "") + f" in {r['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
