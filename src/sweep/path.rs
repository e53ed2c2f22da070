//! Scenario keys addressed by path, set in the scenario's own text.
//!
//! A path is dot-separated: `scenario.horizon`, `disruptions.lockout.duration`,
//! `nodes.USLAX.servers`, `strategies.joint.priority`, `flows.*.rate_per_day`. A segment
//! that meets an array of tables picks the element whose `id` (else `code`, else `name`)
//! equals it, the element at a numeric index, or every element (`*`). The last segment may
//! name a key the table does not have yet (a default made explicit).
//!
//! An [`Edit`] either sets the key to a value or scales the number it holds (so that
//! `flows.*.traders.*.share` scaled by 0.5 halves every trader share while keeping the
//! mix's proportions). Values are set with toml_edit, which keeps the rest of the document as written: every
//! other key stays on its line, so the scenario's validation still points at the line and
//! column of the user's file.

use std::fmt;
use toml_edit::{DocumentMut, Item, Value};

/// A path that does not resolve, with what would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// The whole path as given.
    pub path: String,
    /// What is wrong and what would be right.
    pub problem: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sweep key `{}`: {}", self.path, self.problem)
    }
}

impl std::error::Error for PathError {}

/// What to do at a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set it to this value (added if the table lacks the key).
    Set(toml::Value),
    /// Multiply the number it holds by this factor (the key must exist and be a number).
    Scale(f64),
}

/// Sets `path` to `value` in `doc`; returns how many places were set (more than one
/// through `*`).
pub fn set(doc: &mut DocumentMut, path: &str, value: &toml::Value) -> Result<usize, PathError> {
    apply(doc, path, &Edit::Set(value.clone()))
}

/// Applies `edit` at `path` in `doc`; returns how many places were changed.
pub fn apply(doc: &mut DocumentMut, path: &str, edit: &Edit) -> Result<usize, PathError> {
    let err = |problem: String| PathError {
        path: path.to_string(),
        problem,
    };
    let change = match edit {
        Edit::Set(v) => Change::Set(
            v.to_string()
                .parse()
                .map_err(|e| err(format!("the value cannot be written as TOML: {e}")))?,
        ),
        Edit::Scale(f) if f.is_finite() => Change::Scale(*f),
        Edit::Scale(f) => return Err(err(format!("scale factor {f} is not a finite number"))),
    };
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(err(
            "empty segment; write keys separated by single dots".into()
        ));
    }
    let mut count = 0;
    set_in(doc.as_item_mut(), &segments, &change, &mut count, &err)?;
    Ok(count)
}

/// An [`Edit`] with its value already in toml_edit's form.
enum Change {
    Set(Value),
    Scale(f64),
}

