//! Scenario-file errors a user can act on: where (file, line, column, key), what is wrong,
//! and what would be right. They print as one plain line and render with miette as a snippet.
//!
//! Positions come from the documents themselves: TOML through `toml::de::DeTable` (spanned keys
//! and values), JSON through `jsonc_parser`'s AST (ranged nodes), so semantic checks made after
//! deserialising can still point at the offending key.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use jsonc_parser::ast::Value as JsonValue;
use jsonc_parser::common::Ranged;
use miette::{NamedSource, SourceSpan};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Nesting deeper than this is not descended into, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 128;

/// Format of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the documented format.
    Toml,
    /// JSON with the same keys as the TOML.
    Json,
}

impl Format {
    /// `.json` (any case) is JSON; everything else is read as TOML, the documented default.
    pub fn from_path(p: &Path) -> Format {
        match p.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// One step of a key path into the scenario document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    /// A table key, such as `customs`.
    Key(String),
    /// A position in an array, counting from 0, such as the 3 of `nodes[3]`.
    Index(usize),
}

/// A path such as `nodes[3].customs.inspectors`; Display prints exactly that form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<PathSeg>);

impl KeyPath {
    /// The empty path: the document itself.
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// A copy with a table key appended, so callers can build paths while recursing.
    pub fn key(&self, k: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(PathSeg::Key(k.to_string()));
        KeyPath(segs)
    }

