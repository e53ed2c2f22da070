//! Composition: a scenario that builds on other files with `extends`.
//!
//! ```toml
//! extends = "networks/us-japan.toml"   # or a list, applied in order
//! [scenario]
//! name = "my-closure"
//! [[flows]]
//! id = "JPTYO-USLAX"                   # matches the network's flow: merged into it
//! alternates = ["USNYC"]
//! ```
//!
//! How the pieces meet: [`compose`] reads the scenario and, depth first, every file it
//! extends (paths relative to the file that names them), merges them into one document
//! (the rules below), and writes that document as TOML text: the *flattened* scenario,
//! which is what runs, what shards carry and what a sweep edits. Each key of the merged
//! document keeps its [`Origin`] (which file, which key path there), so
//! [`super::error::Locator::composed`] puts every error at the file and line where the
//! offending key was written.
//!
//! Merge rules (docs/scenarios.md, "Composition"), applied base first, then each later
//! base, then the scenario itself:
//! - tables (`[scenario]`, `[response]`, `[sweep]`, and tables inside an element such as
//!   `[nodes.customs]`) merge key by key; a later file's key replaces an earlier one's;
//! - the top-level lists of named elements (`countries` by `code`, `strategies` by `name`,
//!   and `nodes`, `routes`, `flows`, `programmes`, `arrangements`, `disruptions` by `id`)
//!   merge by that key: an element whose key matches an earlier file's element is merged
//!   into it as a table (in place, so order is kept); any other element is appended;
//! - every other value, lists included (`alternates`, `traders`, `steps`), is replaced
//!   whole.
//!
//! Nothing can be removed by a later file: close a route or node with a disruption, or
//! set a flow's rate to zero, instead.

use super::ScenarioErrors;
use super::error::{Format, KeyPath, Locator, PathSeg, ScenarioError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use toml::Value;

/// The key naming the files a scenario builds on.
pub const EXTENDS: &str = "extends";

/// How deep `extends` may nest (a scenario over a network over a base is 2).
pub const MAX_EXTENDS_DEPTH: usize = 16;

/// One file of a composed scenario, as read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file's path as messages name it (relative to the directory of the run).
    pub label: String,
    /// Its text.
    pub text: String,
    /// Its format.
    pub format: Format,
}

/// A composed scenario: the files it was read from and the merged document's origins.
#[derive(Debug, Clone)]
pub struct Composition {
    /// Every file read, the scenario's own first, then its bases in reading order.
    pub files: Vec<SourceFile>,
    /// Where each key of the merged document came from.
    pub origin: Origin,
}

impl Composition {
    /// A locator that places errors of the merged document in the files written.
    pub fn locator(&self) -> Locator<'_> {
        Locator::composed(&self.files, &self.origin)
    }
}

/// Where a value of the merged document was written: a file (an index into
/// [`Composition::files`]) and the key path in that file, with its children's origins.
#[derive(Debug, Clone)]
pub struct Origin {
    file: usize,
    path: KeyPath,
    kids: Kids,
}

#[derive(Debug, Clone)]
enum Kids {
    Leaf,
    Table(BTreeMap<String, Origin>),
    Array(Vec<Origin>),
}

impl Origin {
    /// The origins of `value`, written at `path` in file `file`.
    fn of(value: &Value, file: usize, path: KeyPath) -> Origin {
        let kids = match value {
            Value::Table(t) => return Origin::of_table(t, file, path),
            Value::Array(a) => Kids::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Origin::of(v, file, path.index(i)))
                    .collect(),
            ),
            _ => Kids::Leaf,
        };
        Origin { file, path, kids }
    }

    /// The origins of the table `t`, written at `path` in file `file`.
    fn of_table(t: &toml::Table, file: usize, path: KeyPath) -> Origin {
        let kids = Kids::Table(
            t.iter()
                .map(|(k, v)| (k.clone(), Origin::of(v, file, path.key(k))))
                .collect(),
        );
        Origin { file, path, kids }
    }

    /// The file and local key path of the merged key `path`: the deepest part of it that
    /// was written somewhere, with the rest of the path appended (a key missing from the
    /// merged document is reported where its table was written).
    pub fn locate(&self, path: &KeyPath) -> (usize, KeyPath) {
        let mut node = self;
        let mut used = 0;
        for seg in &path.0 {
            let next = match (seg, &node.kids) {
                (PathSeg::Key(k), Kids::Table(t)) => t.get(k),
                (PathSeg::Index(i), Kids::Array(a)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => {
                    node = n;
                    used += 1;
                }
                None => break,
            }
        }
        let mut local = node.path.clone();
        local.0.extend(path.0[used..].iter().cloned());
        (node.file, local)
    }
}

