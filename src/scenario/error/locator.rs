//! [`Locator`]: many errors of one document (or of a composed scenario's files) placed
//! cheaply, each at its file, line and key.

use super::*;

/// Places many semantic errors in one document cheaply: the document is parsed into a span
/// tree on the first error only, its line starts are indexed once, and every error shares
/// one copy of the text. Validation of a large file with thousands of errors stays linear.
///
/// A composed scenario (`extends`) is validated as one merged document but written in
/// several files: [`Locator::composed`] maps each merged key path back to the file and the
/// local path it came from, so an error points at the line the user wrote.
pub struct Locator<'a> {
    /// The documents, the scenario's own first.
    pub(super) parts: Vec<Part<'a>>,
    /// Where each merged key came from (composed scenarios only).
    origin: Option<&'a crate::scenario::compose::Origin>,
}

/// One document of a [`Locator`], parsed lazily.
pub(super) struct Part<'a> {
    file: &'a str,
    text: &'a str,
    format: Format,
    /// The parsed span tree (outer None: not parsed yet; inner None: does not parse).
    tree: Option<Option<Node>>,
    /// Byte offset of the start of every line after the first.
    line_starts: Option<Vec<usize>>,
    shared: Option<Arc<str>>,
}

impl<'a> Locator<'a> {
    /// A locator for `text` (named `file` in messages) in `format`; parses nothing yet.
    pub fn new(file: &'a str, text: &'a str, format: Format) -> Self {
        Locator {
            parts: vec![Part::new(file, text, format)],
            origin: None,
        }
    }

    /// A locator for a composed scenario: `files` as read (the scenario's own first) and
    /// the `origin` of every key of the merged document.
    pub fn composed(
        files: &'a [crate::scenario::compose::SourceFile],
        origin: &'a crate::scenario::compose::Origin,
    ) -> Self {
        Locator {
            parts: files
                .iter()
                .map(|f| Part::new(&f.label, &f.text, f.format))
                .collect(),
            origin: Some(origin),
        }
    }

    /// The error `message` (with `help`) at `path`, as [`ScenarioError::at`] makes it.
    pub fn error(
        &mut self,
        path: &KeyPath,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ScenarioError {
        self.error_narrowed(path, message.into(), help, false)
    }

    /// [`Locator::error`]; if `narrow`, the span is narrowed to a value the message names
    /// in backticks (a type error in a tagged table comes with the whole table's path).
    pub(in crate::scenario) fn error_narrowed(
        &mut self,
        path: &KeyPath,
        message: String,
        help: Option<String>,
        narrow: bool,
    ) -> ScenarioError {
        let (index, local) = match self.origin {
            Some(origin) => origin.locate(path),
            None => (0, path.clone()),
        };
        let last = self.parts.len() - 1;
        let part = &mut self.parts[index.min(last)];
        let (text, format) = (part.text, part.format);
        let tree = part.tree.get_or_insert_with(|| parse_tree(text, format));
        // Depth 0 is the document itself: underlining all of it (or nothing at 0..0) helps no one.
        let span = tree
            .as_ref()
            .map(|t| t.locate(&local))
            .and_then(|(range, depth)| (depth > 0).then_some(range))
            .map(|r| clamp_range(text, r))
            .map(|r| match narrow {
                true => narrow_to_named_value(text, r, &message),
                false => r,
            });
        let position = match &span {
            Some(r) => part.line_col(r.start),
            None => (0, 0),
        };
        let shared = part.shared.get_or_insert_with(|| Arc::from(text)).clone();
        ScenarioError::assemble(
            part.file,
            shared,
            span,
            position,
            local.to_string(),
            message,
            help,
        )
    }
}

impl<'a> Part<'a> {
    fn new(file: &'a str, text: &'a str, format: Format) -> Self {
        Part {
            file,
            text,
            format,
            tree: None,
            line_starts: None,
            shared: None,
        }
    }

    /// [`line_col`] by binary search in the line index (built on first use).
    pub(super) fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let starts = self.line_starts.get_or_insert_with(|| {
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1)
                .collect()
        });
        let off = floor_boundary(text, offset);
        let line = starts.partition_point(|&s| s <= off);
        let line_start = if line == 0 { 0 } else { starts[line - 1] };
        (line + 1, text[line_start..off].chars().count() + 1)
    }
}

/// The key path in `source` (TOML) of the position a toml error points at, with the
/// error's message and help as [`ScenarioError::from_toml`] words them; the root path if
/// the error has no position. Used to place type errors of a composed document.
pub(in crate::scenario) fn toml_error_path(
    source: &str,
    err: &toml::de::Error,
) -> (KeyPath, String, Option<String>) {
    let (message, help) = explain(err.message().trim());
    let path = err
        .span()
        .and_then(|r| parse_tree(source, Format::Toml)?.path_at(floor_boundary(source, r.start)))
        .unwrap_or_default();
    (path, message, help)
}
