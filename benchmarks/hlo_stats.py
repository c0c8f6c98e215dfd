"""Where a compiled loop spends its time, from its HLO text and XLA's profiler (used by
bench_second_order.py, ALGORITHMS.md §7): the stack-frame tables of compiled HLO
(``hlo_stacks``), its computations (``hlo_computations``), per-category op time inside the main
``while_loop`` (``xla_profile``), and the categories of an L-BFGS loop (``lbfgs_category``)."""

from __future__ import annotations

import collections
import glob
import gzip
import json
import re
import shutil
import tempfile
from typing import Any, Callable

import jax

__all__ = ["hlo_computations", "hlo_stacks", "lbfgs_category", "xla_profile"]


def hlo_stacks(hlo: str) -> Callable[[int], list[tuple[str, str]]]:
    """``stack_frame_id`` → [(file, function), …] innermost first, from the compiled HLO text's tables."""

    def section(name):
        m = re.search(r"^" + name + r"\n(.*?)\n\n", hlo, re.S | re.M)
        return m.group(1).splitlines() if m else []

    files = {int(ln.split()[0]): ln.split(None, 1)[1].strip('"') for ln in section("FileNames")}
    funcs = {int(ln.split()[0]): ln.split(None, 1)[1].strip('"') for ln in section("FunctionNames")}
    locs = {int(ln.split()[0]): dict(re.findall(r"(\w+)=(\d+)", ln)) for ln in section("FileLocations")}
    frames = {}
    for ln in section("StackFrames"):
        d = dict(re.findall(r"(\w+)=(\d+)", ln))
        frames[int(ln.split()[0])] = (int(d["file_location_id"]), int(d["parent_frame_id"]) - 1)

    def stack(fid):
        out, seen = [], set()
        while fid in frames and fid not in seen:
            seen.add(fid)
            loc, fid = frames[fid]
            where = locs[loc]
            out.append((files.get(int(where["file_name_id"]), "?"), funcs.get(int(where["function_name_id"]), "?")))
        return out

    return stack


def hlo_computations(hlo: str) -> tuple[dict[str, list[tuple[str, str]]], str]:
    """{computation: [(instruction, text after '=')]} and the entry computation's name."""
    comps: dict[str, list[tuple[str, str]]] = {}
    cur = entry = None
    for line in hlo.splitlines():
        m = re.match(r"^(ENTRY )?%([\w.\-]+) .*\{$", line)
        if m:
            cur = m.group(2)
            comps[cur] = []
            entry = cur if m.group(1) else entry
        elif line.startswith("}"):
            cur = None
        elif cur is not None and (m := re.match(r"^\s+(?:ROOT )?%([\w.\-]+) = (.*)$", line)):
            comps[cur].append((m.group(1), m.group(2)))
    return comps, entry


def xla_profile(fn: Callable, x: Any, classify: Callable, reps: int = 3) -> collections.Counter:
    """Op time inside the main ``while_loop`` per category, from XLA's per-op profiler events.

    ``jax.profiler`` records one event per executed XLA CPU op (thunk). Every compute op of the
    main loop's body — descending into nested ``while`` and ``conditional`` bodies (a search's
    ``cond``, the two-loop's ``scan``), whose own events are not used (nested bodies may run on
    other threads) — is mapped to the Python stack that produced it (the compiled HLO's stack-frame
    tables) and ``classify(frames, is_copy)`` names its category. Loop and branch control is not
    counted, and the profiler adds a few µs per op: read the shares, not the absolute times.
    """
    compiled = jax.jit(fn).lower(x).compile()
    hlo = compiled.as_text()
    stack = hlo_stacks(hlo)
    comps, entry = hlo_computations(hlo)
    jax.block_until_ready(compiled(x))
    log_dir = tempfile.mkdtemp()
    try:
        with jax.profiler.trace(log_dir, create_perfetto_trace=True):
            for _ in range(reps):
                jax.block_until_ready(compiled(x))
        trace = json.load(gzip.open(glob.glob(log_dir + "/**/*.trace.json.gz", recursive=True)[0]))
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    total: collections.Counter = collections.Counter()
    for e in events:
        if e.get("ph") == "X":
            total[e["name"]] += e.get("dur", 0) * 1e-6 / reps

    def called(text):  # computations run by a control-flow op (not a fusion's fused computation)
        if re.search(r"\b(while|conditional|call)\(", text):
            found = re.findall(r"(?:body|condition|to_apply|true_computation|false_computation)=%([\w.\-]+)", text)
            branches = re.search(r"branch_computations=\{([^}]*)\}", text)
            return found + (re.findall(r"%([\w.\-]+)", branches[1]) if branches else [])
        return []

    def leaves(comp, seen=()):
        for name, text in comps.get(comp, []):
            subs = [c for c in called(text) if c not in seen]
            if subs:
                for c in subs:
                    yield from leaves(c, seen + (comp,))
            else:
                yield name, text

    whiles = [text for _, text in comps[entry] if re.search(r"\bwhile\(", text)]
    main = max(whiles, key=lambda text: sum(total[n] for c in called(text) for n, _ in leaves(c)))
    parts: collections.Counter = collections.Counter()
    for comp in called(main):
        for name, text in leaves(comp):
            if total[name]:
                m = re.search(r"stack_frame_id=(\d+)", text)
                parts[classify(stack(int(m[1])) if m else [], bool(re.search(r"\bcopy\(", text)))] += total[name]
    return parts


def lbfgs_category(objective_file: str) -> Callable:
    """Categories of an L-BFGS loop's ops (ours or optax's) by the Python functions on their stack."""

    def classify(frames, is_copy):
        files, funcs = [f for f, _ in frames], [fn for _, fn in frames]
        if any("/linesearch/" in f.replace("\\", "/") for f in files):
            return "line search (zoom, wrapper, its f,∇f)"
        if any("two_loop_recursion" in fn or "_precondition_by_lbfgs" in fn for fn in funcs):
            return "two-loop recursion"
        if any("scale_by_lbfgs" in fn for fn in funcs):
            return "L-BFGS memory update, γ, descent check"
        if objective_file in files:
            return "f,∇f evaluated by the loop itself"
        if any(f.endswith("solve.py") for f in files):
            return "minimize bookkeeping (stop tests, keep-finite select)"
        return "buffer copies (inserted by XLA)" if is_copy else "other (apply_updates, chain, loop test)"

    return classify
