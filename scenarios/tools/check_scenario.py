#!/usr/bin/env python3
"""Offline check of scenario files against the format in src/scenario/file.rs,
src/distribution.rs and src/time.rs, without building the crate.

Checks: TOML parses; no key outside file.rs (every struct there denies unknown
fields); required keys present; enum values; distribution parameters (as
DistSpec::build); ids referenced exist; flows' alternates and [[disruptions]] (kinds,
keys, onsets after warmup + baseline_days, references, step tables); then routes every flow by shortest expected
transit (flags equal-cost ties, whose choice would depend on the engine's tie-break)
and prints the baseline utilisation of every node and customs post.

Usage: python3 scenarios/tools/check_scenario.py FILE.toml [...]
"""
import heapq
import math
import re
import sys
import os
import tomllib

# key -> "req" | "opt"   (from src/scenario/file.rs)
SCHEMA = {
    "file": {"scenario": "req", "countries": "opt", "nodes": "req", "routes": "opt", "flows": "req",
             "programmes": "opt", "arrangements": "opt", "strategies": "opt", "disruptions": "opt",
             "response": "opt"},
    "scenario": {"name": "req", "description": "opt", "assumptions": "opt", "horizon": "req", "warmup": "opt", "seed": "opt",
                 "replications": "opt", "teu_per_shipment": "opt", "baseline_days": "opt",
                 "window_days": "opt", "tolerance": "opt", "strategies": "opt",
                 "review_days": "opt", "hold_days": "opt", "target_ci": "opt",
                 "timeseries_scopes": "opt", "arrangement": "opt", "ablation": "opt"},
    "country": {"code": "req", "name": "opt", "alert_level": "opt", "alert_levels": "opt", "targeting": "opt"},
    "targeting": {"target_rate": "req", "separation": "opt", "noise": "opt", "noise_shared": "opt",
                  "trusted_discount": "opt", "origin_risk": "opt", "non_compliant": "opt"},
    "alert": {"level": "req", "inspection_rate": "opt", "inspection_time": "opt", "handling_slowdown": "opt"},
    "node": {"id": "req", "name": "opt", "kind": "req", "country": "req", "lat": "req", "lon": "req",
             "servers": "req", "service": "req", "customs": "opt"},
    "customs": {"inspectors": "req", "inspection": "req", "clearance": "opt", "trusted_clearance": "opt",
                "inspection_rate": "req"},
    "rate": {"trusted": "req", "ordinary": "req"},
    "route": {"id": "opt", "from": "req", "to": "req", "mode": "req", "transit": "req",
              "capacity_per_day": "opt", "bidirectional": "opt"},
    "flow": {"id": "req", "origin": "req", "destination": "req", "rate_per_day": "req",
             "weekly_profile": "opt", "value": "opt", "path": "opt", "alternates": "opt", "traders": "opt",
             "substitutes": "opt", "response": "opt"},
    "trader": {"share": "req", "programmes": "opt"},
    "programme": {"id": "req", "name": "opt", "country": "req"},
    "arrangement": {"id": "req", "name": "opt", "programmes": "req", "revocation_notice": "opt",
                    "alert_notice": "opt", "screening_time": "opt"},
    "strategy": {"name": "req", "description": "opt", "priority": "opt", "recognition": "opt",
                 "alert_relief": "opt", "reroute": "opt", "when": "opt", "notice": "opt",
                 "information": "opt", "arrangement": "opt", "data_exchange": "opt", "resumption": "opt",
                 "alert_notice": "opt", "screening": "opt", "reopening": "opt"},
    "response": {"threshold": "opt", "defer": "opt", "cancel": "opt", "shift": "opt", "defer_for": "opt"},
    # [[disruptions]], by kind (DisruptionFile in file.rs)
    "earthquake": {"kind": "req", "id": "opt", "at": "req", "probability": "opt", "epicenter": "req",
                   "magnitude": "req", "damage": "opt", "attenuation": "opt"},
    "alert_d": {"kind": "req", "id": "opt", "at": "req", "probability": "opt", "country": "req",
                "level": "req", "duration": "req"},
    "closure": {"kind": "req", "id": "opt", "at": "req", "probability": "opt", "nodes": "opt",
                "routes": "opt", "country": "opt", "duration": "req"},
    "revocation": {"kind": "req", "id": "opt", "at": "req", "probability": "opt", "programme": "req",
                   "share": "req"},
    "latlon": {"lat": "req", "lon": "req"},
    "damage": {"node": "req", "capacity_loss": "req", "closed_for": "opt", "recovery": "opt"},
    "recovery": {"curve": "req", "duration": "opt", "steps": "opt"},
    "attenuation": {"threshold": "opt", "span": "opt", "noise_sd": "opt", "recovery_days": "opt",
                    "closure_threshold": "opt", "closure_days": "opt"},
}
ENUMS = {"kind": {"seaport", "airport", "land_border", "inland_hub"}, "mode": {"sea", "air", "road", "rail"},
         "priority": {"fifo", "trusted_first"}, "recognition": {"own", "mutual"},
         "reroute": {"none", "on_closure"}, "when": {"disrupted", "always"},
         "notice": {"arrangement", "prompt"}, "information": {"own", "shared"},
         "arrangement": {"in_force", "none"}, "alert_notice": {"none", "routine", "shared"}, "curve": {"linear", "exponential", "steps"}}
