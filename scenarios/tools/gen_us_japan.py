#!/usr/bin/env python3
"""Generates scenarios/us-japan.toml from the figures in shared/DATA.md.

The flow matrix (2 x 10 x 7 flows) and the server counts are derived numbers; this
script keeps them consistent when an assumption changes. Edit the inputs below, run
`python3 scenarios/tools/gen_us_japan.py > scenarios/us-japan.toml`, then
`python3 scenarios/tools/check_scenario.py scenarios/us-japan.toml`.
Every input carries the DATA.md line it comes from and its quality tag:
[P] primary, [S] trade press, [U] unverified or derived (or not in DATA.md at all).
"""
import heapq
import math

TEU_PER_SHIPMENT = 10

# ---------------------------------------------------------------- nodes
# id, name, country, lat, lon  (coordinates: container terminals, decimal degrees)
JP_PORTS = [
    ("JPTYO", "Tokyo", 35.617, 139.783),
    ("JPYOK", "Yokohama", 35.443, 139.672),
    ("JPNGO", "Nagoya", 35.050, 136.850),
    ("JPUKB", "Kobe", 34.667, 135.217),
    ("JPOSA", "Osaka", 34.633, 135.413),
    ("JPSGM", "Sendai-Shiogama", 38.271, 141.024),
    ("JPHHE", "Hachinohe", 40.533, 141.533),
    ("JPKSM", "Kashima", 35.925, 140.683),
    ("JPHIC", "Hitachinaka", 36.432, 140.614),
    ("JPONA", "Onahama", 36.933, 140.900),
]
US_PORTS = [
    ("USLAX", "Los Angeles", 33.740, -118.270),
    ("USLGB", "Long Beach", 33.754, -118.216),
    ("USOAK", "Oakland", 37.795, -122.300),
    ("USSEA", "Seattle", 47.580, -122.350),
    ("USTIW", "Tacoma", 47.270, -122.410),
    ("USNYC", "New York/New Jersey", 40.683, -74.150),
    ("USSAV", "Savannah", 32.127, -81.140),
]

# ---------------------------------------------------------------- volumes
JP_TO_US_TEU_YEAR = 603_000          # DATA.md l.11 [S]
US_TO_JP_TEU_MONTH = (55_000 + 73_000) / 2   # DATA.md l.12 [S], midpoint

# Weight of each Japanese port in US trade, TEU/month "direct-equivalent".
DIRECT = {"JPTYO": 11_188, "JPNGO": 7_772, "JPUKB": 5_835, "JPYOK": 3_435}  # DATA.md l.13 [S]
TOTAL_2010 = {"JPTYO": 3_816_000, "JPYOK": 2_990_000, "JPNGO": 2_390_000}  # DATA.md l.15 [S]
# Direct-to-US share of a port's foreign-trade total, from the three ports with both
# figures: (11,188 + 3,435 + 7,772) x 12 / 9.196 M = 2.92 % [U, derived].
R_US = sum(DIRECT[p] for p in TOTAL_2010) * 12 / sum(TOTAL_2010.values())
SMALL_TOTAL_2010 = {
    "JPSGM": (216_142, "DATA.md l.16 [P]"),
    "JPHHE": (45_430, "DATA.md l.16-17 [P]"),
    "JPONA": (15_000, "DATA.md l.17 [U]"),
    "JPKSM": (40_000, "not in DATA.md: assumed 2010 total [U]"),
    "JPHIC": (30_000, "not in DATA.md: assumed 2010 total [U]"),
}
OSAKA_DIRECT = (2_000, "not in DATA.md,\n# assumed well below Kobe's 5,835 as Kansai's US services call mostly at Kobe [U]")

# US port shares of Japan trade. West Coast: Jan-Jul 2011 imports, DATA.md l.18-19 [S];
# East Coast share not in DATA.md: assumed 15 % (NY/NJ 10 %, Savannah 5 %) [U].
WEST = {"USLAX": 2_300_000, "USLGB": 1_800_000, "USSEA": 472_000, "USOAK": 443_000, "USTIW": 268_000}
EAST = {"USNYC": 0.10, "USSAV": 0.05}