/// Reads files a scenario extends.
pub trait Files {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> Result<String, String>;
}

/// Files from disk, at most `limit` bytes each (`--max-input-size`).
pub struct Disk {
    /// The largest file read, bytes.
    pub limit: u64,
}

impl Files for Disk {
    fn read(&self, path: &Path) -> Result<String, String> {
        let bytes = crate::input::read_regular(path, self.limit).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    }
}

/// The top-level lists whose elements are matched by a key, and that key.
fn identity_key(list: &str) -> Option<&'static str> {
    match list {
        "countries" => Some("code"),
        "strategies" => Some("name"),
        "nodes" | "routes" | "flows" | "programmes" | "arrangements" | "disruptions" => Some("id"),
        _ => None,
    }
}

/// True if the document (already known to be a table) names files to extend.
pub fn extends_anything(text: &str, format: Format) -> bool {
    match format {
        Format::Toml => toml::from_str::<toml::Table>(text)
            .map(|t| t.contains_key(EXTENDS))
            .unwrap_or(false),
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|v| v.get(EXTENDS).is_some())
            .unwrap_or(false),
    }
}

/// Composes the scenario `text` (named `label`, in `format`) with the files it extends,
/// read through `files`: the flattened TOML text of the merged document, and the
/// composition that locates its keys.
pub fn compose(
    text: &str,
    label: &str,
    format: Format,
    files: &dyn Files,
) -> Result<(String, Composition), ScenarioErrors> {
    let mut reader = Reader {
        files,
        read: vec![],
        stack: vec![],
        errors: vec![],
    };
    let merged = reader.document(text.to_string(), label.to_string(), format, None);
    if !reader.errors.is_empty() {
        return Err(ScenarioErrors(reader.errors));
    }
    let Some((value, origin)) = merged else {
        return Err(ScenarioErrors(reader.errors));
    };
    let composition = Composition {
        files: reader.read,
        origin,
    };
    let flat = match toml::to_string(&value) {
        Ok(flat) => flat,
        Err(e) => {
            let mut at = composition.locator();
            let msg = format!("the composed scenario cannot be written as TOML: {e}");
            return Err(ScenarioErrors(vec![at.error(&KeyPath::root(), msg, None)]));
        }
    };
    Ok((flat, composition))
}

/// Reads a file and its bases depth first, merging as it returns.
struct Reader<'f> {
    files: &'f dyn Files,
    /// Every file read, in reading order.
    read: Vec<SourceFile>,
    /// The normalised paths being read, outermost first (to report a cycle).
    stack: Vec<PathBuf>,
    errors: Vec<ScenarioError>,
}