DISTS = {"fixed": ["value"], "uniform": ["min", "max"], "triangular": ["min", "mode", "max"],
         "exponential": ["mean"], "normal": ["mean", "sd"], "lognormal": ["mean", "sd"],
         "gamma": ["shape", "scale"], "weibull": ["shape", "scale"], "empirical": ["values"]}

errors = []


def err(msg):
    errors.append(msg)


def keys(where, table, kind):
    if not isinstance(table, dict):
        err(f"{where}: expected a table")
        return
    allowed = SCHEMA[kind]
    for k in table:
        if k not in allowed:
            err(f"{where}: unknown key `{k}` (not in file.rs)")
    for k, r in allowed.items():
        if r == "req" and k not in table:
            err(f"{where}: missing required key `{k}`")


def days(where, v):
    """A Days value: a number or a duration string."""
    if isinstance(v, bool):
        err(f"{where}: expected days, found a boolean")
        return math.nan
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        m = re.fullmatch(r"\s*([^a-zA-Z]*?)\s*([a-zA-Z]*)\s*", v)
        unit = {"": 1, "d": 1, "day": 1, "days": 1, "h": 1 / 24, "hour": 1 / 24, "hours": 1 / 24,
                "m": 1 / 1440, "min": 1 / 1440, "minutes": 1 / 1440, "w": 7, "week": 7, "weeks": 7}
        try:
            return float(m.group(1)) * unit[m.group(2)]
        except (ValueError, KeyError, AttributeError):
            err(f"{where}: `{v}` is not a duration")
            return math.nan
    err(f"{where}: expected days, found {type(v).__name__}")
    return math.nan


def dist(where, v):
    """Returns the mean, as DistSpec::build computes it."""
    if not isinstance(v, dict):
        x = days(where, v)
        if not x >= 0:
            err(f"{where}: fixed value must be >= 0")
        return x
    kind = v.get("dist")
    if kind not in DISTS:
        err(f"{where}: unknown dist `{kind}`")
        return math.nan
    allowed = set(DISTS[kind]) | {"dist"} | ({"weights"} if kind == "empirical" else set())
    for k in v:
        if k not in allowed:
            err(f"{where}: unknown key `{k}` for dist {kind}")
    for k in DISTS[kind]:
        if k not in v:
            err(f"{where}: dist {kind} needs `{k}`")
            return math.nan
    g = lambda k: days(f"{where}.{k}", v[k])
    if kind == "fixed":
        return g("value")
    if kind == "uniform":
        a, b = g("min"), g("max")
        if not 0 <= a <= b:
            err(f"{where}: uniform needs 0 <= min <= max")
        return (a + b) / 2
    if kind == "triangular":
        a, c, b = g("min"), g("mode"), g("max")
        if not 0 <= a <= c <= b:
            err(f"{where}: triangular needs 0 <= min <= mode <= max")
        return (a + b + c) / 3
    if kind == "exponential":
        m = g("mean")
        if not m > 0:
            err(f"{where}: mean must be > 0")
        return m
    if kind in ("normal", "lognormal"):
        m, s = g("mean"), g("sd")
        if not (m > 0 and s >= 0):
            err(f"{where}: needs mean > 0, sd >= 0")
        if kind == "normal" and s > 0:
            al = -m / s
            phi = math.exp(-al * al / 2) / math.sqrt(2 * math.pi)
            return m + s * phi / (0.5 * math.erfc(al / math.sqrt(2)))
        return m
    if kind in ("gamma", "weibull"):
        k = v["shape"]
        th = g("scale")
        if not (isinstance(k, (int, float)) and k > 0 and th > 0):
            err(f"{where}: needs shape > 0, scale > 0")
            return math.nan
        return k * th if kind == "gamma" else th * math.gamma(1 + 1 / k)
    vals = [days(f"{where}.values", x) for x in v["values"]]
    w = v.get("weights", [1.0] * len(vals))
    if not vals or len(w) != len(vals) or any(x < 0 for x in vals + list(w)) or sum(w) <= 0:
        err(f"{where}: empirical values/weights invalid")
        return math.nan
    return sum(a * b for a, b in zip(vals, w)) / sum(w)


