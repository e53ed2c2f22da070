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
    # Sea-of-Japan container ports (issue 17 item 4); see docs/network.md
    ("JPKIJ", "Niigata", 37.983, 139.233),
    ("JPAXT", "Akita", 39.760, 140.043),
    ("JPSKT", "Sakata", 38.931, 139.819),
]
SEA_OF_JAPAN = ["JPKIJ", "JPAXT", "JPSKT"]
# Cargo airports. Ids are ICAO codes (4 letters), so that they cannot clash with the
# UN/LOCODE ids of the seaports (Chubu's IATA code NGO is also Nagoya's LOCODE JPNGO).
JP_AIRPORTS = [
    ("RJAA", "Narita International Airport", 35.765, 140.386),
    ("RJBB", "Kansai International Airport", 34.434, 135.244),
    ("RJGG", "Chubu Centrair International Airport", 34.858, 136.805),
]
US_AIRPORTS = [
    ("PANC", "Ted Stevens Anchorage International Airport", 61.174, -149.996),
    ("KLAX", "Los Angeles International Airport", 33.942, -118.408),
    ("KORD", "Chicago O'Hare International Airport", 41.978, -87.905),
]
# Inland hub: Koriyama (Fukushima), the junction of the Tohoku and Ban-etsu expressways.
HUBS = [("JPKRY", "Koriyama inland hub", "JP", 37.400, 140.383)]
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
    # Sea-of-Japan ports: docs/network.md gives the sources in full.
    "JPKIJ": (169_625, "Niigata: 2015 total incl. empties, Niigata Prefecture port statistics [P]; no 2010 figure found, used as a stand-in for 2010 [U]"),
    "JPAXT": (34_197, "Akita: 2010, laden only, Daily Cargo 7 Jun 2011 [S]; empties not included [U]"),
    "JPSKT": (7_800, "Sakata: no 2010 figure found; 2013 laden about 7,800 (2014 = 13,799, +77 %, Yamagata Prefecture / port-of-sakata.jp [P]) used as a stand-in [U]"),
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
# Sea-of-Japan ports: no direct North America service; their US cargo is trans-shipped
# at Busan (feeder 1.5-2 d, transshipment dwell 2-4 d) [U]. Modelled as a direct route
# with the longer transit, Busan not being a node [U].
for jp in SEA_OF_JAPAN:
    for us in ["USLAX", "USLGB", "USOAK"]:
        SEA.append((jp, us, (13, 15, 19), "via Busan: feeder about 2 d + transshipment 2-4 d + Busan-California about 10-11 d [U]"))
    for us in ["USSEA", "USTIW"]:
        SEA.append((jp, us, (12, 14, 18), "via Busan to the Pacific Northwest, about 1 d shorter than California [U]"))
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
# Land legs (issue 17 item 4): road distances by expressway [U]; truck driving at 60 km/h
# plus gate/transfer time per leg: min 0.8 x drive + 2 h, mode drive + 4 h, max 2.5 x
# drive + 8 h [U]. They let cargo reach a substitute port; in normal times they carry no
# through cargo of the old network (checked: see docs/network.md). Left out because they
# would shorten normal-time paths of existing flows (the routing takes the least transit
# time): Hachinohe-Akita (Hachinohe's cargo would truck to Sendai instead of the feeder
# ship to Tokyo), Kashima-Hitachinaka, Narita-Kashima, Kansai-Osaka, Chubu-Nagoya (Nagoya
# and Kobe cargo would fly via Anchorage to Narita and ship from Tokyo).
def road(km):
    h = km / 60.0
    return (round((0.8 * h + 2) / 24, 3), round((h + 4) / 24, 3), round((2.5 * h + 8) / 24, 3))
