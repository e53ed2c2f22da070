//! The plots as inline SVG figures with captions, and the plots left out.

use super::*;

pub(super) fn figures(plots: &Plots) -> Markup {
    html! {
        h2 id="plots" { "Plots" } "\n"
        @for p in &plots.drawn {
            (figure(p))
        }
        @for s in &plots.skipped {
            p class="note" id={ "skipped-" (s.id) } {
                b { (s.title) } ": not drawn, " (s.reason) "."
            }
            "\n"
        }
    }
}

/// One plot as an inline SVG figure with its caption and links to its files in `plots/`.
pub(super) fn figure(p: &Plot) -> Markup {
    let names: Vec<String> = p
        .files
        .iter()
        .filter_map(|f| f.file_name())
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    html! {
        figure class="plot" id={ "plot-" (p.id) } data-plot=(p.id) {
            "\n" (inline_svg(&p.svg, p.id, &p.title)) "\n"
            figcaption {
                b { (p.title) "." } " " (p.caption) " "
                span class="muted" {
                    "Files: "
                    @for (i, name) in names.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "plots/" (name) } { "plots/" (name) }
                    }
                    "."
                }
            }
            "\n"
        }
        "\n"
    }
}

/// plotters' SVG document as an inline `<svg>`: the root's fixed width and height and
/// its namespace attribute go (the viewBox scales it), a title is added. The SVG is
/// plotters' own well-formed output (its text already escaped), so it is passed
/// through as [`PreEscaped`]; only the root tag is edited, and the title is escaped by
/// maud.
pub(super) fn inline_svg(svg: &str, id: &str, title: &str) -> Markup {
    let body = svg.find("<svg").map_or(svg, |i| &svg[i..]).trim_end();
    let Some(end) = body.find('>') else {
        return PreEscaped(body.to_string());
    };
    let mut root = body[..end].to_string();
    for attr in ["width", "height", "xmlns"] {
        if let Some(i) = root.find(&format!(" {attr}=\"")) {
            let start = i + attr.len() + 3;
            if let Some(j) = root[start..].find('"') {
                root.replace_range(i..start + j + 1, "");
            }
        }
    }
    html! {
        // plotters' root tag, kept open to take our role and label (`id` is a plot's
        // fixed name).
        (PreEscaped(format!("{root} role=\"img\" aria-labelledby=\"title-{id}\">")))
        title id={ "title-" (id) } { (title) }
        (PreEscaped(&body[end + 1..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_size_and_namespace() {
        let svg = "<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>\n";
        let out = inline_svg(svg, "x", "A & B").into_string();
        assert!(
            out.starts_with("<svg viewBox=\"0 0 10 20\" role=\"img\""),
            "{out}"
        );
        assert!(!out.contains("http"), "{out}");
        assert!(
            out.contains("<title id=\"title-x\">A &amp; B</title>"),
            "{out}"
        );
        assert!(out.ends_with("<rect/></svg>"), "{out}");
    }
}
