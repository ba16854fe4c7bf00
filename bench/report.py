"""One table and one plot of every benchmark's targets: the last step of `make bench`.

Reads what each benchmark recorded (.data/bench/*.json, see bench.common.record) and writes one markdown
table between the bench:start/bench:end markers of the README and of docs/benchmarks.md (the rest of both
is prose, kept), and docs/benchmarks.png (how far each figure is from its target: right of the line is met).

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS_DIR

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
ORDER = ["tracking", "messages", "unread", "search", "realtime", "delivery"]
# bench/search.py's measured query plans, written between these markers (README.md, docs/benchmarks.md).
PLAN_START, PLAN_END = "<!-- search-plan:start -->", "<!-- search-plan:end -->"


def load() -> list[dict]:
    runs = [json.loads(p.read_text()) for p in RESULTS_DIR.glob("*.json")]
    return sorted(runs, key=lambda r: ORDER.index(r["bench"]) if r["bench"] in ORDER else len(ORDER))


def met(row: dict) -> bool | None:
    if row["target"] is None:
        return None
    return row["value"] <= row["target"] if row["better"] == "lower" else row["value"] >= row["target"]


def fmt(value: float, unit: str) -> str:
    if unit == "":
        return f"{value:,.0f}"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{text}{'' if unit in ('', '%', '×', '/s') else ' '}{unit}"


def table(runs: list[dict]) -> str:
    lines = ["| benchmark | what | measured | target | met |", "| --- | --- | ---: | ---: | :---: |"]
    for run in runs:
        for row in run["rows"]:
            target = "" if row["target"] is None else (
                ("≤ " if row["better"] == "lower" else "≥ ") + fmt(row["target"], row["unit"]))
            verdict = {True: "yes", False: "**no**", None: ""}[met(row)]
            lines.append(f"| `bench/{run['bench']}.py` | {row['what']} | {fmt(row['value'], row['unit'])} "
                         f"| {target} | {verdict} |")
    taken = ", ".join(f"{r['bench']} {r['taken'][:16].replace('T', ' ')}" for r in runs)
    machine = runs[0]["machine"] if runs else "?"
    return "\n".join(lines) + f"\n\nTaken on {machine} (UTC): {taken}.\n"


def plot(runs: list[dict], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(f"{run['bench']}: {row['what']}", row) for run in runs for row in run["rows"]
            if row["target"] not in (None, 0) and row["value"] > 0]
    # Headroom: how many times better than the target (>1 met), on a log scale.
    headroom = [r["target"] / r["value"] if r["better"] == "lower" else r["value"] / r["target"] for _, r in rows]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 1.2))
    colours = ["#2e7d32" if h >= 1 else "#c62828" for h in headroom]
    # Bars start at the target (1) and run right when met, left when not.
    ax.barh(range(len(rows)), [h - 1 for h in headroom], left=1, color=colours)
    ax.set_yticks(range(len(rows)), [label if len(label) < 70 else label[:67] + "..." for label, _ in rows],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(min(headroom), 1) / 1.6, max(max(headroom), 1) * 2.2)
    low, high = ax.get_xlim()
    ax.set_xticks([t for t in (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100) if low <= t <= high])
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}×"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.axvline(1, color="black", linewidth=1)
    ax.set_xlabel("times better than the target (log scale; right of the line = met)")
    for i, (h, (_, r)) in enumerate(zip(headroom, rows, strict=True)):
        ax.text(h, i, f" {fmt(r['value'], r['unit'])} " , va="center", ha="left" if h >= 1 else "right", fontsize=8)
    ax.set_title("pgchatter: make bench against SPEC §10")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    runs = load()
    if not runs:
        print("no benchmark results yet: run make bench", file=sys.stderr)
        return 1
    text = table(runs)
    plot(runs, DOCS / "benchmarks.png")
    plan_file = RESULTS_DIR / "search.plan.md"
    blocks = [(README_START, README_END, text)]
    if plan_file.exists():
        blocks.append((PLAN_START, PLAN_END, plan_file.read_text()))
    for page in (ROOT / "README.md", DOCS / "benchmarks.md"):
        current = page.read_text()
        for start, end, block in blocks:
            if start in current and end in current:
                head, rest = current.split(start, 1)
                current = head + start + "\n" + block + end + rest.split(end, 1)[1]
            else:
                print(f"{page}: no {start} ... {end} markers, not updated", file=sys.stderr)
        page.write_text(current)
    print(text)
    print(f"wrote the table in README.md and {DOCS / 'benchmarks.md'}, and {DOCS / 'benchmarks.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
