//! Unit tests of error positions, messages and suggestions.

use super::*;
use serde::Deserialize;

const NODES_TOML: &str = "\
[scenario]
name = \"t\"

[[nodes]]
id = \"a\"
servers = 2
service = { mean = 1.5, sd = 0.2 }

[[nodes]]
id = \"b\"
servers = 0

[nodes.customs]
inspectors = 4
";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Node {
    id: String,
    #[serde(default)]
    servers: u32,
    #[serde(default)]
    kind: Option<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Seaport,
    Airport,
    Rail,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Doc {
    nodes: Vec<Node>,
}

fn text_at(source: &str, format: Format, path: &KeyPath) -> Option<String> {
    locate(source, format, path).map(|r| source[r].to_string())
}

fn plain_render(e: &ScenarioError) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    handler.render_report(&mut out, e).expect("render");
    out
}

#[test]
fn key_path_display() {
    let p = KeyPath::root()
        .key("nodes")
        .index(3)
        .key("customs")
        .key("inspectors");
    assert_eq!(p.to_string(), "nodes[3].customs.inspectors");
    assert_eq!(KeyPath::root().to_string(), "");
    assert_eq!(KeyPath::root().key("a b").to_string(), "\"a b\"");
}

#[test]
fn format_from_path() {
    assert_eq!(Format::from_path(Path::new("x/y.json")), Format::Json);
    assert_eq!(Format::from_path(Path::new("x/y.JSON")), Format::Json);
    assert_eq!(Format::from_path(Path::new("x/y.toml")), Format::Toml);
    assert_eq!(Format::from_path(Path::new("noext")), Format::Toml);
}

#[test]
fn locate_toml_array_of_tables() {
    let p = KeyPath::root().key("nodes").index(1).key("servers");
    let r = locate(NODES_TOML, Format::Toml, &p).expect("parses");
    assert_eq!(&NODES_TOML[r.clone()], "0");
    assert_eq!(line_col(NODES_TOML, r.start), (11, 11));
    let p = KeyPath::root()
        .key("nodes")
        .index(1)
        .key("customs")
        .key("inspectors");
    assert_eq!(text_at(NODES_TOML, Format::Toml, &p).as_deref(), Some("4"));
    let p = KeyPath::root().key("nodes").index(1);
    assert_eq!(
        text_at(NODES_TOML, Format::Toml, &p).as_deref(),
        Some("[[nodes]]")
    );
}

#[test]
fn locate_toml_inline_table() {
    let p = KeyPath::root()
        .key("nodes")
        .index(0)
        .key("service")
        .key("mean");
    assert_eq!(
        text_at(NODES_TOML, Format::Toml, &p).as_deref(),
        Some("1.5")
    );
    let p = KeyPath::root().key("nodes").index(0).key("service");
    assert_eq!(
        text_at(NODES_TOML, Format::Toml, &p).as_deref(),
        Some("{ mean = 1.5, sd = 0.2 }")
    );
}

#[test]
fn locate_json_paths() {
    let src = "{\n  \"nodes\": [\n    {\"id\": \"a\", \"servers\": 2},\n    {\"id\": \"b\", \"service\": {\"mean\": 1.5}}\n  ]\n}\n";
    let p = KeyPath::root()
        .key("nodes")
        .index(1)
        .key("service")
        .key("mean");
    assert_eq!(text_at(src, Format::Json, &p).as_deref(), Some("1.5"));
    let p = KeyPath::root().key("nodes").index(0).key("servers");
    let r = locate(src, Format::Json, &p).expect("parses");
    assert_eq!(&src[r.clone()], "2");
    assert_eq!(line_col(src, r.start), (3, 28));
}

#[test]
fn locate_falls_back_to_ancestor() {
    let p = KeyPath::root()
        .key("nodes")
        .index(0)
        .key("customs")
        .key("inspectors");
    assert_eq!(
        text_at(NODES_TOML, Format::Toml, &p).as_deref(),
        Some("[[nodes]]")
    );
    let p = KeyPath::root().key("nodes").index(7).key("id");
    let r = locate(NODES_TOML, Format::Toml, &p).expect("parses");
    assert_eq!(line_col(NODES_TOML, r.start).0, 4, "first [[nodes]] header");
    let src = "{\"nodes\": [{\"id\": \"a\"}]}";
    let p = KeyPath::root().key("nodes").index(0).key("servers");
    assert_eq!(
        text_at(src, Format::Json, &p).as_deref(),
        Some("{\"id\": \"a\"}")
    );
    assert_eq!(locate("a = [", Format::Toml, &p), None);
    assert_eq!(locate("{\"a\": ", Format::Json, &p), None);
}

