#!/usr/bin/env bash
# Opens a report.html in headless Chromium and checks that it rendered:
#   - the DOM Chromium builds holds a <figure id="plot-ID"> with an inline <svg> for every
#     expected plot;
#   - a screenshot of the top of the page and one of the whole page are not blank (many
#     distinct colours, enough non-white pixels);
#   - "Save as PDF" works: the page printed to PDF (the report's print styles) has pages,
#     its first page rendered by pdftoppm (poppler-utils) is not blank, and its text
#     starts with the summary.
# The PNG screenshots are decoded with Python's zlib: no imaging library needed.
#
# usage: tests/browser/check_report.sh REPORT_HTML [PLOT_ID...]
#   default plot ids: deliveries backlog ttr_ecdf ttr_by_class network_map
#   CHROMIUM=/path/to/chromium overrides the browser; SHOTS=DIR keeps the screenshots.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 REPORT_HTML [PLOT_ID...]" >&2
    exit 2
fi
report=$(realpath "$1")
shift
ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
    ids=(deliveries backlog ttr_ecdf ttr_by_class network_map)
fi
[ -s "$report" ] || { echo "FAIL: $report is missing or empty" >&2; exit 1; }

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
    done
fi
[ -n "$browser" ] || { echo "FAIL: no chromium found (apt-get install -y chromium)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shots=${SHOTS:-$work}
mkdir -p "$shots"

# No network: the report must need none, and the browser must not phone home.
chrome() {
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --hide-scrollbars --mute-audio \
        --user-data-dir="$(mktemp -d "$work/profile.XXXX")" "$@" "file://$report" \
        2>>"$work/chromium.log"
}

chrome --dump-dom >"$work/dom.html" || { cat "$work/chromium.log" >&2; echo "FAIL: --dump-dom" >&2; exit 1; }
chrome --screenshot="$shots/top.png" --window-size=1280,2000 >/dev/null ||
    { cat "$work/chromium.log" >&2; echo "FAIL: screenshot" >&2; exit 1; }
# The whole page (up to 8000 CSS pixels), at half scale (cheaper to decode).
chrome --screenshot="$shots/page.png" --window-size=1280,8000 --force-device-scale-factor=0.5 >/dev/null ||
    { cat "$work/chromium.log" >&2; echo "FAIL: full-page screenshot" >&2; exit 1; }

# Printed as a reader's "Save as PDF" would; page 1 rendered at 50 dpi.
for tool in pdftoppm pdftotext pdfinfo; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "FAIL: no $tool (apt-get install -y poppler-utils)" >&2; exit 1; }
done
chrome --no-pdf-header-footer --print-to-pdf="$shots/report.pdf" >/dev/null ||
    { cat "$work/chromium.log" >&2; echo "FAIL: --print-to-pdf" >&2; exit 1; }
pages=$(pdfinfo "$shots/report.pdf" | awk '/^Pages:/ {print $2}')
[ "${pages:-0}" -ge 1 ] || { echo "FAIL: the printed PDF has no pages" >&2; exit 1; }
pdftoppm -png -r 50 -f 1 -l 1 -singlefile "$shots/report.pdf" "$shots/pdf-page1"
pdftotext -f 1 -l 1 "$shots/report.pdf" "$shots/pdf-page1.txt"
grep -q "Summary" "$shots/pdf-page1.txt" ||
    { echo "FAIL: page 1 of the printed PDF has no Summary" >&2; exit 1; }
echo "printed PDF: $pages pages (A4), page 1 holds the summary"

python3 - "$work/dom.html" "$shots/top.png" "$shots/page.png" "$shots/pdf-page1.png" "${ids[@]}" <<'PY'
import re
import struct
import sys
import zlib

dom_path, top_path, page_path, pdf_path, *ids = sys.argv[1:]
failures = []

dom = open(dom_path, encoding="utf-8", errors="replace").read()
if "<main" not in dom or "<h1" not in dom:
    failures.append("the DOM has no <main>/<h1>: the page did not load")
for pid in ids:
    m = re.search(r'<figure[^>]*\bid="plot-%s"[^>]*>(.*?)</figure>' % re.escape(pid), dom, re.S)
    if not m:
        failures.append(f"plot {pid}: no <figure id=\"plot-{pid}\"> in the DOM")
    elif "<svg" not in m.group(1) or "</svg>" not in m.group(1):
        failures.append(f"plot {pid}: its figure holds no inline <svg>")
    elif "<text" not in m.group(1):
        failures.append(f"plot {pid}: its SVG has no text")
for bad in ("src=\"http", "href=\"http", "url(http", "<script", "<link"):
    if bad in dom:
        failures.append(f"the DOM contains {bad!r}: the report would fetch something")


def pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit, non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or interlace != 0 or ctype not in (2, 6):
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {ctype})")
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check(path, what, min_colours, min_ink):
    w, h, bpp, rows = pixels(path)
    colours, ink = set(), 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            px = row[x:x + 3]
            colours.add(px)
            if px[0] < 235 or px[1] < 235 or px[2] < 235:
                ink += 1
    share = ink / (w * h)
    print(f"{what}: {w}x{h}, {len(colours)} distinct colours, {100 * share:.1f}% non-white")
    if len(colours) < min_colours:
        failures.append(f"{what} looks blank: {len(colours)} distinct colours")
    if share < min_ink:
        failures.append(f"{what} looks blank: {100 * share:.2f}% non-white pixels")


check(top_path, "top of the page", 20, 0.01)
check(page_path, "whole page", 100, 0.03)
check(pdf_path, "page 1 of the printed PDF", 20, 0.01)
if 'id="summary"' not in dom:
    failures.append("the DOM has no summary section")

if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print(f"report rendered: {len(ids)} plots in the DOM ({', '.join(ids)}), screenshots not blank")
PY