def enum(where, v, name):
    if v not in ENUMS[name]:
        err(f"{where}: `{v}` is not one of {sorted(ENUMS[name])}")


def erlang_c(c, a):
    if a >= c:
        return 1.0
    s, term = 0.0, 1.0
    for k in range(c):
        if k:
            term *= a / k
        s += term
    term *= a / c
    top = term * c / (c - a)
    return top / (s + top)


def lower_bound(v):
    """The lowest possible value of a distribution (DistSpec::lower_bound)."""
    if not isinstance(v, dict):
        return days("at", v)
    k = v.get("dist")
    if k == "fixed":
        return days("at", v.get("value", 0))
    if k in ("uniform", "triangular"):
        return days("at", v.get("min", 0))
    if k == "empirical":
        return min(days("at", x) for x in v.get("values", [0]))
    return 0.0


def check_disruptions(doc, sc, nodes, route_ids, countries, progs):
    """[[disruptions]] as src/scenario/validate.rs checks them."""
    earliest = days("scenario.warmup", sc.get("warmup", 0)) + days("scenario.baseline_days", sc.get("baseline_days", 28))
    seen = set()
    for i, x in enumerate(doc.get("disruptions", [])):
        kind = x.get("kind")
        w = f"disruptions[{i}]"
        if kind not in ("earthquake", "alert", "closure", "revocation"):
            err(f"{w}: unknown kind `{kind}`")
            continue
        keys(w, x, "alert_d" if kind == "alert" else kind)
        did = x.get("id", f"{kind}-{i + 1}")
        if did in seen:
            err(f"{w}: duplicate id `{did}`")
        seen.add(did)
        dist(w + ".at", x.get("at"))
        if lower_bound(x.get("at")) < earliest:
            err(f"{w}.at: onset may come before warmup + baseline_days = day {earliest}")
        if not 0 <= x.get("probability", 1) <= 1:
            err(f"{w}.probability must be in [0, 1]")
        if "duration" in x and not days(w + ".duration", x["duration"]) > 0:
            err(f"{w}.duration must be > 0")
        if kind == "earthquake":
            e = x.get("epicenter", {})
            keys(w + ".epicenter", e, "latlon")
            if not (-90 <= e.get("lat", 0) <= 90 and -180 <= e.get("lon", 0) <= 180):
                err(f"{w}.epicenter out of range")
            if not 0 < x.get("magnitude", 0) <= 10:
                err(f"{w}.magnitude must be in (0, 10]")
            if x.get("damage") and "attenuation" in x:
                err(f"{w}: give either damage or attenuation, not both")
            if "attenuation" in x:
                keys(w + ".attenuation", x["attenuation"], "attenuation")
            for j, dm in enumerate(x.get("damage", [])):
                dw = f"{w}.damage[{j}]"
                keys(dw, dm, "damage")
                if dm.get("node") not in nodes:
                    err(f"{dw}: unknown node {dm.get('node')}")
                if not 0 <= dm.get("capacity_loss", 0) <= 1:
                    err(f"{dw}.capacity_loss must be in [0, 1]")
                if "closed_for" in dm and not days(dw + ".closed_for", dm["closed_for"]) >= 0:
                    err(f"{dw}.closed_for must be >= 0")
                rc = dm.get("recovery")
                if rc is None:
                    continue
                keys(dw + ".recovery", rc, "recovery")
                enum(dw + ".recovery.curve", rc.get("curve"), "curve")
                if rc.get("curve") in ("linear", "exponential"):
                    if "duration" not in rc or not days(dw, rc["duration"]) > 0:
                        err(f"{dw}.recovery: a {rc.get('curve')} recovery needs a duration > 0")
                    if rc.get("steps"):
                        err(f"{dw}.recovery: steps go with curve = steps only")
                elif rc.get("curve") == "steps":
                    st = rc.get("steps", [])
                    if not st or "duration" in rc:
                        err(f"{dw}.recovery: steps need a non-empty table and no duration")
                    prev = -math.inf
                    for k, (day, share) in enumerate(st):
                        dd = days(f"{dw}.recovery.steps[{k}]", day)
                        if not dd > prev or dd < 0 or not 0 <= share <= 1:
                            err(f"{dw}.recovery.steps[{k}]: days >= 0 strictly increasing, share in [0, 1]")
                        prev = dd
        elif kind == "alert":
            if x.get("country") not in countries:
                err(f"{w}: unknown country {x.get('country')}")
            if x.get("level") not in (1, 2, 3):
                err(f"{w}.level must be 1, 2 or 3")
        elif kind == "closure":
            if not (x.get("nodes") or x.get("routes") or x.get("country")):
                err(f"{w}: a closure needs nodes, routes or country")
            for n in x.get("nodes", []):
                if n not in nodes:
                    err(f"{w}: unknown node {n}")
            for r in x.get("routes", []):
                if r not in route_ids:
                    err(f"{w}: unknown route {r}")
            if "country" in x and x["country"] not in countries:
                err(f"{w}: unknown country {x['country']}")
        else:
            if x.get("programme") not in progs:
                err(f"{w}: unknown programme {x.get('programme')}")
            if not 0 <= x.get("share", 0) <= 1:
                err(f"{w}.share must be in [0, 1]")