LAND = [
    ("JPSGM", "JPKRY", "road", 140, "Sendai-Koriyama, Tohoku Expressway about 140 km [U]"),
    ("JPONA", "JPKRY", "road", 90, "Onahama (Iwaki)-Koriyama, Ban-etsu Expressway about 90 km [U]"),
    ("JPKRY", "JPKIJ", "road", 190, "Koriyama-Niigata, Ban-etsu Expressway about 190 km [U]"),
    ("JPKRY", "JPTYO", "road", 240, "Koriyama-Tokyo, Tohoku Expressway about 240 km [U]"),
    ("JPSGM", "JPSKT", "road", 200, "Sendai-Sakata via Yamagata about 200 km [U]"),
    ("JPSGM", "JPAXT", "road", 260, "Sendai-Akita, Tohoku and Akita Expressways about 260 km [U]"),
    ("JPHIC", "JPKRY", "road", 150, "Hitachinaka-Koriyama via Mito about 150 km [U]"),
    ("JPKIJ", "JPSKT", "road", 170, "Niigata-Sakata, Nihonkai-Tohoku Expressway about 170 km [U]"),
    ("RJAA", "JPTYO", "road", 70, "Narita Airport-Tokyo port about 70 km [U]"),
]
# Air routes: block times in hours [U] (great-circle distance at about 850 km/h plus
# taxi), triangular min/mode/max with a delay tail. Anchorage is the freighters' stop
# (fuel, crew, transfer) where no nonstop service is assumed: Kansai and Chubu to Chicago,
# Chubu to Los Angeles [U].
AIR = [
    ("RJAA", "KLAX", (9.5, 10.5, 14), "Narita-Los Angeles nonstop about 8,750 km [U]"),
    ("RJAA", "KORD", (11.5, 12.5, 16), "Narita-Chicago nonstop about 10,100 km [U]"),
    ("RJBB", "KLAX", (10, 11, 14.5), "Kansai-Los Angeles nonstop about 9,200 km [U]"),
    ("RJAA", "PANC", (6.5, 7, 9), "Narita-Anchorage about 5,500 km [U]"),
    ("RJBB", "PANC", (7, 7.5, 9.5), "Kansai-Anchorage about 6,000 km [U]"),
    ("RJGG", "PANC", (7, 7.5, 9.5), "Chubu-Anchorage about 5,900 km [U]"),
    ("PANC", "KORD", (5.5, 6, 8), "Anchorage-Chicago about 4,600 km [U]"),
    ("PANC", "KLAX", (5, 5.5, 7.5), "Anchorage-Los Angeles about 3,800 km [U]"),
]
AIR = [(a, b, tuple(round(x / 24, 4) for x in t), src + "; hours " + "-".join(str(x) for x in t)) for a, b, t, src in AIR]

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