    /// A copy with an array index appended.
    pub fn index(&self, i: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(PathSeg::Index(i));
        KeyPath(segs)
    }
}

impl fmt::Display for KeyPath {
    /// Keys joined by `.`, indices as `[i]`; keys that are not bare TOML keys are quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Index(n) => write!(f, "[{n}]")?,
                PathSeg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if bare {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A scenario-file error a user can act on: where (file, line, column, key), what is wrong,
/// what would be right. Renders with miette (source snippet, underline, help).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.headline())]
pub struct ScenarioError {
    /// Path as the user gave it.
    pub file: String,
    /// 1-based; 0 if unknown (missing file, or the error concerns the whole document).
    pub line: usize,
    /// 1-based, counted in characters; 0 if unknown.
    pub column: usize,
    /// The [`KeyPath`] display, e.g. `nodes[3].country`; empty if none.
    pub key: String,
    /// What is wrong (and what was found).
    pub message: String,
    /// What would be right, e.g. "did you mean `servers`?".
    #[help]
    pub help: Option<String>,
    /// The file's text, for miette's snippet; shared by every error of one document.
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    /// The offending bytes, clamped to `src` and to char boundaries.
    #[label("here")]
    pub span: Option<SourceSpan>,
}

impl ScenarioError {
    /// One plain line: `file:line:column: key: message`, dropping the parts that are unknown.
    fn headline(&self) -> String {
        let mut s = self.file.clone();
        if self.line > 0 {
            s.push_str(&format!(":{}:{}", self.line, self.column));
        }
        s.push_str(": ");
        if !self.key.is_empty() {
            s.push_str(&self.key);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        s
    }

    /// Assembles an error, deriving line and column from the (clamped) span start.
    fn build(
        file: &str,
        source: Arc<str>,
        span: Option<Range<usize>>,
        key: String,
        message: String,
        help: Option<String>,
    ) -> Self {
        let span = span.map(|r| clamp_range(&source, r));
        let (line, column) = match &span {
            Some(r) => line_col(&source, r.start),
            None => (0, 0),
        };
        Self::assemble(file, source, span, (line, column), key, message, help)
    }

    /// Assembles an error whose line and column are already known.
    fn assemble(
        file: &str,
        source: Arc<str>,
        span: Option<Range<usize>>,
        (line, column): (usize, usize),
        key: String,
        message: String,
        help: Option<String>,
    ) -> Self {
        let message = compact_numbers(&message);
        let help = help.map(|h| compact_numbers(&h));
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            key,
            message,
            help,
            src: NamedSource::new(file, source),
            span: span.map(SourceSpan::from),
        }
    }

    /// A semantic error at `path` (found by `locate`; if the exact path is missing, the nearest
    /// existing ancestor's span). Errors about the whole document get line and column 0.
    /// For many errors in one document, a [`Locator`] parses it only once.
    pub fn at(
        file: &str,
        source: &str,
        format: Format,
        path: &KeyPath,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Locator::new(file, source, format).error(path, message, help)
    }

    /// A note about the whole file with no position (e.g. how many errors were not listed).
    pub fn summary(file: &str, message: impl Into<String>) -> Self {
        Self::build(
            file,
            Arc::from(""),
            None,
            String::new(),
            message.into(),
            None,
        )
    }

    /// A file that cannot be read (missing, unreadable): line/column 0, message names file and OS error.
    pub fn io(file: &str, err: &std::io::Error) -> Self {
        let message = format!("cannot read scenario file `{file}`: {err}");
        Self::build(file, Arc::from(""), None, String::new(), message, None)
    }

    /// From a toml parse or deserialize error, using `message()` (Display repeats a snippet).
    pub fn from_toml(file: &str, source: &str, err: &toml::de::Error) -> Self {
        let (message, help) = explain(err.message().trim());
        // An error inside a tagged table (a disruption, a distribution) comes with the
        // whole table's span: point at the value the message names, if it is there once.
        let span = err
            .span()
            .map(|r| narrow_to_named_value(source, r, &message));
        let key = match &span {
            Some(r) => {
                // Recoverable parsing still yields spans for documents with syntax errors.
                let (tree, _) = DeTable::parse_recoverable(source);
                let tree = toml_tree(
                    Spanned::new(tree.span(), DeValue::Table(tree.into_inner())),
                    0,
                );
                let off = floor_boundary(source, r.start);
                match tree.path_at(off) {
                    Some(path) => path.to_string(),
                    None => toml_key_on_line(source, off),
                }
            }
            // Without a position toml's Display ends with "in `a.b`": the key path it knows.
            None => toml_keys_from_display(&err.to_string()),
        };
        Self::build(file, Arc::from(source), span, key, message, help)
    }

    /// From a serde_json error, whose 1-based line and byte column mark the last byte read.
    pub fn from_json(file: &str, source: &str, err: &serde_json::Error) -> Self {
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let raw = full.strip_suffix(&suffix).unwrap_or(&full);
        let (message, help) = explain(raw.trim());
        if raw.trim() == "trailing characters" {
            // After the document's closing bracket no key is in force: blame none.
            let off = json_offset(source, err.line(), err.column());
            let end = ceil_boundary(source, off.saturating_add(1));
            return Self::build(
                file,
                Arc::from(source),
                Some(off..end),
                String::new(),
                "text after the end of the JSON document (trailing characters)".into(),
                Some("a JSON scenario is one object: remove what follows its closing `}`".into()),
            );
        }
        if err.line() == 0 {
            return Self::build(file, Arc::from(source), None, String::new(), message, help);
        }
        let off = json_offset(source, err.line(), err.column());
        let found = parse_tree(source, Format::Json).and_then(|tree| tree.hit_at(off));
        let (span, key) = match found {
            Some((path, range)) => (range, path.to_string()),
            None => {
                let end = ceil_boundary(source, off.saturating_add(1));
                (off..end, json_last_key_before(source, off))
            }
        };
        Self::build(file, Arc::from(source), Some(span), key, message, help)
    }
}

/// Writes every run of more than 17 digits (an f64 such as 1e308 printed in full) in
/// scientific notation, so that a message never echoes hundreds of digits.
pub fn compact_numbers(text: &str) -> String {
    let is_num = |c: char| c.is_ascii_digit() || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let len = tail.find(|c: char| !is_num(c)).unwrap_or(tail.len());
        let run = &tail[..len];
        let digits = run.chars().filter(char::is_ascii_digit).count();
        match run.parse::<f64>() {
            Ok(v) if digits > 17 && v.is_finite() => out.push_str(&format!("{v:e}")),
            _ => out.push_str(run),
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// Within `span` of `source`, the string literal of a value `message` names in backticks
/// (the longest such value found there exactly once), else `span` itself.
fn narrow_to_named_value(source: &str, span: Range<usize>, message: &str) -> Range<usize> {
    let span = clamp_range(source, span);
    // A table's span may be its `[[header]]` only: look on to the next header.
    let end = source[span.end..]
        .find("\n[")
        .map_or(source.len(), |i| span.end + i);
    let region = &source[span.start..end];
    let mut named: Vec<&str> = message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|v| !v.is_empty())
        .collect();
    named.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in named {
        for quote in ['"', '\''] {
            let literal = format!("{quote}{v}{quote}");
            let mut hits = region.match_indices(&literal);
            if let (Some((at, _)), None) = (hits.next(), hits.next()) {
                let start = span.start + at;
                return start..start + literal.len();
            }
        }
    }
    span
}

/// Byte range in `source` of the value at `path` (TOML via `DeTable`, JSON via jsonc_parser).
/// Tables defined with `[[nodes]]` count in order: `nodes[3]` is the 4th; a table defined by a
/// header spans its header. Returns None if the document doesn't parse; if the path doesn't
/// exist fully, the span of the deepest existing prefix.
pub fn locate(source: &str, format: Format, path: &KeyPath) -> Option<Range<usize>> {
    parse_tree(source, format).map(|tree| tree.locate(path).0)
}

/// 1-based (line, column) of a byte offset, column counted in chars; offsets are clamped.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let off = floor_boundary(source, offset);
    let before = &source[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The closest candidate by case-insensitive Levenshtein distance, if within max(1, len/3);
/// ties go to the smallest name, so the suggestion does not depend on iteration order.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lc = word.to_lowercase();
    let limit = (word_lc.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        // strsim counts edits of chars (Unicode scalar values), as the limit does.
        let d = strsim::levenshtein(&word_lc, &cand.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Rewrites serde's "unknown field/variant `x`, expected ..." into a short message and a help
/// line with a suggestion and the valid names; "missing field `x`" gets a help line too.
fn explain(raw: &str) -> (String, Option<String>) {
    for (prefix, noun, what) in [
        ("unknown field `", "key", "valid keys"),
        ("unknown variant `", "value", "valid values"),
    ] {
        let Some(start) = raw.find(prefix) else {
            continue;
        };
        let rest = &raw[start + prefix.len()..];
        let Some(close) = rest.find('`') else {
            continue;
        };
        let found = &rest[..close];
        let tail = &rest[close + 1..];
        // Expected names are the backtick-quoted words after "expected"; serde lists them all.
        let expected: Vec<&str> = match tail.find("expected") {
            Some(i) => tail[i..].split('`').skip(1).step_by(2).collect(),
            None => Vec::new(),
        };
        let message = format!("{}unknown {noun} `{found}`", &raw[..start]);
        if expected.is_empty() {
            return (raw.to_string(), None);
        }
        let listed = expected
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match did_you_mean(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {what}: {listed}"),
            None => format!("{what}: {listed}"),
        };
        return (message, Some(help));
    }
    if let Some(name) = raw
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return (
            raw.to_string(),
            Some(format!("add the required key `{name}`")),
        );
    }
    (raw.to_string(), None)
}

/// A document reduced to what error reporting needs: spans of keys and values, and nesting.
struct Node {
    span: Range<usize>,
    kind: NodeKind,
}

/// Children of a [`Node`]: table entries (key, key span, value) or array elements.
enum NodeKind {
    Leaf,
    Table(Vec<(String, Range<usize>, Node)>),
    Array(Vec<Node>),
}

impl Node {
    /// Span of the value at `path`, or of its deepest existing prefix, with that prefix's length.
    fn locate(&self, path: &KeyPath) -> (Range<usize>, usize) {
        let mut node = self;
        let mut depth = 0;
        for seg in &path.0 {
            let next = match (seg, &node.kind) {
                (PathSeg::Key(k), NodeKind::Table(entries)) => entries
                    .iter()
                    .find(|(name, _, _)| name == k)
                    .map(|(_, _, v)| v),
                (PathSeg::Index(i), NodeKind::Array(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => {
                    node = n;
                    depth += 1;
                }
                None => break,
            }
        }
        (node.span.clone(), depth)
    }

    /// Key path of the deepest key or value whose span holds `offset`; None if only the root does.
    fn path_at(&self, offset: usize) -> Option<KeyPath> {
        self.hit_at(offset).map(|(path, _)| path)
    }

    /// Deepest key or value span holding `offset`, with its path (smallest span breaks ties).
    fn hit_at(&self, offset: usize) -> Option<(KeyPath, Range<usize>)> {
        let mut best: Option<(KeyPath, Range<usize>)> = None;
        self.collect_hits(&KeyPath::root(), offset, &mut best);
        best
    }

    /// Visits every child, since header-defined TOML tables do not lie inside their parent's span.
    fn collect_hits(&self, here: &KeyPath, off: usize, best: &mut Option<(KeyPath, Range<usize>)>) {
        match &self.kind {
            NodeKind::Leaf => {}
            NodeKind::Table(entries) => {
                for (name, key_span, value) in entries {
                    let path = here.key(name);
                    consider(best, path.clone(), key_span, off);
                    consider(best, path.clone(), &value.span, off);
                    value.collect_hits(&path, off, best);
                }
            }
            NodeKind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = here.index(i);
                    consider(best, path.clone(), &item.span, off);
                    item.collect_hits(&path, off, best);
                }
            }
        }
    }
}

/// Keeps `path` as the best hit if `span` covers `off` and it is deeper (or tighter) than the last.
fn consider(
    best: &mut Option<(KeyPath, Range<usize>)>,
    path: KeyPath,
    span: &Range<usize>,
    off: usize,
) {
    if !span_holds(span, off) {
        return;
    }
    let better = match best {
        None => true,
        Some((bp, bs)) => {
            path.0.len() > bp.0.len() || (path.0.len() == bp.0.len() && span.len() < bs.len())
        }
    };
    if better {
        *best = Some((path, span.clone()));
    }
}

/// Whether `span` covers `off`; an empty span covers its own position.
fn span_holds(span: &Range<usize>, off: usize) -> bool {
    (span.start <= off && off < span.end) || (span.start == span.end && span.start == off)
}

/// Parses `source` strictly into a [`Node`] tree; None if it is not valid in `format`.
fn parse_tree(source: &str, format: Format) -> Option<Node> {
    match format {
        Format::Toml => {
            let table = DeTable::parse(source).ok()?;
            Some(toml_tree(
                Spanned::new(table.span(), DeValue::Table(table.into_inner())),
                0,
            ))
        }
        Format::Json => {
            // jsonc_parser recurses once per level, without a limit: deep input would
            // overflow the stack. serde_json has refused such a document already.
            if json_nesting_exceeds(source, MAX_DEPTH) {
                return None;
            }
            let parsed = jsonc_parser::parse_to_ast(
                source,
                &jsonc_parser::CollectOptions::default(),
                &jsonc_parser::ParseOptions::default(),
            )
            .ok()?;
            parsed.value.as_ref().map(|v| json_tree(v, 0))
        }
    }
}

/// Whether brackets and braces outside strings nest deeper than `limit` (comments are not
/// skipped, so this may over-count, which only costs a less precise key).
fn json_nesting_exceeds(source: &str, limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in source.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Converts a spanned TOML value; `[[x]]` arrays and header tables keep their header spans.
fn toml_tree(value: Spanned<DeValue<'_>>, depth: usize) -> Node {
    let span = value.span();
    let kind = match value.into_inner() {
        _ if depth >= MAX_DEPTH => NodeKind::Leaf,
        DeValue::Table(t) => NodeKind::Table(
            t.into_iter()
                .map(|(k, v)| {
                    let key_span = k.span();
                    (
                        k.into_inner().into_owned(),
                        key_span,
                        toml_tree(v, depth + 1),
                    )
                })
                .collect(),
        ),
        DeValue::Array(a) => {
            NodeKind::Array(a.into_iter().map(|v| toml_tree(v, depth + 1)).collect())
        }
        _ => NodeKind::Leaf,
    };
    Node { span, kind }
}

/// Converts a jsonc_parser AST value.
fn json_tree(value: &JsonValue<'_>, depth: usize) -> Node {
    let r = value.range();
    let kind = match value {
        _ if depth >= MAX_DEPTH => NodeKind::Leaf,
        JsonValue::Object(o) => NodeKind::Table(
            o.properties
                .iter()
                .map(|p| {
                    let kr = p.name.range();
                    (
                        p.name.as_str().to_string(),
                        kr.start..kr.end,
                        json_tree(&p.value, depth + 1),
                    )
                })
                .collect(),
        ),
        JsonValue::Array(a) => {
            NodeKind::Array(a.elements.iter().map(|v| json_tree(v, depth + 1)).collect())
        }
        _ => NodeKind::Leaf,
    };
    Node {
        span: r.start..r.end,
        kind,
    }
}

/// Byte offset of serde_json's (1-based line, 1-based byte column) position, clamped.
fn json_offset(source: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match source[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return source.len(),
        }
    }
    floor_boundary(source, line_start.saturating_add(column.saturating_sub(1)))
}

/// The last `"name":` before `off`, skipping string contents; empty if there is none.
fn json_last_key_before(source: &str, off: usize) -> String {
    let text = &source[..floor_boundary(source, off)];
    let mut last = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut end = None;
        let mut escaped = false;
        for (j, d) in chars.by_ref() {
            match d {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(j);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        if text[end + 1..].trim_start().starts_with(':') {
            last = text[i + 1..end].to_string();
        }
    }
    last
}

/// Best-effort key for a TOML position that no parsed key covers: `key` of a `key = value` line.
fn toml_key_on_line(source: &str, off: usize) -> String {
    let line_start = source[..off].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[off..].find('\n').map_or(source.len(), |i| off + i);
    let line = &source[line_start..line_end];
    let Some(eq) = line.find('=') else {
        return String::new();
    };
    let key = line[..eq].trim();
    let plausible = !key.is_empty() && !key.starts_with('[') && !key.starts_with('#');
    if plausible {
        key.to_string()
    } else {
        String::new()
    }
}

/// The key path in toml's Display when it has no position to show: its "in `a.b`" line.
fn toml_keys_from_display(display: &str) -> String {
    display
        .lines()
        .rev()
        .find_map(|l| {
            l.trim()
                .strip_prefix("in `")
                .and_then(|r| r.strip_suffix('`'))
        })
        .unwrap_or_default()
        .to_string()
}

/// `offset` clamped to `source` and moved back to a char boundary.
fn floor_boundary(source: &str, offset: usize) -> usize {
    source.floor_char_boundary(offset.min(source.len()))
}

/// `offset` clamped to `source` and moved forward to a char boundary.
fn ceil_boundary(source: &str, offset: usize) -> usize {
    source.ceil_char_boundary(offset.min(source.len()))
}

/// A range inside `source` on char boundaries with start <= end, whatever was passed in.
fn clamp_range(source: &str, r: Range<usize>) -> Range<usize> {
    let start = floor_boundary(source, r.start);
    let end = ceil_boundary(source, r.end.max(start));
    start..end
}

mod locator;
#[cfg(test)]
mod tests;

pub use locator::Locator;
pub(super) use locator::toml_error_path;