IDENTITY = {"countries": "code", "strategies": "name", "nodes": "id", "routes": "id",
            "flows": "id", "programmes": "id", "arrangements": "id", "disruptions": "id"}


def merge(base, over, top):
    """Merges `over` into `base` by tradesim's composition rules (docs/scenarios.md,
    "Composition"): tables key by key, the named top-level lists by their identity key,
    everything else replaced."""
    for k, v in over.items():
        b = base.get(k)
        if isinstance(b, dict) and isinstance(v, dict):
            merge(b, v, False)
        elif top and k in IDENTITY and isinstance(b, list) and isinstance(v, list):
            key = IDENTITY[k]
            index = {}
            for i, e in enumerate(b):
                if isinstance(e, dict) and isinstance(e.get(key), str):
                    index.setdefault(e[key], i)
            used = set()
            for e in v:
                i = index.get(e.get(key)) if isinstance(e, dict) else None
                if i is not None and i not in used and isinstance(b[i], dict):
                    used.add(i)
                    merge(b[i], e, False)
                else:
                    b.append(e)
        else:
            base[k] = v


def load_composed(path, stack=()):
    """The scenario at `path` with the files it `extends` merged in."""
    real = os.path.realpath(path)
    if real in stack:
        raise SystemExit(f"{path}: `extends` cycle")
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    bases = doc.pop("extends", [])
    if isinstance(bases, str):
        bases = [bases]
    acc = {}
    for b in bases:
        merge(acc, load_composed(os.path.join(os.path.dirname(path), b), stack + (real,)), True)
    merge(acc, doc, True)
    return acc