# ---------------------------------------------------------------- air cargo [U]
# One air shipment = 10 tonnes chargeable weight (about two main-deck ULD pallets) [U].
AIR_T_PER_SHIPMENT = 10
# Japan->US: JAFA consolidated air exports to TC-1 (the Americas) 244,065 t in 2015
# (japanpress.co.jp, [S]); no 2010 figure found: 80 % of it taken as the US share and
# used as a 2010 stand-in [U] -> 195,000 t/year. US->Japan: no figure found, assumed
# 150,000 t/year [U].
AIR_JP_US_T_YEAR = 195_000
AIR_US_JP_T_YEAR = 150_000
# Airport weights: international freight 2008, thousand tonnes, BTS Table 12 [P]
# (Narita 2,059, Kansai 753, O'Hare 887, Los Angeles 880); Chubu 176,610 t, Cargo News
# (Korea), year not stated [S]; used as stand-ins for 2010 [U]. Anchorage (1,404) is a
# transit stop here: no flow starts or ends there.
AIR_JP_W = {"RJAA": 2_059, "RJBB": 753, "RJGG": 177}
AIR_US_W = {"KLAX": 880, "KORD": 887}
# Value: Narita handled 28.9 trillion yen of trade on about 2 Mt (konrad.jp, [S]),
# about 14,000 yen/kg = USD 150/kg [U, derived]: 10 t -> mean USD 1.5 M both ways [U].
AIR_VALUE = 1_500_000
AIR_SERVICE = (4 / 24, 8 / 24, 24 / 24)    # acceptance/build-up or breakdown, triangular days [U]
ANC_SERVICE = (1.5 / 24, 2.5 / 24, 4 / 24)  # technical stop and transfer [U]
HUB_SERVICE = (2 / 24, 4 / 24, 12 / 24)    # truck transfer at an inland hub [U]
AIR_US_RATE = (0.01, 0.05)   # no air-specific figure: set like sea, DATA.md l.26-28 [U]
AIR_JP_RATE = (0.01, 0.05)   # [U] set like sea
AIR_US_EXAM = (0.25, 1.0, 3.0)   # triangular days; air cargo exams at the airport [U]
AIR_JP_EXAM = (0.25, 0.5, 2.0)   # [U]
AIR_US_CLEAR = ("4h", "4h")      # lognormal mean, sd: entries filed before arrival [U]
AIR_JP_CLEAR = ("12h", "8h", "6h", "4h")   # general mean, sd; AEO mean, sd [U]
AIR_JP_TO_US_TRADERS = [(0.35, ["ctpat", "jp-aeo"]), (0.25, ["ctpat"]), (0.10, ["jp-aeo"])]
AIR_US_TO_JP_TRADERS = [(0.10, ["ctpat", "jp-aeo"]), (0.25, ["jp-aeo"]), (0.15, ["ctpat"])]

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
    for a in JP_AIRPORTS + US_AIRPORTS:
        ports[a[0]] = a
    country.update({a[0]: "JP" for a in JP_AIRPORTS})
    country.update({a[0]: "US" for a in US_AIRPORTS})
    for h in HUBS:
        ports[h[0]] = (h[0], h[1], h[3], h[4])
        country[h[0]] = h[2]

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
    air_jp_us_day = AIR_JP_US_T_YEAR / 365 / AIR_T_PER_SHIPMENT
    air_us_jp_day = AIR_US_JP_T_YEAR / 365 / AIR_T_PER_SHIPMENT
    jw, uw = sum(AIR_JP_W.values()), sum(AIR_US_W.values())
    for jp, v in AIR_JP_W.items():
        for us, u in AIR_US_W.items():
            flows.append((f"{jp}-{us}", jp, us, air_jp_us_day * v / jw * u / uw))
    for us, u in AIR_US_W.items():
        for jp, v in AIR_JP_W.items():
            flows.append((f"{us}-{jp}", us, jp, air_us_jp_day * v / jw * u / uw))

    # graph
    adj = {n: [] for n in ports}
    for a, b, t, _ in SEA:
        adj[a].append((b, tri_mean(t)))
        adj[b].append((a, tri_mean(t)))
    for a, b, _, t, _ in FEEDERS:
        adj[a].append((b, tri_mean(t)))
        adj[b].append((a, tri_mean(t)))
    for a, b, _, km, _ in LAND:
        adj[a].append((b, tri_mean(road(km))))
        adj[b].append((a, tri_mean(road(km))))
    for a, b, t, _ in AIR:
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
    for a, *_ in JP_AIRPORTS + US_AIRPORTS:
        svc_mean[a] = tri_mean(ANC_SERVICE if a == "PANC" else AIR_SERVICE)
    for h, *_ in HUBS:
        svc_mean[h] = tri_mean(HUB_SERVICE)

    node_rate = {n: 0.0 for n in ports}
    import_rate = {n: 0.0 for n in ports}   # shipments clearing customs here
    insp_rate = {n: 0.0 for n in ports}
    routed = []
    direct = {}
    for a, b, t, _ in SEA:
        direct[(a, b)] = direct[(b, a)] = tri_mean(t)
    for fid, o, d, r in flows:
        p, t = path(o, d)
        explicit = False
        if (o in SEA_OF_JAPAN or d in SEA_OF_JAPAN) and (o, d) in direct:
            # Pinned to the direct (Busan trans-shipment) route: by transit time a truck to
            # Sendai or Keihin would always win, but these flows are the cargo that port
            # statistics count at the Sea-of-Japan port [U].
            p, t, explicit = [o, d], direct[(o, d)], True
        routed.append((fid, o, d, r, p, t, explicit))
        for n in p:
            node_rate[n] += r
        dc = country[d]
        first = next(n for n in p if country[n] == dc)
        import_rate[first] += r
        air = ports[d][0] in AIR_JP_W or ports[d][0] in AIR_US_W
        if air:
            traders = AIR_JP_TO_US_TRADERS if dc == "US" else AIR_US_TO_JP_TRADERS
            tr, orr = AIR_US_RATE if dc == "US" else AIR_JP_RATE
        else:
            traders = JP_TO_US_TRADERS if dc == "US" else US_TO_JP_TRADERS
            tr, orr = US_RATE if dc == "US" else JP_RATE
        ts = trusted_share(traders, dc)
        insp_rate[first] += r * (ts * tr + (1 - ts) * orr)

    insp_mean = {n: (emp_mean(US_EXAM_VALUES, US_EXAM_WEIGHTS) if country[n] == "US" else tri_mean(JP_EXAM)) for n in ports}
    for a, *_ in US_AIRPORTS:
        insp_mean[a] = tri_mean(AIR_US_EXAM)
    for a, *_ in JP_AIRPORTS:
        insp_mean[a] = tri_mean(AIR_JP_EXAM)
    servers, inspectors = {}, {}
    for n in ports:
        servers[n] = size(node_rate[n] * svc_mean[n], TARGET_UTIL, MIN_SERVERS)
        inspectors[n] = size(insp_rate[n] * insp_mean[n], TARGET_INSP_UTIL, MIN_INSPECTORS)
    return dict(ports=ports, country=country, w=w, wsum=wsum, us_share=us_share, flows=routed,
                node_rate=node_rate, import_rate=import_rate, insp_rate=insp_rate, svc_mean=svc_mean,
                insp_mean=insp_mean, servers=servers, inspectors=inspectors,
                jp_us_day=jp_us_day, us_jp_day=us_jp_day,
                air_jp_us_day=air_jp_us_day, air_us_jp_day=air_us_jp_day)


