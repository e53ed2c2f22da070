//! The plots as inline SVG figures with captions, and the plots left out.

use super::*;

pub(super) fn figures(h: &mut String, plots: &Plots) {
    h.push_str("<h2 id=\"plots\">Plots</h2>\n");
    for p in &plots.drawn {
        let _ = writeln!(
            h,
            "<figure class=\"plot\" id=\"plot-{id}\" data-plot=\"{id}\">\n{svg}\n\
             <figcaption><b>{title}.</b> {caption} <span class=\"muted\">Files: \
             <a href=\"plots/{id}.png\">plots/{id}.png</a>, \
             <a href=\"plots/{id}.svg\">plots/{id}.svg</a>.</span></figcaption>\n</figure>",
            id = p.id,
            svg = inline_svg(&p.svg, p.id, &p.title),
            title = esc(&p.title),
            caption = esc(&p.caption),
        );
    }
    for s in &plots.skipped {
        let _ = writeln!(
            h,
            "<p class=\"note\" id=\"skipped-{}\"><b>{}</b>: not drawn, {}.</p>",
            s.id,
            esc(&s.title),
            esc(&s.reason)
        );
    }
}

/// plotters' SVG document as an inline `<svg>`: the root's fixed width and height and
/// its namespace attribute go (the viewBox scales it), a title is added.
pub(super) fn inline_svg(svg: &str, id: &str, title: &str) -> String {
    let body = svg
        .find("<svg")
        .map_or(svg, |i| &svg[i..])
        .trim_end()
        .to_string();
    let Some(end) = body.find('>') else {
        return body;
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
    format!(
        "{root} role=\"img\" aria-labelledby=\"title-{id}\"><title id=\"title-{id}\">{}</title>{}",
        esc(title),
        &body[end + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_size_and_namespace() {
        let svg = "<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>\n";
        let out = inline_svg(svg, "x", "A & B");
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