#[test]
fn at_points_at_path() {
    let p = KeyPath::root().key("nodes").index(1).key("servers");
    let e = ScenarioError::at(
        "scenarios/bad.toml",
        NODES_TOML,
        Format::Toml,
        &p,
        "must be at least 1, found 0",
        None,
    );
    assert_eq!(
        e.to_string(),
        "scenarios/bad.toml:11:11: nodes[1].servers: must be at least 1, found 0"
    );
    assert!(plain_render(&e).contains("servers = 0"));
    let e = ScenarioError::at(
        "x.toml",
        NODES_TOML,
        Format::Toml,
        &KeyPath::root().key("flows"),
        "missing",
        None,
    );
    assert_eq!((e.line, e.column, e.span), (0, 0, None));
    assert_eq!(e.to_string(), "x.toml: flows: missing");
}

#[test]
fn line_col_counts_chars_and_clamps() {
    let s = "ab\ncé d\n";
    assert_eq!(line_col(s, 0), (1, 1));
    assert_eq!(line_col(s, 3), (2, 1));
    assert_eq!(line_col(s, 6), (2, 3), "after the two-byte é");
    assert_eq!(line_col(s, 5), (2, 2), "inside é clamps back");
    assert_eq!(line_col(s, 1000), (3, 1));
    assert_eq!(line_col("", 5), (1, 1));
}

#[test]
fn locator_positions_match_line_col() {
    let src = "a = 1\n\nb = \"é\"\n[[c]]\nd = 2\n";
    let mut loc = Locator::new("f", src, Format::Toml);
    for off in 0..src.len() + 3 {
        assert_eq!(
            loc.parts[0].line_col(off),
            line_col(src, off),
            "offset {off}"
        );
    }
    let p = KeyPath::root().key("c").index(0).key("d");
    let one = loc.error(&p, "m", None);
    let two = loc.error(&p, "n", None);
    assert_eq!((one.line, one.column), (5, 5));
    assert_eq!((two.line, two.column), (5, 5));
    assert_eq!(
        one.to_string(),
        ScenarioError::at("f", src, Format::Toml, &p, "m", None).to_string()
    );
}

#[test]
fn did_you_mean_picks_close_names() {
    let c = ["id", "name", "kind", "servers", "service"];
    assert_eq!(did_you_mean("servrs", c), Some("servers"));
    assert_eq!(did_you_mean("SERVERS", c), Some("servers"));
    assert_eq!(did_you_mean("xyz", c), None);
    assert_eq!(did_you_mean("", c), None);
    assert_eq!(
        did_you_mean("USX", ["USC", "USB"]),
        Some("USB"),
        "ties: smallest"
    );
    assert_eq!(did_you_mean("USX", ["USB", "USC"]), Some("USB"));
}

#[test]
fn from_toml_unknown_field() {
    let src = "[[nodes]]\nid = \"a\"\n\n[[nodes]]\nid = \"b\"\nservrs = 3\n";
    let err = toml::from_str::<Doc>(src).expect_err("unknown field");
    let e = ScenarioError::from_toml("s.toml", src, &err);
    assert_eq!((e.line, e.column), (6, 1));
    assert_eq!(e.key, "nodes[1].servrs");
    assert_eq!(e.message, "unknown key `servrs`");
    let help = e.help.clone().unwrap_or_default();
    assert!(help.starts_with("did you mean `servers`?"), "{help}");
    assert!(
        help.contains("valid keys: `id`, `servers`, `kind`"),
        "{help}"
    );
    assert_eq!(
        e.to_string(),
        "s.toml:6:1: nodes[1].servrs: unknown key `servrs`"
    );
    assert!(plain_render(&e).contains("did you mean"));
}

#[test]
fn from_toml_unknown_variant_and_type() {
    let src = "[[nodes]]\nid = \"a\"\nkind = \"seaprt\"\n";
    let err = toml::from_str::<Doc>(src).expect_err("unknown variant");
    let e = ScenarioError::from_toml("s.toml", src, &err);
    assert_eq!((e.line, e.column, e.key.as_str()), (3, 8, "nodes[0].kind"));
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `seaport`? valid values: `seaport`, `airport`, `rail`")
    );

    let src = "[[nodes]]\nid = \"a\"\nservers = \"many\"\n";
    let err = toml::from_str::<Doc>(src).expect_err("type");
    let e = ScenarioError::from_toml("s.toml", src, &err);
    assert_eq!(
        (e.line, e.column, e.key.as_str()),
        (3, 11, "nodes[0].servers")
    );
    assert!(e.message.starts_with("invalid type"), "{}", e.message);
    assert!(!e.message.contains('|'), "no toml snippet in the message");
}