def fmt_tri(t):
    return f'{{ dist = "triangular", min = {t[0]}, mode = {t[1]}, max = {t[2]} }}'


def emit(m):
    o = []
    P = o.append
    P("""# tradesim network: US-Japan container trade, 2010 volumes.
#
# What it is: the 13 Japanese (10 Pacific, 3 Sea-of-Japan) and 7 US container ports of
# the US-Japan liner trade, the sea routes between them and domestic feeder and road
# legs (with an inland hub at Koriyama), six cargo airports (Narita, Kansai, Chubu;
# Anchorage, Los Angeles, Chicago) with air routes and air cargo flows, demand both ways
# at 2010 volumes (figures and sources of the additions: docs/network.md), customs at
# every port with the C-TPAT (US) and AEO (Japan) trusted-trader programmes and the 2009
# US-Japan Mutual Recognition Arrangement.
#
# A network file, not a whole scenario: the scenarios in scenarios/ build on it with
# `extends = "networks/us-japan.toml"` and add their own [scenario] settings, strategies,
# disruptions and per-flow changes (docs/scenarios.md, "Composition"). It answers no
# question on its own; scenarios/us-japan.toml runs it undisrupted.
#
# GENERATED by scenarios/tools/gen_us_japan.py (python3 scenarios/tools/gen_us_japan.py >
# scenarios/networks/us-japan.toml): edit the inputs there and regenerate, so that the
# 194 flows (182 sea, 12 air) and the server counts stay consistent.
#
# Sources: every figure cites /work/shared/DATA.md by line ("DATA.md l.N") and its
# quality tag: [P] primary, [S] trade press, [U] unverified, derived, or an assumption
# not found in DATA.md. Time unit: days. Volumes: shipments/day of 10 TEU.
""")
    P("[scenario]")
    P(f"teu_per_shipment = {TEU_PER_SHIPMENT} # one shipment = 10 TEU, so the network carries ~{m['jp_us_day'] + m['us_jp_day']:.0f} shipments/day")
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
# Cargo airports and the inland hub (issue 17 item 4; figures and sources in
# docs/network.md). Ids: ICAO codes for airports (RJAA Narita, RJBB Kansai, RJGG Chubu,
# PANC Anchorage, KLAX Los Angeles, KORD Chicago O'Hare), so that they cannot clash with
# the seaports' UN/LOCODEs; JPKRY (Koriyama) is an unverified LOCODE. Sizing as for the
# ports (utilisation at most 0.75, at least 4 servers, Erlang C wait rule).
# Airport handling (acceptance and build-up, or breakdown): triangular 4-8-24 h [U];
# Anchorage, a technical stop and transfer: 1.5-2.5-4 h [U]; Koriyama truck transfer
# 2-4-12 h [U]. Air customs: exam rates 1 % trusted / 5 % ordinary, set like sea (no
# air-specific figure, DATA.md l.26-28) [U]; exam triangular 0.25-1-3 d (US), 0.25-0.5-2 d
# (Japan) [U]; clearance lognormal mean 4 h (US), 12 h general / 6 h AEO (Japan) [U].
# Cargo routed via Anchorage clears US customs there: the model clears at the first node
# in the destination country (in reality much of it moves in bond to its destination) [U].
# ---------------------------------------------------------------------------------""")
    for pid, name, lat, lon in JP_AIRPORTS + US_AIRPORTS + [(h[0], h[1], h[3], h[4]) for h in HUBS]:
        c = m["country"][pid]
        n_rate = m["node_rate"][pid]
        util = n_rate * m["svc_mean"][pid] / m["servers"][pid]
        hub = pid in [h[0] for h in HUBS]
        P("[[nodes]]")
        P(f'id = "{pid}"')
        P(f'name = "{name}"')
        P(f'kind = "{"inland_hub" if hub else "airport"}"')
        P(f'country = "{c}"')
        P(f"lat = {lat}")
        P(f"lon = {lon}")
        P(f"servers = {m['servers'][pid]}   # {n_rate:.2f} shipments/day x {m['svc_mean'][pid]:.3f} d mean / servers = utilisation {util:.2f}")
        svc = HUB_SERVICE if hub else (ANC_SERVICE if pid == "PANC" else AIR_SERVICE)
        P(f"service = {fmt_tri(tuple(round(x, 4) for x in svc))}  # [U]")
        if hub:
            P("")
            continue
        P("[nodes.customs]")
        ir = m["insp_rate"][pid]
        iu = ir * m["insp_mean"][pid] / m["inspectors"][pid]
        P(f"inspectors = {m['inspectors'][pid]}   # {m['import_rate'][pid]:.2f} imports/day, {ir:.3f} exams/day x {m['insp_mean'][pid]:.2f} d / inspectors = utilisation {iu:.2f}")
        if c == "US":
            P(f"inspection = {fmt_tri(AIR_US_EXAM)}  # [U]")
            P(f'clearance = {{ dist = "lognormal", mean = "{AIR_US_CLEAR[0]}", sd = "{AIR_US_CLEAR[1]}" }}  # [U]')
            P(f"inspection_rate = {{ trusted = {AIR_US_RATE[0]}, ordinary = {AIR_US_RATE[1]} }}  # [U] set like sea")
        else:
            P(f"inspection = {fmt_tri(AIR_JP_EXAM)}  # [U]")
            P(f'clearance = {{ dist = "lognormal", mean = "{AIR_JP_CLEAR[0]}", sd = "{AIR_JP_CLEAR[1]}" }}  # [U]')
            P(f'trusted_clearance = {{ dist = "lognormal", mean = "{AIR_JP_CLEAR[2]}", sd = "{AIR_JP_CLEAR[3]}" }}  # [U]')
            P(f"inspection_rate = {{ trusted = {AIR_JP_RATE[0]}, ordinary = {AIR_JP_RATE[1]} }}  # [U] set like sea")
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
    P("# Land legs: road distance / 60 km/h [U]; min 0.8x, max 2.5x [U] (docs/network.md).")
    for a, b, mode, km, src in LAND:
        P(f'[[routes]]\nfrom = "{a}"\nto = "{b}"\nmode = "{mode}"\ntransit = {fmt_tri(road(km))}  # {src}\nbidirectional = true\n')
    P("# Air routes: block times [U] (docs/network.md).")
    for a, b, t, src in AIR:
        P(f'[[routes]]\nfrom = "{a}"\nto = "{b}"\nmode = "air"\ntransit = {fmt_tri(t)}  # {src}\nbidirectional = true\n')

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
    P(f"""# Air flows (the last 12; docs/network.md): Japan->US {AIR_JP_US_T_YEAR:,} t/year, US->Japan
# {AIR_US_JP_T_YEAR:,} t/year [U], shipments of {AIR_T_PER_SHIPMENT} t [U] = {m['air_jp_us_day']:.2f} and {m['air_us_jp_day']:.2f}/day, split by
# airport weights (BTS 2008 international freight [P] as 2010 stand-ins [U]); value mean
# USD {AIR_VALUE:,} per shipment [U, derived from Narita's trade value per kg, S].
# Sea-of-Japan ports' West Coast flows are pinned to their Busan route (`path`) [U].
# ---------------------------------------------------------------------------------""")
    for fid, org, d, r, p, t, explicit in m["flows"]:
        air = org in AIR_JP_W or org in AIR_US_W
        if air:
            traders = AIR_JP_TO_US_TRADERS if m["country"][org] == "JP" else AIR_US_TO_JP_TRADERS
            val = AIR_VALUE
        elif m["country"][org] == "JP":
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
        if explicit:
            P(f"path = {list_toml(p)}  # pinned to the Busan trans-shipment route [U], docs/network.md")
        P("")
    return "\n".join(o)


def list_toml(xs):
    return "[" + ", ".join(f'"{x}"' for x in xs) + "]"


if __name__ == "__main__":
    print(emit(build()), end="")