impl Reader<'_> {
    /// The merged document of the file `text` (and its bases) with its origins; None if it
    /// could not be read, with the reasons in `self.errors`. `key` is the file's normalised
    /// path, for cycle detection (None for the scenario itself, read by the caller).
    fn document(
        &mut self,
        text: String,
        label: String,
        format: Format,
        key: Option<PathBuf>,
    ) -> Option<(Value, Origin)> {
        let index = self.read.len();
        let key = key.unwrap_or_else(|| normalise(Path::new(&label)));
        self.read.push(SourceFile {
            label,
            text,
            format,
        });
        self.stack.push(key);
        let out = self.document_at(index);
        self.stack.pop();
        out
    }

    fn document_at(&mut self, index: usize) -> Option<(Value, Origin)> {
        let file = &self.read[index];
        let mut table = match parse(file) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(*e);
                return None;
            }
        };
        let mut own_origin = Origin::of_table(&table, index, KeyPath::root());
        let extends = table.remove(EXTENDS);
        if let Kids::Table(t) = &mut own_origin.kids {
            t.remove(EXTENDS);
        }
        let mut bases: Vec<(Value, Origin)> = vec![];
        for (name, at) in self.base_names(index, extends) {
            if let Some(doc) = self.base(index, &name, &at) {
                bases.push(doc);
            }
        }
        let own = (Value::Table(table), own_origin);
        let mut acc: Option<(Value, Origin)> = None;
        for next in bases.into_iter().chain(std::iter::once(own)) {
            acc = Some(match acc {
                None => next,
                Some(mut base) => {
                    merge(&mut base, next, true);
                    base
                }
            });
        }
        acc
    }

    /// The file names in `extends` of file `index`, each with its key path there.
    fn base_names(&mut self, index: usize, extends: Option<Value>) -> Vec<(String, KeyPath)> {
        let root = KeyPath::root().key(EXTENDS);
        let help =
            || Some("write `extends = \"network.toml\"` or a list of file names".to_string());
        match extends {
            None => vec![],
            Some(Value::String(s)) => vec![(s, root.clone())],
            Some(Value::Array(items)) => {
                let mut names = vec![];
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => names.push((s, root.index(i))),
                        other => {
                            let msg =
                                format!("a file name must be a string, found {}", other.type_str());
                            let e = self.locator(index).error(&root.index(i), msg, help());
                            self.errors.push(e);
                        }
                    }
                }
                names
            }
            Some(other) => {
                let msg = format!(
                    "`extends` must be a file name or a list of file names, found {}",
                    other.type_str()
                );
                let e = self.locator(index).error(&root, msg, help());
                self.errors.push(e);
                vec![]
            }
        }
    }

    /// A locator for file `index` alone.
    fn locator(&self, index: usize) -> Locator<'_> {
        let f = &self.read[index];
        Locator::new(&f.label, &f.text, f.format)
    }

    /// Reads and composes the base `name`, named at `at` in file `index`.
    fn base(&mut self, index: usize, name: &str, at: &KeyPath) -> Option<(Value, Origin)> {
        let including = Path::new(&self.read[index].label);
        let path = including.parent().unwrap_or(Path::new("")).join(name);
        let key = normalise(&path);
        let fail = |me: &mut Self, msg: String, help: Option<String>| {
            let e = me.locator(index).error(at, msg, help);
            me.errors.push(e);
            None
        };
        if let Some(pos) = self.stack.iter().position(|p| *p == key) {
            let cycle: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&key))
                .map(|p| p.display().to_string())
                .collect();
            let msg = format!("`{name}` extends itself: {}", cycle.join(" → "));
            return fail(self, msg, Some("remove one `extends` of the cycle".into()));
        }
        if self.stack.len() >= MAX_EXTENDS_DEPTH {
            let msg = format!("`extends` nests more than {MAX_EXTENDS_DEPTH} files deep");
            return fail(self, msg, None);
        }
        let text = match self.files.read(&path) {
            Ok(t) => t,
            Err(e) => {
                let msg = format!("cannot read `{}`: {e}", path.display());
                let help = format!(
                    "a base file's path is relative to the file that names it (here `{}`)",
                    match including.parent().map(Path::to_string_lossy) {
                        Some(p) if !p.is_empty() => p.into_owned(),
                        _ => ".".into(),
                    }
                );
                return fail(self, msg, Some(help));
            }
        };
        let label = key.display().to_string();
        self.document(text, label, Format::from_path(&path), Some(key))
    }
}

