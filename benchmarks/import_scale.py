"""Import scale: a 500,000-row SKU file and a 1,000,000-line ASN, in bounded memory.

Writes both files to a temporary folder, then imports each in a fresh process
(``worldpool sku import`` / ``worldpool receive`` through the same service the
CLI calls) into a new schema of ``--db`` (PostgreSQL by default), and reads the
child's peak resident memory (``ru_maxrss``). The SKU file lists each SKU in
three marketplaces; the ASN spreads 1,000 lines per ASN over the SKUs.

Last line: JSON with ``sku_rows_per_s``, ``sku_import_peak_mb``,
``asn_lines_per_s``, ``asn_import_peak_mb`` (targets: >= 20,000 SKU rows/s,
>= 10,000 ASN lines/s, <= 300 MB each) and ``drift`` (must be 0). On a
shared machine the rates follow the load; ``sku_cpu_us_per_row`` and
``asn_cpu_us_per_line`` (client and local server CPU time per row) barely do.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from worldpool.ledger.db import normalise_url

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from sqlalchemy.engine import make_url
from worldpool import inventory
from worldpool.config import Settings
from worldpool.context import open_context

def backends(db):
    # CPU seconds of this database's server processes (a server on this machine)
    out, tick = {}, os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f": postgres {db} ".encode() not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(stat[11]) + int(stat[12])) / tick
    return out

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

url, kind, path = sys.argv[1:4]
db = make_url(url).database or ""
ctx = open_context(Settings(database_url=url), user="bench", role="system")
b0, c0, t0 = backends(db), cpu(), time.perf_counter()
if kind == "sku":
    out = inventory.import_skus(ctx, Path(path))
else:
    out = inventory.receive_asn(ctx, Path(path))
seconds = time.perf_counter() - t0
client, b1 = cpu() - c0, backends(db)
server = sum(v - b0.get(p, 0.0) for p, v in b1.items())
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the import's
drift = 0 if kind == "sku" else len(inventory.check(ctx).drifts)
print(json.dumps({"seconds": seconds, "posted": out.posted, "updated": out.updated,
                  "rejected": out.rejected_total, "peak_mb": peak_mb, "drift": drift,
                  "client_cpu_s": client, "server_cpu_s": server}))
"""


def _schema(url: str) -> str:
    base = normalise_url(url)
    if base.get_backend_name() != "postgresql":
        return base.render_as_string(hide_password=False)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


def _write_skus(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "sku,title,unit_cost,currency,unit_weight_kg,"
            "length_cm,width_cm,height_cm,hs_code,listed_markets\n"
        )
        for i in range(n):
            out.write(
                f"SKU-{i:07d},Stainless steel bottle {i % 997} ml,"
                f"{3 + i % 40}.{i % 100:02d},USD,0.{1 + i % 9},"
                f"{5 + i % 20},{5 + i % 15},{10 + i % 25},732393,US;DE;UK\n"
            )


def _write_asn(path: Path, lines: int, skus: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("asn_id,sku,node,qty,line\n")
        for i in range(lines):
            out.write(
                f"ASN-{i // 1000:05d},SKU-{i % skus:07d},CN-SZX,{1 + i % 48},{i}\n"
            )


def _child(url: str, kind: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url, kind, str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} import failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _per_row(run: dict[str, float], rows: int) -> dict[str, float]:
    """Client and server CPU microseconds per row: a measure that load barely moves.

    The server figure counts this database's server processes on this machine
    (0 for a remote server or SQLite).
    """
    return {
        "client": round(1e6 * run["client_cpu_s"] / max(rows, 1), 1),
        "server": round(1e6 * run["server_cpu_s"] / max(rows, 1), 1),
    }


def main() -> None:
    """Run the benchmark and print the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="database URL")
    parser.add_argument("--sku-rows", type=int, default=500_000)
    parser.add_argument("--asn-lines", type=int, default=1_000_000)
    args = parser.parse_args()
    url = _schema(args.db)
    subprocess.run(
        [sys.executable, "-m", "worldpool", "init", "--db", url],
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        skus, asn = Path(tmp) / "skus.csv", Path(tmp) / "asn.csv"
        _write_skus(skus, args.sku_rows)
        _write_asn(asn, args.asn_lines, args.sku_rows)
        s = _child(url, "sku", skus)
        print(f"SKUs: {s}", flush=True)
        a = _child(url, "asn", asn)
        print(f"ASN: {a}", flush=True)
    figures = {
        "sku_rows": args.sku_rows,
        "sku_rows_per_s": round(args.sku_rows / s["seconds"], 1),
        "sku_import_peak_mb": round(s["peak_mb"], 1),
        "asn_lines": args.asn_lines,
        "asn_lines_per_s": round(args.asn_lines / a["seconds"], 1),
        "asn_import_peak_mb": round(a["peak_mb"], 1),
        "sku_cpu_us_per_row": _per_row(s, args.sku_rows),
        "asn_cpu_us_per_line": _per_row(a, args.asn_lines),
        "rejected": int(s["rejected"] + a["rejected"]),
        "drift": int(a["drift"]),
    }
    _drop(url)
    print(json.dumps(figures))


def _drop(url: str) -> None:
    """Drop the benchmark's schema (PostgreSQL): 1.5 M rows are not worth keeping."""
    scoped = normalise_url(url)
    options = scoped.query.get("options", "")
    if scoped.get_backend_name() != "postgresql" or "search_path=bench_" not in options:
        return
    schema = str(options).split("search_path=", 1)[1]
    base = scoped.difference_update_query(["options"])
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
