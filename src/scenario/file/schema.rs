//! The scenario format's JSON Schema (`tradesim schema`, `docs/scenario.schema.json`),
//! generated from the file types with schemars, with a relaxed copy for files that
//! `extends` others.

use super::ScenarioFile;

/// The JSON Schema of the scenario format, pretty-printed with a final newline: what
/// `tradesim schema` prints and `docs/scenario.schema.json` holds. Draft 07, the draft
/// that taplo (and so Even Better TOML) reads.
pub fn json_schema() -> String {
    let mut settings = schemars::generate::SchemaSettings::draft07();
    // Optional keys have no value to offer: TOML has no null.
    settings
        .transforms
        .push(Box::new(schemars::transform::RecursiveTransform(
            |s: &mut schemars::Schema| {
                if let Some(o) = s.as_object_mut()
                    && o.get("default").is_some_and(|v| v.is_null())
                {
                    o.remove("default");
                }
            },
        )));
    let schema = settings
        .into_generator()
        .into_root_schema_for::<ScenarioFile>();
    let schema = with_fragments(schema.to_value());
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// A file with `extends` need not be whole: its keys merge over its bases', and only the
/// composed scenario must have every required key. Nor need a network or other file
/// written to be extended, which has no `[scenario] name`. The schema says so with draft
/// 07's `if`/`then`/`else`: such a document is checked against a copy of the schema
/// (`Fragment*` definitions) that requires nothing, any other against the full one.
fn with_fragments(mut schema: serde_json::Value) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    /// The value with every `required` dropped and every `$ref` pointed at the fragment
    /// copy of its definition.
    fn relax(v: &Value) -> Value {
        match v {
            Value::Object(o) => Value::Object(
                o.iter()
                    .filter(|(k, _)| k.as_str() != "required")
                    .map(|(k, v)| match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => (
                            k.clone(),
                            Value::String(r.replace("#/definitions/", "#/definitions/Fragment")),
                        ),
                        _ => (k.clone(), relax(v)),
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(relax).collect()),
            other => other.clone(),
        }
    }
    let Some(root) = schema.as_object_mut() else {
        return schema;
    };
    let definitions = root.remove("definitions").unwrap_or(json!({}));
    let mut whole = Map::new();
    let mut kept = Map::new();
    for (k, v) in std::mem::take(root) {
        match k.as_str() {
            "$schema" | "title" | "description" => {
                kept.insert(k, v);
            }
            _ => {
                whole.insert(k, v);
            }
        }
    }
    let whole = Value::Object(whole);
    let fragment = relax(&whole);
    let mut defs = definitions.as_object().cloned().unwrap_or_default();
    for (k, v) in definitions.as_object().into_iter().flatten() {
        defs.insert(format!("Fragment{k}"), relax(v));
    }
    kept.insert(
        "if".into(),
        json!({ "anyOf": [
            { "required": ["extends"] },
            { "properties": { "scenario": { "not": { "required": ["name"] } } } },
        ] }),
    );
    kept.insert("then".into(), fragment);
    kept.insert("else".into(), whole);
    kept.insert("definitions".into(), Value::Object(defs));
    Value::Object(kept)
}