fn set_in(
    item: &mut Item,
    segments: &[&str],
    value: &Change,
    count: &mut usize,
    err: &dyn Fn(String) -> PathError,
) -> Result<(), PathError> {
    let (seg, rest) = (segments[0], &segments[1..]);
    if item.is_array_of_tables()
        || item
            .as_array()
            .is_some_and(|a| a.iter().all(|v| v.is_inline_table()))
    {
        return set_in_array(item, seg, rest, value, count, err);
    }
    let Some(table) = item.as_table_like_mut() else {
        return Err(err(format!("`{seg}` is below a value, not a table")));
    };
    if rest.is_empty() {
        match (table.get_mut(seg), value) {
            (Some(Item::Value(old)), change) => {
                let new = match change {
                    Change::Set(v) => v.clone(),
                    Change::Scale(f) => match &*old {
                        Value::Integer(i) => Value::from(*i.value() as f64 * f),
                        Value::Float(x) => Value::from(*x.value() * f),
                        _ => {
                            return Err(err(format!("`{seg}` holds {old}, not a number to scale")));
                        }
                    },
                };
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            (Some(_), _) => return Err(err(format!("`{seg}` is a table; name a key inside it"))),
            (None, Change::Set(v)) => {
                table.insert(seg, Item::Value(v.clone()));
            }
            (None, Change::Scale(_)) => {
                return Err(err(format!(
                    "no key `{seg}` to scale; set it first or use a value"
                )));
            }
        }
        *count += 1;
        return Ok(());
    }
    match table.get_mut(seg) {
        Some(child) => set_in(child, rest, value, count, err),
        None => {
            let mut keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
            keys.sort();
            Err(err(format!("no key `{seg}` here{}", one_of(&keys, seg))))
        }
    }
}

fn set_in_array(
    item: &mut Item,
    seg: &str,
    rest: &[&str],
    value: &Change,
    count: &mut usize,
    err: &dyn Fn(String) -> PathError,
) -> Result<(), PathError> {
    if rest.is_empty() {
        return Err(err(format!(
            "`{seg}` names an element of a list; name a key inside it"
        )));
    }
    // Each element as a table-like item, so that one walk serves both kinds of array.
    let mut elements: Vec<Item> = match &*item {
        Item::ArrayOfTables(a) => a.iter().map(|t| Item::Table(t.clone())).collect(),
        Item::Value(Value::Array(a)) => a.iter().map(|v| Item::Value(v.clone())).collect(),
        _ => unreachable!("checked by the caller"),
    };
    let name = |e: &Item| {
        ["id", "code", "name"]
            .iter()
            .find_map(|k| e.get(k).and_then(|v| v.as_str()).map(str::to_string))
    };
    let chosen: Vec<usize> = if seg == "*" {
        (0..elements.len()).collect()
    } else if let Ok(i) = seg.parse::<usize>() {
        if i >= elements.len() {
            return Err(err(format!(
                "index {i} is past the list's {} elements",
                elements.len()
            )));
        }
        vec![i]
    } else {
        let found: Vec<usize> = (0..elements.len())
            .filter(|&i| name(&elements[i]).as_deref() == Some(seg))
            .collect();
        if found.is_empty() {
            let names: Vec<String> = elements.iter().filter_map(name).collect();
            return Err(err(format!(
                "no element with id `{seg}`{}",
                one_of(&names, seg)
            )));
        }
        found
    };
    for &i in &chosen {
        set_in(&mut elements[i], rest, value, count, err)?;
    }
    match item {
        Item::ArrayOfTables(a) => {
            for (t, e) in a.iter_mut().zip(elements) {
                if let Item::Table(e) = e {
                    *t = e;
                }
            }
        }
        Item::Value(Value::Array(a)) => {
            for (v, e) in a.iter_mut().zip(elements) {
                if let Item::Value(e) = e {
                    *v = e;
                }
            }
        }
        _ => unreachable!("checked by the caller"),
    }
    Ok(())
}

/// ", did you mean `x`?" for the closest name, or the list of names when short.
fn one_of(names: &[String], got: &str) -> String {
    let closest = names
        .iter()
        .map(|n| (strsim::levenshtein(n, got), n))
        .min()
        .filter(|(d, n)| *d <= n.len().max(got.len()) / 3 + 1);
    match closest {
        Some((_, n)) => format!("; did you mean `{n}`?"),
        None if names.len() <= 8 => format!(
            "; expected one of {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("; there are {} (e.g. `{}`)", names.len(), names[0]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[scenario]
name = "wc"   # the name
horizon = 300

[[nodes]]
id = "USLAX"
servers = 10

[[nodes]]
id = "USLGB"
servers = 8

[[disruptions]]
kind = "closure"
id = "lockout"
nodes = ["USLAX", "USLGB"]
duration = 10   # days

[[strategies]]
name = "joint-no-divert"
reroute = "none"
"#;

    fn doc() -> DocumentMut {
        TEXT.parse().unwrap()
    }

    #[test]
    fn sets_a_key_and_leaves_every_other_line_as_written() {
        let mut d = doc();
        assert_eq!(
            set(
                &mut d,
                "disruptions.lockout.duration",
                &toml::Value::Integer(25)
            ),
            Ok(1)
        );
        let out = d.to_string();
        assert_eq!(
            out,
            TEXT.replace("duration = 10   # days", "duration = 25   # days")
        );
    }

    #[test]
    fn elements_by_id_name_index_or_all_and_new_keys() {
        let mut d = doc();
        set(&mut d, "nodes.*.servers", &toml::Value::Integer(12)).unwrap();
        set(
            &mut d,
            "strategies.joint-no-divert.priority",
            &"trusted_first".into(),
        )
        .unwrap();
        set(&mut d, "nodes.1.name", &"Long Beach".into()).unwrap();
        set(&mut d, "scenario.horizon", &toml::Value::Float(400.5)).unwrap();
        let v: toml::Table = d.to_string().parse().unwrap();
        let nodes = v["nodes"].as_array().unwrap();
        assert!(nodes.iter().all(|n| n["servers"].as_integer() == Some(12)));
        assert_eq!(nodes[1]["name"].as_str(), Some("Long Beach"));
        assert_eq!(
            v["strategies"][0]["priority"].as_str(),
            Some("trusted_first")
        );
        assert_eq!(v["scenario"]["horizon"].as_float(), Some(400.5));
    }

    #[test]
    fn scaling_multiplies_every_number_it_reaches() {
        let text = "[[flows]]\nid = \"a\"\ntraders = [{ share = 0.25, programmes = [\"ctpat\"] }, { share = 0.1, programmes = [] }]\n[[flows]]\nid = \"b\"\nrate = 4\ntraders = [{ share = 0.5, programmes = [\"ctpat\"] }]\n";
        let mut d: DocumentMut = text.parse().unwrap();
        assert_eq!(
            apply(&mut d, "flows.*.traders.*.share", &Edit::Scale(2.0)),
            Ok(3)
        );
        assert_eq!(apply(&mut d, "flows.b.rate", &Edit::Scale(0.5)), Ok(1));
        let v: toml::Table = d.to_string().parse().unwrap();
        let shares: Vec<f64> = v["flows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| {
                f["traders"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["share"].as_float().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(shares, vec![0.5, 0.2, 1.0]);
        assert_eq!(v["flows"][1]["rate"].as_float(), Some(2.0));
        let e = apply(&mut d, "flows.a.id", &Edit::Scale(2.0)).unwrap_err();
        assert!(e.problem.contains("not a number to scale"), "{e}");
        let e = apply(&mut d, "flows.a.rate", &Edit::Scale(2.0)).unwrap_err();
        assert!(e.problem.contains("no key `rate` to scale"), "{e}");
    }

    #[test]
    fn a_path_that_does_not_resolve_says_what_would() {
        let mut d = doc();
        let e = set(
            &mut d,
            "disruptions.lockot.duration",
            &toml::Value::Integer(5),
        )
        .unwrap_err();
        assert!(e.problem.contains("did you mean `lockout`?"), "{e}");
        let e = set(&mut d, "nodes.9.servers", &toml::Value::Integer(5)).unwrap_err();
        assert!(e.problem.contains("past the list's 2 elements"), "{e}");
        let e = set(&mut d, "scenari.horizon", &toml::Value::Integer(5)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("sweep key `scenari.horizon`: no key `scenari`"),
            "{e}"
        );
        let e = set(&mut d, "nodes.USLAX", &toml::Value::Integer(5)).unwrap_err();
        assert!(e.problem.contains("name a key inside it"), "{e}");
        let e = set(&mut d, "scenario..name", &toml::Value::Integer(5)).unwrap_err();
        assert!(e.problem.contains("empty segment"), "{e}");
        let e = set(&mut d, "scenario.name.x", &toml::Value::Integer(5)).unwrap_err();
        assert!(e.problem.contains("below a value"), "{e}");
    }
}