# ---------------------------------------------------------------- routes
# transit (min, mode, max) days, triangular, and source
KEIHIN_LIKE = ["JPTYO", "JPYOK", "JPSGM", "JPHIC"]   # Tokyo Bay and the two northern ports with a direct N. America service
KANSAI_CHUKYO = ["JPNGO", "JPUKB", "JPOSA"]
SEA = []
for jp in KEIHIN_LIKE:
    for us in ["USLAX", "USLGB"]:
        SEA.append((jp, us, (10, 11, 13), "Tokyo/Yokohama-LA/LB 11 d, LA-Yokohama 13 d: DATA.md l.20-21 [S]"))
    SEA.append((jp, "USOAK", (11, 12, 13), "Oakland-Tokyo about 12 d: DATA.md l.20 [S]"))
    for us in ["USSEA", "USTIW"]:
        SEA.append((jp, us, (9, 10, 13), "Pacific Northwest: great circle 13 % shorter than Tokyo-LA, so about 9.6 d plus port rotation [U, derived from DATA.md l.20]"))
for jp in ["JPTYO", "JPYOK"]:
    for us in ["USNYC", "USSAV"]:
        SEA.append((jp, us, (20, 21, 24), "US East Coast about +10 d: DATA.md l.21 [S, low quality]"))
for jp in KANSAI_CHUKYO:
    for us in ["USLAX", "USLGB", "USOAK"]:
        SEA.append((jp, us, (11, 12.5, 15), "other Japan-California pairs 12-13 d: DATA.md l.20-21 [S], extrapolated [U]"))
    for us in ["USSEA", "USTIW"]:
        SEA.append((jp, us, (10, 11, 14), "Pacific Northwest from Ise Bay/Osaka Bay [U, derived from DATA.md l.20]"))
for jp in ["JPNGO", "JPUKB"]:
    for us in ["USNYC", "USSAV"]:
        SEA.append((jp, us, (21, 22.5, 26), "US East Coast about +10 d: DATA.md l.21 [S, low quality]"))
# Domestic links (feeders): not in DATA.md, distances by road/sea [U].
FEEDERS = [
    ("JPSGM", "JPTYO", "road", (0.3, 0.5, 1.0), "Sendai-Tokyo about 350 km by expressway [U]"),
    ("JPSGM", "JPYOK", "rail", (0.5, 0.75, 1.5), "Sendai-Yokohama Honmoku container train [U]"),
    ("JPHHE", "JPTYO", "sea", (1.0, 1.5, 2.5), "Hachinohe-Keihin domestic feeder ship [U]"),
    ("JPONA", "JPTYO", "road", (0.2, 0.3, 0.75), "Onahama-Tokyo about 200 km [U]"),
    ("JPHIC", "JPTYO", "road", (0.15, 0.25, 0.6), "Hitachinaka-Tokyo about 130 km [U]"),
    ("JPKSM", "JPTYO", "road", (0.1, 0.2, 0.5), "Kashima-Tokyo about 100 km [U]"),
    ("JPTYO", "JPYOK", "road", (0.05, 0.1, 0.3), "Tokyo Bay, about 30 km [U]"),
    ("JPUKB", "JPOSA", "road", (0.05, 0.1, 0.3), "Osaka Bay, about 30 km [U]"),
    ("USLAX", "USLGB", "road", (0.05, 0.1, 0.3), "San Pedro Bay, adjacent terminals [U]"),
    ("USSEA", "USTIW", "road", (0.05, 0.1, 0.3), "Puget Sound, about 55 km [U]"),
]

# ---------------------------------------------------------------- handling (service)
def mix(truck_w, rail_w):
    vals = [2, 2.25, 2.5, 2.75, 3, 4, 4.25, 4.5, 4.75, 5]
    w = [truck_w] * 5 + [rail_w] * 5
    return vals, w

US_SERVICE = {
    # (truck weight, rail weight, why)
    "USLAX": (2, 1, "about 1/3 of San Pedro Bay cargo moves by rail [U]"),
    "USLGB": (2, 1, "about 1/3 of San Pedro Bay cargo moves by rail [U]"),
    "USOAK": (4, 1, "Oakland mostly truck, about 1/5 rail [U]"),
    "USSEA": (1, 2, "Puget Sound ports mostly rail-bound discretionary cargo, about 2/3 rail [U]"),
    "USTIW": (1, 2, "Puget Sound ports mostly rail-bound discretionary cargo, about 2/3 rail [U]"),
    "USNYC": (4, 1, "East Coast mostly truck, about 1/5 rail [U]"),
    "USSAV": (4, 1, "East Coast mostly truck, about 1/5 rail [U]"),
}
JP_SERVICE = (1, 2, 4)   # triangular, days [U]: no Japanese dwell figure in DATA.md