#[test]
fn from_toml_syntax_error() {
    let src = "[[nodes]]\nid = \"a\"\nservers = 3 3\n";
    let err = toml::from_str::<Doc>(src).expect_err("syntax");
    let e = ScenarioError::from_toml("s.toml", src, &err);
    assert_eq!(e.line, 3);
    assert!(e.key.ends_with("servers"), "{}", e.key);
    let _ = plain_render(&e);
}

#[test]
fn from_json_type_error() {
    let src = "{\"nodes\": [{\"id\": \"a\"},\n  {\"id\": \"b\", \"servers\": \"x\"}]}";
    let err = serde_json::from_str::<Doc>(src).expect_err("type");
    let e = ScenarioError::from_json("s.json", src, &err);
    assert_eq!((e.line, e.column), (2, 26));
    assert_eq!(e.key, "nodes[1].servers");
    assert_eq!(e.message, "invalid type: string \"x\", expected u32");
    assert_eq!(
        e.to_string(),
        "s.json:2:26: nodes[1].servers: invalid type: string \"x\", expected u32"
    );
}

#[test]
fn from_json_unknown_field_and_eof() {
    let src = "{\"nodes\": [{\"id\": \"é\", \"servrs\": 3}]}";
    let err = serde_json::from_str::<Doc>(src).expect_err("unknown");
    let e = ScenarioError::from_json("s.json", src, &err);
    assert_eq!(e.key, "nodes[0].servrs");
    assert_eq!((e.line, e.column), (1, 24));
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .starts_with("did you mean `servers`?")
    );

    let src = "{\"nodes\": [{\"id\": \"b\"}]";
    let err = serde_json::from_str::<Doc>(src).expect_err("eof");
    let e = ScenarioError::from_json("s.json", src, &err);
    assert_eq!(e.line, 1);
    assert_eq!(e.key, "id");
    let _ = plain_render(&e);
}

#[test]
fn io_error_has_no_position() {
    let err = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
    let e = ScenarioError::io("missing.toml", &err);
    assert_eq!((e.line, e.column, e.span), (0, 0, None));
    assert_eq!(
        e.to_string(),
        "missing.toml: cannot read scenario file `missing.toml`: No such file or directory"
    );
    let _ = plain_render(&e);
}

#[test]
fn odd_input_never_panics() {
    let p = KeyPath::root().key("a").index(2).key("é");
    for src in [
        "",
        "\n",
        "é",
        "a = \"é\"",
        "[[a]]\n",
        "{\"a\": [1, 2, {\"é\": 1}]}",
        "[",
        "{",
        "\u{feff}a = 1",
    ] {
        for fmt in [Format::Toml, Format::Json] {
            let _ = locate(src, fmt, &p);
            let e = ScenarioError::at("f", src, fmt, &p, "m", None);
            let _ = plain_render(&e);
        }
        for off in 0..src.len() + 3 {
            let _ = line_col(src, off);
            let _ = json_last_key_before(src, off);
            let _ = toml_key_on_line(src, floor_boundary(src, off));
        }
        if let Err(err) = toml::from_str::<Doc>(src) {
            let _ = plain_render(&ScenarioError::from_toml("f", src, &err));
        }
        if let Err(err) = serde_json::from_str::<Doc>(src) {
            let _ = plain_render(&ScenarioError::from_json("f", src, &err));
        }
    }
    // Nesting far past any recursion limit, in both formats and on both error paths.
    let p = KeyPath::root().key("a").index(0);
    for (src, fmt) in [
        ("[".repeat(200_000), Format::Json),
        ("{\"a\":".repeat(100_000), Format::Json),
        (format!("a = {}", "[".repeat(200_000)), Format::Toml),
        (format!("a = {}", "{b=".repeat(100_000)), Format::Toml),
    ] {
        let _ = locate(&src, fmt, &p);
        let _ = ScenarioError::at("f", &src, fmt, &p, "m", None);
        if fmt == Format::Json {
            let err = serde_json::from_str::<Doc>(&src).expect_err("too deep");
            let _ = ScenarioError::from_json("f", &src, &err);
        } else {
            let err = toml::from_str::<Doc>(&src).expect_err("too deep");
            let _ = ScenarioError::from_toml("f", &src, &err);
        }
    }
    assert!(json_nesting_exceeds(&"[".repeat(129), 128));
    assert!(!json_nesting_exceeds("[\"[[[[[[[[\", {\"a\": [1]}]", 3));
    let (late, early) = (1, 0);
    assert_eq!(clamp_range("é", late..early), 0..0);
    assert_eq!(clamp_range("é", 1..1), 0..2);
    assert_eq!(clamp_range("ab", 5..9), 2..2);
}