/// The file's document as a TOML table (JSON converted), or its syntax error.
fn parse(file: &SourceFile) -> Result<toml::Table, Box<ScenarioError>> {
    match file.format {
        Format::Toml => toml::from_str::<toml::Table>(&file.text)
            .map_err(|e| Box::new(ScenarioError::from_toml(&file.label, &file.text, &e))),
        Format::Json => {
            let v: serde_json::Value = serde_json::from_str(&file.text)
                .map_err(|e| Box::new(ScenarioError::from_json(&file.label, &file.text, &e)))?;
            let at = |path: &KeyPath, msg: String| {
                Box::new(Locator::new(&file.label, &file.text, file.format).error(path, msg, None))
            };
            match json_to_toml(v, &KeyPath::root()) {
                Ok(Value::Table(t)) => Ok(t),
                Ok(_) => Err(at(
                    &KeyPath::root(),
                    "a scenario must be a JSON object".into(),
                )),
                Err(path) => Err(at(
                    &path,
                    "null is not a value: leave the key out for its default".into(),
                )),
            }
        }
    }
}

/// `v` as a TOML value; Err(path) at the first null.
fn json_to_toml(v: serde_json::Value, path: &KeyPath) -> Result<Value, KeyPath> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => return Err(path.clone()),
        J::Bool(b) => Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::String(s),
        J::Array(a) => Value::Array(
            a.into_iter()
                .enumerate()
                .map(|(i, x)| json_to_toml(x, &path.index(i)))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(o) => Value::Table(
            o.into_iter()
                .map(|(k, x)| {
                    let p = path.key(&k);
                    json_to_toml(x, &p).map(|x| (k, x))
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Merges `over` into `base` by the rules in the module docs; `top` at the document root.
fn merge(base: &mut (Value, Origin), over: (Value, Origin), top: bool) {
    // A merged table is the later file's: a key missing from it is best added there.
    let (file, path) = (over.1.file, over.1.path.clone());
    let (Value::Table(bt), Kids::Table(bo)) = (&mut base.0, &mut base.1.kids) else {
        *base = over;
        return;
    };
    let (Value::Table(ot), Kids::Table(mut oo)) = (over.0, over.1.kids) else {
        unreachable!("origins mirror their values");
    };
    for (k, v) in ot {
        let o = oo.remove(&k).expect("origins mirror their values");
        let id = if top { identity_key(&k) } else { None };
        match (bt.get_mut(&k), bo.get_mut(&k)) {
            (Some(bv @ Value::Table(_)), Some(bor)) if v.is_table() => {
                let mut pair = (std::mem::replace(bv, Value::Boolean(false)), bor.clone());
                merge(&mut pair, (v, o), false);
                *bv = pair.0;
                *bor = pair.1;
            }
            (Some(Value::Array(ba)), Some(bor)) if v.is_array() && id.is_some() => {
                let Value::Array(oa) = v else { unreachable!() };
                merge_list(ba, bor, oa, o, id.unwrap_or("id"));
            }
            _ => {
                bt.insert(k.clone(), v);
                bo.insert(k, o);
            }
        }
    }
    base.1.file = file;
    base.1.path = path;
}

/// Merges the elements of a named list: matched by `key` into the earlier element, else
/// appended.
fn merge_list(
    base: &mut Vec<Value>,
    base_o: &mut Origin,
    over: Vec<Value>,
    over_o: Origin,
    key: &str,
) {
    let Kids::Array(bo) = &mut base_o.kids else {
        unreachable!("origins mirror their values");
    };
    let Kids::Array(oo) = over_o.kids else {
        unreachable!("origins mirror their values");
    };
    let name = |v: &Value| v.get(key).and_then(Value::as_str).map(str::to_string);
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, v) in base.iter().enumerate() {
        if let Some(n) = name(v) {
            by_name.entry(n).or_insert(i);
        }
    }
    let mut used: HashSet<usize> = HashSet::new();
    for (v, o) in over.into_iter().zip(oo) {
        let target = name(&v)
            .and_then(|n| by_name.get(&n).copied())
            .filter(|&i| used.insert(i));
        match target {
            Some(i) if v.is_table() && base[i].is_table() => {
                let mut pair = (
                    std::mem::replace(&mut base[i], Value::Boolean(false)),
                    bo[i].clone(),
                );
                merge(&mut pair, (v, o), false);
                base[i] = pair.0;
                bo[i] = pair.1;
            }
            _ => {
                base.push(v);
                bo.push(o);
            }
        }
    }
}

/// `path` with `.` and `..` resolved lexically (the files may be embedded, not on disk).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