TARGET_UTIL = 0.75       # handling: aim for 0.6-0.8 [U]
TARGET_INSP_UTIL = 0.5   # inspection: so that alert level 2 (x1.5 rate, x1.2 time = x1.8 load) stays near 0.9
MIN_SERVERS = 4          # so that partial capacity loss (e.g. 25 %, 40 % of berths) can be represented
MIN_INSPECTORS = 2
MAX_WAIT_SHARE = 0.05    # Erlang C mean wait at most 5 % of the mean service time

# ---------------------------------------------------------------- customs
US_EXAM_VALUES = [1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30]
US_EXAM_WEIGHTS = [23, 31, 23, 7, 1.5, 6, 2, 2.5, 2.5, 1, 0.5]
US_RATE = (0.01, 0.05)       # trusted, ordinary: DATA.md l.26-28 [U, derived]
JP_RATE = (0.01, 0.05)       # not in DATA.md: set like the US [U]
JP_EXAM = (0.5, 1.0, 4.0)    # triangular days [U]

# ---------------------------------------------------------------- traders
JP_TO_US_TRADERS = [(0.25, ["ctpat", "jp-aeo"]), (0.25, ["ctpat"]), (0.10, ["jp-aeo"])]
US_TO_JP_TRADERS = [(0.05, ["ctpat", "jp-aeo"]), (0.20, ["jp-aeo"]), (0.10, ["ctpat"])]

def trusted_share(traders, country):
    # trusted = member of own programme, or of a programme the MRA makes the country recognise
    return sum(s for s, p in traders if p)  # both programmes are mutually recognised


def size(a, target, minimum):
    """Servers for an offered load of a erlangs: utilisation at most `target`, at least
    `minimum`, and more where needed so that the M/M/c (Erlang C) mean wait stays below
    MAX_WAIT_SHARE of the mean service time; in a small port, dwell modelled as a
    service would otherwise queue behind dwell, an artefact of the abstraction."""
    c = max(minimum, math.ceil(a / target))
    while a > 0 and erlang_c(c, a) / (c - a) > MAX_WAIT_SHARE:
        c += 1
    return c


def tri_mean(t):
    return sum(t) / 3


def emp_mean(v, w):
    return sum(a * b for a, b in zip(v, w)) / sum(w)


def erlang_c(c, a):
    """P(wait) in M/M/c with offered load a erlangs."""
    if a >= c:
        return 1.0
    s = 0.0
    term = 1.0
    for k in range(c):
        if k > 0:
            term *= a / k
        s += term
    term *= a / c  # a^c / c!
    top = term * c / (c - a)
    return top / (s + top)


