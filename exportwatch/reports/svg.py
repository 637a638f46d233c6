"""Two small charts as inline SVG, drawn here rather than with a plotting library: a stacked bar
chart of changes per month per jurisdiction, and a heat map of divergence by category. Plain
shapes and text only, so browsers, WeasyPrint (PDF) and print all draw them alike. Each bar and
cell carries a <title> with its exact number."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# Colour-blind-safe palette (Okabe-Ito), one colour per jurisdiction in report order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "font-family:DejaVu Sans,Arial,sans-serif"


def _nice_max(n: int) -> int:
    """The top of the y axis: four equal whole-number steps of 1, 2 or 5 x 10^k covering n."""
    need = max(1, -(-n // 4))
    step = int(10 ** (len(str(need)) - 1))
    for mult in (1, 2, 5, 10):
        if need <= mult * step:
            return 4 * mult * step
    return 4 * need


def bar_chart(months: Sequence[str], series: dict[str, dict[str, int]], *, width: int = 720,
              height: int = 260) -> str:
    """Stacked bars, one per month, a segment per jurisdiction (`series`: jurisdiction -> month ->
    count)."""
    names = list(series)
    totals = [sum(series[j].get(m, 0) for j in names) for m in months]
    top = _nice_max(max(totals, default=0))
    left, right, bottom, head = 44, 10, 46, 26
    plot_w, plot_h = width - left - right, height - bottom - head
    slot = plot_w / max(len(months), 1)
    bar = max(min(slot * 0.7, 40.0), 1.0)
    label_every = max(1, round(len(months) / 12))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="Changes per month per jurisdiction" '
           f'style="{FONT};font-size:10px">']
    for i in range(5):  # gridlines and y labels
        v = top * i / 4
        y = head + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{round(v)}</text>')
    for i, m in enumerate(months):
        x = left + slot * i + (slot - bar) / 2
        y = head + plot_h
        for k, j in enumerate(names):
            n = series[j].get(m, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(j)} {m}: {n}</title></rect>')
        if totals[i]:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{totals[i]}</text>')
        if i % label_every == 0:
            lx, ly = left + slot * i + slot / 2, head + plot_h + 12
            out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" '
                       f'transform="rotate(-45 {lx:.1f} {ly:.1f})">{m}</text>')
    x = left
    for k, j in enumerate(names):  # legend
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 14}" y="15">{escape(j)}</text>')
        x += 24 + 7 * len(j)
    out.append("</svg>")
    return "".join(out)


def heat_colour(value: int, top: int) -> str:
    """White to dark red by value / top; dark cells get white text (see `heat_text`)."""
    t = value / top if top else 0.0
    r = round(255 - (255 - 165) * t)
    g = round(255 - (255 - 15) * t)
    b = round(255 - (255 - 21) * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_text(value: int, top: int) -> str:
    return "#ffffff" if top and value / top > 0.55 else "#000000"


def heat_map(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int]], *,
             cell_w: int = 120, cell_h: int = 22) -> str:
    """Rows x columns of counts; colour by count over the largest count of its column (each
    column is its own measure)."""
    left, head = 90, 34
    width, height = left + cell_w * len(columns) + 4, head + cell_h * len(rows) + 4
    tops = [max((r[c] for r in values), default=0) for c in range(len(columns))]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="Divergence by category" '
           f'style="{FONT};font-size:10px">']
    for c, name in enumerate(columns):
        out.append(f'<text x="{left + cell_w * c + cell_w / 2:.1f}" y="{head - 8}" text-anchor="middle" '
                   f'font-weight="bold">{escape(name)}</text>')
    for r, name in enumerate(rows):
        y = head + cell_h * r
        out.append(f'<text x="{left - 6}" y="{y + cell_h / 2 + 3:.1f}" text-anchor="end">{escape(name)}</text>')
        for c in range(len(columns)):
            v = values[r][c]
            x = left + cell_w * c
            out.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                       f'fill="{heat_colour(v, tops[c])}" stroke="#999" stroke-width="0.5">'
                       f'<title>{escape(name)} / {escape(columns[c])}: {v}</title></rect>')
            out.append(f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + cell_h / 2 + 3:.1f}" text-anchor="middle" '
                       f'fill="{heat_text(v, tops[c])}">{v}</text>')
    out.append("</svg>")
    return "".join(out)