def check(path):
    global errors
    errors = []
    doc = load_composed(path)
    keys("file", doc, "file")
    sc = doc.get("scenario", {})
    keys("[scenario]", sc, "scenario")
    if "arrangement" in sc:
        enum("[scenario].arrangement", sc["arrangement"], "arrangement")
    for k in ("horizon", "warmup", "baseline_days", "window_days", "review_days"):
        if k in sc:
            days(f"scenario.{k}", sc[k])
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", str(sc.get("name", ""))):
        err("scenario.name: letters, digits, -, _, . only")
    tps = float(sc.get("teu_per_shipment", 1))

    countries = {}
    for i, c in enumerate(doc.get("countries", [])):
        keys(f"countries[{i}]", c, "country")
        countries[c.get("code")] = c
        if "targeting" in c:
            t = c["targeting"]
            keys(f"countries[{i}].targeting", t, "targeting")
            if not 0 <= t.get("target_rate", 0) <= 1:
                err(f"countries[{i}].targeting.target_rate must be in [0, 1]")
        for j, a in enumerate(c.get("alert_levels", [])):
            keys(f"countries[{i}].alert_levels[{j}]", a, "alert")
            if a.get("level") not in (1, 2, 3):
                err(f"countries[{i}].alert_levels[{j}].level must be 1, 2 or 3")

    nodes = {}
    for i, n in enumerate(doc.get("nodes", [])):
        w = f"nodes[{i}] ({n.get('id')})"
        keys(w, n, "node")
        enum(w + ".kind", n.get("kind"), "kind")
        if n.get("id") in nodes:
            err(f"{w}: duplicate id")
        if not (isinstance(n.get("servers"), int) and n["servers"] >= 1):
            err(f"{w}: servers must be an integer >= 1")
        if countries and n.get("country") not in countries:
            err(f"{w}: country {n.get('country')} not in [[countries]]")
        if not (-90 <= n.get("lat", 0) <= 90 and -180 <= n.get("lon", 0) <= 180):
            err(f"{w}: lat/lon out of range")
        n["_svc"] = dist(w + ".service", n.get("service"))
        cu = n.get("customs")
        if cu is not None:
            keys(w + ".customs", cu, "customs")
            keys(w + ".customs.inspection_rate", cu.get("inspection_rate", {}), "rate")
            cu["_insp"] = dist(w + ".customs.inspection", cu.get("inspection"))
            for k in ("clearance", "trusted_clearance"):
                if k in cu:
                    dist(f"{w}.customs.{k}", cu[k])
            for k, r in cu.get("inspection_rate", {}).items():
                if not 0 <= r <= 1:
                    err(f"{w}: inspection_rate.{k} must be in [0, 1]")
        nodes[n.get("id")] = n

    adj = {n: [] for n in nodes}
    route_ids = set()
    for i, r in enumerate(doc.get("routes", [])):
        rid = r.get("id") or f"{r.get('from')}-{r.get('to')}"
        route_ids.add(rid)
        if r.get("bidirectional", False):
            route_ids.add(f"{rid}-rev" if r.get("id") else f"{r.get('to')}-{r.get('from')}")
        w = f"routes[{i}] ({r.get('from')}-{r.get('to')})"
        keys(w, r, "route")
        enum(w + ".mode", r.get("mode"), "mode")
        t = dist(w + ".transit", r.get("transit"))
        for e in ("from", "to"):
            if r.get(e) not in nodes:
                err(f"{w}: unknown node {r.get(e)}")
        if r.get("from") in nodes and r.get("to") in nodes:
            adj[r["from"]].append((r["to"], t))
            if r.get("bidirectional", False):
                adj[r["to"]].append((r["from"], t))

    progs = {}
    for i, p in enumerate(doc.get("programmes", [])):
        keys(f"programmes[{i}]", p, "programme")
        progs[p.get("id")] = p
    recog = {}  # programme id -> set of countries that recognise it
    for p in progs.values():
        recog.setdefault(p["id"], set()).add(p["country"])
    for i, a in enumerate(doc.get("arrangements", [])):
        keys(f"arrangements[{i}]", a, "arrangement")
        for p in a.get("programmes", []):
            if p not in progs:
                err(f"arrangements[{i}]: unknown programme {p}")
        if "revocation_notice" in a:
            days(f"arrangements[{i}].revocation_notice", a["revocation_notice"])
        cs = {progs[p]["country"] for p in a.get("programmes", []) if p in progs}
        for p in a.get("programmes", []):
            if p in progs:
                recog[p] |= cs
    for i, s in enumerate(doc.get("strategies", [])):
        keys(f"strategies[{i}]", s, "strategy")
        if s.get("name") in ("no-mra", "baseline", "unilateral", "joint"):
            err(f"strategies[{i}]: redefines preset {s['name']}")
        for k in ("priority", "recognition", "reroute", "when", "notice", "information", "arrangement",
                  "alert_notice"):
            if k in s:
                enum(f"strategies[{i}].{k}", s[k], k)

    def shortest(s, d):
        dist_ = {s: 0.0}
        h = [(0.0, s)]
        while h:
            x, u = heapq.heappop(h)
            if x > dist_[u]:
                continue
            for v, c in adj[u]:
                if x + c < dist_.get(v, math.inf):
                    dist_[v] = x + c
                    heapq.heappush(h, (x + c, v))
        if d not in dist_:
            return None, None, 0
        # count shortest paths (ties) and rebuild one
        order = sorted(dist_, key=dist_.get)
        cnt = {s: 1}
        prev = {}
        for u in order:
            for v, c in adj[u]:
                if v in dist_ and abs(dist_[u] + c - dist_[v]) < 1e-9:
                    cnt[v] = cnt.get(v, 0) + cnt.get(u, 0)
                    prev.setdefault(v, u)
        p = [d]
        while p[-1] != s:
            p.append(prev[p[-1]])
        return p[::-1], dist_[d], cnt.get(d, 0)

    load = {n: 0.0 for n in nodes}
    rate = {n: 0.0 for n in nodes}
    insp = {n: 0.0 for n in nodes}
    imports = {n: 0.0 for n in nodes}
    total = 0.0
    for i, f in enumerate(doc.get("flows", [])):
        w = f"flows[{i}] ({f.get('id')})"
        keys(w, f, "flow")
        for j, t in enumerate(f.get("traders", [])):
            keys(f"{w}.traders[{j}]", t, "trader")
            for p in t.get("programmes", []):
                if p not in progs:
                    err(f"{w}: unknown programme {p}")
        shares = sum(t.get("share", 0) for t in f.get("traders", []))
        if shares > 1 + 1e-9:
            err(f"{w}: trader shares sum to {shares} > 1")
        if "value" in f:
            dist(w + ".value", f["value"])
        if "weekly_profile" in f and len(f["weekly_profile"]) != 7:
            err(f"{w}: weekly_profile needs 7 numbers")
        o, d = f.get("origin"), f.get("destination")
        if o not in nodes or d not in nodes:
            err(f"{w}: unknown origin/destination")
            continue
        r = f.get("rate_per_day", 0)
        total += r
        if "path" in f:
            p = f["path"]
            if p[0] != o or p[-1] != d or any(x not in nodes for x in p):
                err(f"{w}: bad path")
                continue
        elif o == d:
            p = [o]
        else:
            p, t, n = shortest(o, d)
            if p is None:
                err(f"{w}: no route from {o} to {d}")
                continue
            if n > 1:
                err(f"{w}: {n} equal-cost shortest paths (engine tie-break decides)")
        for j, alt in enumerate(f.get("alternates", [])):
            if alt not in nodes:
                err(f"{w}.alternates[{j}]: unknown node {alt}")
            elif alt == d:
                err(f"{w}.alternates[{j}]: `{alt}` is the destination")
            elif "path" in f:
                err(f"{w}.alternates: a flow with an explicit path cannot be diverted")
            elif alt != o and shortest(o, alt)[0] is None:
                err(f"{w}.alternates[{j}]: `{alt}` cannot be reached from {o}")
        for x in p:
            rate[x] += r
            load[x] += r * nodes[x]["_svc"]
        dc = nodes[d]["country"]
        if nodes[o]["country"] != dc:
            first = next(x for x in p if nodes[x]["country"] == dc)
            cu = nodes[first].get("customs")
            if cu:
                tr = sum(t["share"] for t in f.get("traders", []) if any(dc in recog.get(pp, ()) for pp in t.get("programmes", [])))
                pr = tr * cu["inspection_rate"]["trusted"] + (1 - tr) * cu["inspection_rate"]["ordinary"]
                imports[first] += r
                insp[first] += r * pr * cu["_insp"]

    check_disruptions(doc, sc, nodes, route_ids, countries, progs)

    print(f"== {path}: {len(nodes)} nodes, {len(doc.get('routes', []))} routes, {len(doc.get('flows', []))} flows, "
          f"{total:.2f} shipments/day = {total * tps * 365:,.0f} TEU/yr")
    print(f"{'node':8} {'ship/d':>8} {'servers':>7} {'util':>5} {'Wq/S':>6}   {'imp/d':>6} {'insp':>4} {'util':>5}")
    worst = (0, None)
    for n, x in nodes.items():
        c = x["servers"]
        u = load[n] / c
        wq = erlang_c(c, load[n]) / (c - load[n]) if load[n] < c else math.inf
        line = f"{n:8} {rate[n]:8.2f} {c:7d} {u:5.2f} {wq:6.3f}"
        if u >= 1:
            err(f"node {n}: utilisation {u:.3f} >= 1")
        worst = max(worst, (u, n), key=lambda z: z[0])
        cu = x.get("customs")
        if cu:
            ui = insp[n] / cu["inspectors"]
            line += f"   {imports[n]:6.2f} {cu['inspectors']:4d} {ui:5.2f}"
            if ui >= 1:
                err(f"customs {n}: utilisation {ui:.3f} >= 1")
        print(line)
    print(f"max node utilisation: {worst[0]:.3f} at {worst[1]}")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return not errors


if __name__ == "__main__":
    ok = all([check(p) for p in sys.argv[1:]])
    sys.exit(0 if ok else 1)