def build():
    ports = {p[0]: p for p in JP_PORTS}
    ports.update({p[0]: p for p in US_PORTS})
    country = {p[0]: "JP" for p in JP_PORTS}
    country.update({p[0]: "US" for p in US_PORTS})

    # weights
    w = dict(DIRECT)
    w["JPOSA"] = OSAKA_DIRECT[0]
    for p, (tot, _) in SMALL_TOTAL_2010.items():
        w[p] = tot * R_US / 12
    wsum = sum(w.values())
    west_sum = sum(WEST.values())
    east_total = sum(EAST.values())
    us_share = {p: (1 - east_total) * v / west_sum for p, v in WEST.items()}
    us_share.update(EAST)

    jp_us_day = JP_TO_US_TEU_YEAR / 365 / TEU_PER_SHIPMENT
    us_jp_day = US_TO_JP_TEU_MONTH * 12 / 365 / TEU_PER_SHIPMENT

    flows = []
    for jp, *_ in JP_PORTS:
        for us, *_ in US_PORTS:
            flows.append((f"{jp}-{us}", jp, us, jp_us_day * w[jp] / wsum * us_share[us]))
    for us, *_ in US_PORTS:
        for jp, *_ in JP_PORTS:
            flows.append((f"{us}-{jp}", us, jp, us_jp_day * w[jp] / wsum * us_share[us]))

    # graph
    adj = {n: [] for n in ports}
    for a, b, t, _ in SEA:
        adj[a].append((b, tri_mean(t)))
        adj[b].append((a, tri_mean(t)))
    for a, b, _, t, _ in FEEDERS:
        adj[a].append((b, tri_mean(t)))
        adj[b].append((a, tri_mean(t)))

    def path(s, d):
        dist = {s: 0.0}
        prev = {}
        h = [(0.0, s)]
        while h:
            x, u = heapq.heappop(h)
            if u == d:
                break
            if x > dist[u]:
                continue
            for v, c in adj[u]:
                if x + c < dist.get(v, math.inf) - 1e-12:
                    dist[v] = x + c
                    prev[v] = u
                    heapq.heappush(h, (x + c, v))
        p = [d]
        while p[-1] != s:
            p.append(prev[p[-1]])
        return p[::-1], dist[d]

    svc_mean = {}
    for us, *_ in US_PORTS:
        tw, rw, _ = US_SERVICE[us]
        v, ww = mix(tw, rw)
        svc_mean[us] = emp_mean(v, ww)
    for jp, *_ in JP_PORTS:
        svc_mean[jp] = tri_mean(JP_SERVICE)

    node_rate = {n: 0.0 for n in ports}
    import_rate = {n: 0.0 for n in ports}   # shipments clearing customs here
    insp_rate = {n: 0.0 for n in ports}
    routed = []
    for fid, o, d, r in flows:
        p, t = path(o, d)
        routed.append((fid, o, d, r, p, t))
        for n in p:
            node_rate[n] += r
        dc = country[d]
        first = next(n for n in p if country[n] == dc)
        import_rate[first] += r
        traders = JP_TO_US_TRADERS if dc == "US" else US_TO_JP_TRADERS
        ts = trusted_share(traders, dc)
        tr, orr = US_RATE if dc == "US" else JP_RATE
        insp_rate[first] += r * (ts * tr + (1 - ts) * orr)

    insp_mean = {n: (emp_mean(US_EXAM_VALUES, US_EXAM_WEIGHTS) if country[n] == "US" else tri_mean(JP_EXAM)) for n in ports}
    servers, inspectors = {}, {}
    for n in ports:
        servers[n] = size(node_rate[n] * svc_mean[n], TARGET_UTIL, MIN_SERVERS)
        inspectors[n] = size(insp_rate[n] * insp_mean[n], TARGET_INSP_UTIL, MIN_INSPECTORS)
    return dict(ports=ports, country=country, w=w, wsum=wsum, us_share=us_share, flows=routed,
                node_rate=node_rate, import_rate=import_rate, insp_rate=insp_rate, svc_mean=svc_mean,
                insp_mean=insp_mean, servers=servers, inspectors=inspectors,
                jp_us_day=jp_us_day, us_jp_day=us_jp_day)


def fmt_tri(t):
    return f'{{ dist = "triangular", min = {t[0]}, mode = {t[1]}, max = {t[2]} }}'


def emit(m):
    o = []
    P = o.append
    P("""# tradesim default network: US-Japan container trade, 2010 volumes.
#
# What it is: the 10 Japanese and 7 US container ports of the US-Japan liner trade, the
# sea routes between them and a few domestic feeder links, demand both ways at 2010
# volumes, customs at every port with the C-TPAT (US) and AEO (Japan) trusted-trader
# programmes and the 2009 US-Japan Mutual Recognition Arrangement.
# Question it answers: in normal times, how long do shipments take and where do they
# queue; it is the network that disruption studies (the 11 March 2011 earthquake, a
# MARSEC level rise, a port closure) start from, to ask how much faster trade recovers
# when both customs administrations act jointly (MRA Section III.C) than when each acts
# alone or not at all (strategies baseline, unilateral, joint).
#
# GENERATED by scenarios/tools/gen_us_japan.py: edit the inputs there and regenerate,
# so that the 140 flows and the server counts stay consistent.
#
# Sources: every figure cites /work/shared/DATA.md by line ("DATA.md l.N") and its
# quality tag: [P] primary, [S] trade press, [U] unverified, derived, or an assumption
# not found in DATA.md. Time unit: days. Volumes: shipments/day of 10 TEU.
""")
    P("[scenario]")
    P('name = "us-japan"')
    P('description = "US-Japan container trade at 2010 volumes (10 Japanese, 7 US ports) with C-TPAT, Japan AEO and the 2009 MRA: the baseline network for comparing recovery strategies after disruptions."')
    P("horizon = 400        # days; long enough for a disruption and a year of recovery [U]")
    P("warmup = 60          # days; the longest path (East Coast, ~23 d transit + dwell + exam tail) fills well within it [U]")
    P("seed = 2011")
    P("replications = 4     # default run kept short; raise for studies")
    P(f"teu_per_shipment = {TEU_PER_SHIPMENT} # one shipment = 10 TEU, so the network carries ~{m['jp_us_day'] + m['us_jp_day']:.0f} shipments/day")
    P("baseline_days = 28   # default, written out")
    P("window_days = 7      # default, written out")
    P("tolerance = 0.05     # default, written out")
    P("")
    P("""# ---------------------------------------------------------------------------------
# Countries and alert levels. MARSEC levels 1-3 (33 CFR 101): DATA.md l.62-64 [P] says
# there are no public screening percentages per level, so the multipliers are
# assumptions [U]: level 2 = 1.5x inspection rate, 1.2x inspection time, 10 % slower
# handling; level 3 = 3x rate (capped at 1 per shipment), 1.5x time, 50 % slower
# handling (incident response may stop cargo handling, DATA.md l.63-64 [P]).
# ---------------------------------------------------------------------------------""")
    for code, name in (("JP", "Japan"), ("US", "United States")):
        P("[[countries]]")
        P(f'code = "{code}"')
        P(f'name = "{name}"')
        P("alert_level = 1")
        P("alert_levels = [")
        P("  { level = 2, inspection_rate = 1.5, inspection_time = 1.2, handling_slowdown = 1.1 },  # [U]")
        P("  { level = 3, inspection_rate = 3.0, inspection_time = 1.5, handling_slowdown = 1.5 },  # [U]")
        P("]")
        P("")
    P("""# ---------------------------------------------------------------------------------
# Trusted-trader programmes and the MRA.
# ---------------------------------------------------------------------------------
[[programmes]]
id = "ctpat"
name = "Customs-Trade Partnership Against Terrorism"
country = "US"          # 10,082 members in March 2011: DATA.md l.29 [S]

[[programmes]]
id = "jp-aeo"
name = "Japan Authorized Economic Operator"
country = "JP"          # about 750 operators: DATA.md l.31 [S]

[[arrangements]]
id = "us-japan-mra"
name = "US-Japan Mutual Recognition Arrangement (2009)"
programmes = ["ctpat", "jp-aeo"]
revocation_notice = "30d"   # MRA Section III.E requires notice but gives no delay: 30 days is an assumption [U]
""")
    P("""# ---------------------------------------------------------------------------------
# Nodes. Ids are UN/LOCODEs (country + 3 letters); those of Hitachinaka (JPHIC) and
# Kashima (JPKSM) are unverified. lat/lon: the container terminals, decimal degrees.
# servers = parallel handling channels for this trade (yard/berth capacity in
# shipments handled at once); service = handling and dwell per shipment, import and
# export alike. Server counts are set so that baseline utilisation (rate x mean
# service / servers) is at most 0.75 [U]; at least 4 per port so that partial berth
# losses can be represented; and more at small ports where needed to keep the Erlang C
# mean wait under 5 % of the mean service (a dwell modelled as a service must not
# queue behind another dwell in normal times). Inspectors: utilisation at most 0.5, so
# an alert level 2 (x1.8 inspection load) stays below 1, at least 2, same wait rule
# [U]. Hachinohe, Kashima and Onahama imports reach Japan through Tokyo and clear
# customs there (first node in the destination country); their customs blocks serve
# rerouted traffic.
#
# US handling: DATA.md l.22 [S]: LA/Long Beach dwell 2-3 d truck-bound, 4-5 d
# rail-bound; a mixture (empirical, 0.25 d steps) with a per-port rail share [U].
# Japan handling: not in DATA.md: triangular 1-2-4 d, mean 2.33 d [U].
#
# US customs: exam rate 1 % trusted, 5 % ordinary: DATA.md l.26-28 [U, derived from
# 3 % overall (l.26 [P]) and C-TPAT 4-6x less likely (l.27 [P])]. Exam duration:
# DATA.md l.34-35 [S]: X-ray 1-3 d, tailgate 2-6 d, CES 5-30 d (typically 1-2 weeks);
# mixed as 70 % X-ray, 20 % tailgate, 10 % CES [U] -> empirical, mean 3.36 d.
# Clearance of shipments not examined: not in DATA.md; entries are filed before arrival
# (24-hour rule), so lognormal mean 0.5 d, sd 0.5 d [U]; same for trusted (the C-TPAT
# benefit is fewer exams: trusted_clearance left at its default = clearance).
#
# Japan customs: arrival-to-permit 49.4 h general vs 36.1 h AEO (sea containers,
# 2009 release-time survey): DATA.md l.31-33 [P] -> clearance vs trusted_clearance
# (lognormal; the sd is an assumption [U]). These times overlap part of the port dwell
# modelled as service, so lead times into Japan are slightly conservative [U].
# Exam rates not in DATA.md: set like the US, 1 % / 5 % [U]; exam time triangular
# 0.5-1-4 d (container X-ray and physical exam) [U].
# ---------------------------------------------------------------------------------""")
    us_exam = (f'{{ dist = "empirical", values = {US_EXAM_VALUES}, '
               f'weights = {US_EXAM_WEIGHTS} }}')
    for pid, name, lat, lon in JP_PORTS + US_PORTS:
        c = m["country"][pid]
        n_rate = m["node_rate"][pid]
        util = n_rate * m["svc_mean"][pid] / m["servers"][pid]
        P("[[nodes]]")
        P(f'id = "{pid}"')
        P(f'name = "{name}"')
        P('kind = "seaport"')
        P(f'country = "{c}"')
        P(f"lat = {lat}")
        P(f"lon = {lon}")
        P(f"servers = {m['servers'][pid]}   # {n_rate:.2f} shipments/day x {m['svc_mean'][pid]:.3f} d mean / servers = utilisation {util:.2f}")
        if c == "US":
            tw, rw, why = US_SERVICE[pid]
            v, ww = mix(tw, rw)
            P(f'service = {{ dist = "empirical", values = {v}, weights = {ww} }}  # truck:rail = {tw}:{rw}, {why}; DATA.md l.22 [S]')
        else:
            P(f"service = {fmt_tri(JP_SERVICE)}  # [U] not in DATA.md")
        P("[nodes.customs]")
        ir = m["insp_rate"][pid]
        iu = ir * m["insp_mean"][pid] / m["inspectors"][pid]
        P(f"inspectors = {m['inspectors'][pid]}   # {m['import_rate'][pid]:.2f} imports/day, {ir:.3f} exams/day x {m['insp_mean'][pid]:.2f} d / inspectors = utilisation {iu:.2f}")
        if c == "US":
            P(f"inspection = {us_exam}  # DATA.md l.34-35 [S], mixture [U]")
            P('clearance = { dist = "lognormal", mean = 0.5, sd = 0.5 }  # [U] not in DATA.md')
            P(f"inspection_rate = {{ trusted = {US_RATE[0]}, ordinary = {US_RATE[1]} }}  # DATA.md l.26-28 [U, derived]")
        else:
            P(f"inspection = {fmt_tri(JP_EXAM)}  # [U] not in DATA.md")
            P('clearance = { dist = "lognormal", mean = "49.4h", sd = "24h" }          # DATA.md l.31-33 [P]; sd [U]')
            P('trusted_clearance = { dist = "lognormal", mean = "36.1h", sd = "18h" }  # DATA.md l.31-33 [P]; sd [U]')
            P(f"inspection_rate = {{ trusted = {JP_RATE[0]}, ordinary = {JP_RATE[1]} }}  # [U] not in DATA.md, set like the US")
        P("")
    P("""# ---------------------------------------------------------------------------------
# Routes (all bidirectional). Transit triangular (min, mode, max) in days. No capacity
# caps: liner capacity is not the constraint in normal times [U]. Not every pair is
# connected: Sendai-Shiogama and Hitachinaka have direct North America services
# (Hitachinaka: DATA.md l.53 [S]; Sendai: not in DATA.md [U]); Hachinohe, Kashima and
# Onahama reach the US through Tokyo; Osaka reaches the US East Coast through Kobe.
# Routing takes the shortest expected transit, so feeder links carry only those flows
# in normal times and are there for rerouting.
# ---------------------------------------------------------------------------------""")
    for a, b, t, src in SEA:
        P(f'[[routes]]\nfrom = "{a}"\nto = "{b}"\nmode = "sea"\ntransit = {fmt_tri(t)}  # {src}\nbidirectional = true\n')
    for a, b, mode, t, src in FEEDERS:
        P(f'[[routes]]\nfrom = "{a}"\nto = "{b}"\nmode = "{mode}"\ntransit = {fmt_tri(t)}  # {src}\nbidirectional = true\n')

    wlines = "\n".join(f"#   {p}: {m['w'][p]:,.0f} TEU/month -> {m['w'][p] / m['wsum']:.2%}" for p, *_ in JP_PORTS)
    ulines = "\n".join(f"#   {p}: {m['us_share'][p]:.2%}" for p, *_ in US_PORTS)
    P(f"""# ---------------------------------------------------------------------------------
# Flows. rate = total x (Japanese port share) x (US port share), shipments/day of 10 TEU.
# Totals: Japan->US 603,000 TEU in 2010 = {m['jp_us_day']:.2f}/day (DATA.md l.11 [S]);
# US->Japan 64,000 TEU/month, the midpoint of 55,000-73,000 = {m['us_jp_day']:.2f}/day
# (DATA.md l.12 [S]).
# Japanese port weights (TEU/month): direct Japan->US by origin port, Tokyo 11,188,
# Nagoya 7,772, Kobe 5,835, Yokohama 3,435 (DATA.md l.13 [S]); smaller ports = 2010
# foreign-trade total x {R_US:.4f}/12, the direct-US share of Tokyo+Yokohama+Nagoya
# (l.13 and l.15) [U, derived]: Sendai-Shiogama 216,142 (l.16 [P]), Hachinohe 45,430
# (l.16-17 [P]), Onahama 15,000 (l.17 [U]), Kashima 40,000 and Hitachinaka 30,000 (not
# in DATA.md [U]). Osaka {OSAKA_DIRECT[0]:,} TEU/month direct: {OSAKA_DIRECT[1]}.
# The weights are scaled up to the total, which spreads the 25-40 % trans-shipped via
# Korea (l.14 [S]) over the ports in proportion [U].
{wlines}
# US port shares: West Coast by Jan-Jul 2011 imports, LA 2.3 M, Long Beach 1.8 M,
# Seattle 472,000, Oakland 443,000, Tacoma 268,000 TEU (DATA.md l.18-19 [S]); East
# Coast not in DATA.md, assumed 10 % NY/NJ and 5 % Savannah [U].
{ulines}
# US->Japan uses the same port shares both sides [U].
#
# Trader mix. Japan->US (US imports): C-TPAT importers carry about half the volume
# (DATA.md l.27-28 [U]; members' share of import value above 50 %, l.30 [P]); Japanese
# AEO exporters, about 750 large operators (l.31 [S]), assumed to ship 35 % [U], most
# of it to C-TPAT importers: 25 % both, 25 % C-TPAT only, 10 % AEO only, 40 % neither.
# Under the MRA 60 % are trusted at US customs.
# US->Japan (Japanese imports): AEO importers/brokers 25 % (5 % with a C-TPAT shipper),
# C-TPAT-only shippers 10 % [U]: 35 % trusted at Japanese customs. (C-TPAT had no
# exporter category in 2011; "C-TPAT shipper" means a US firm that is a member in
# another role, e.g. as an importer [U].)
# Value per 10-TEU shipment, lognormal (sd = mean), not in DATA.md [U]: Japan->US about
# USD 80,000/TEU (machinery, parts, electronics) -> mean 800,000; US->Japan about
# USD 25,000/TEU (food, feed, paper, scrap) -> mean 250,000.
# ---------------------------------------------------------------------------------""")
    for fid, org, d, r, p, t in m["flows"]:
        if m["country"][org] == "JP":
            traders, val = JP_TO_US_TRADERS, 800_000
        else:
            traders, val = US_TO_JP_TRADERS, 250_000
        tr = ", ".join(f'{{ share = {s}, programmes = {list_toml(pp)} }}' for s, pp in traders)
        P("[[flows]]")
        P(f'id = "{fid}"')
        P(f'origin = "{org}"')
        P(f'destination = "{d}"')
        P(f"rate_per_day = {r:.5f}   # path {' > '.join(p)}, {t:.2f} d expected transit")
        P(f'value = {{ dist = "lognormal", mean = {val}, sd = {val} }}')
        P(f"traders = [{tr}]")
        P("")
    return "\n".join(o)


def list_toml(xs):
    return "[" + ", ".join(f'"{x}"' for x in xs) + "]"


if __name__ == "__main__":
    print(emit(build()), end="")
