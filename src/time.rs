//! Simulated time. Time is continuous, in days (`f64`); durations in scenario files are a
//! number of days or a string with a unit: `"36h"`, `"3d"`, `"2w"` (also `"90m"`).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// What [`parse_duration`] accepts, as a JSON Schema (ECMA 262) pattern: a decimal number
/// without exponent, then optionally a unit.
pub const DURATION_PATTERN: &str = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*(m|min|minutes|h|hour|hours|d|day|days|w|week|weeks)?\s*$";

/// A duration or instant in days, as written in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Default)]
#[serde(transparent)]
pub struct Days(pub f64);

impl Days {
    /// The number of days.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Parses `"36h"`, `"3d"`, `"2w"`, `"90m"` or a bare number (days).
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    // The unit starts at the first letter that is not a number's exponent ("1e3d": 1000 days).
    let b = t.as_bytes();
    let split = (0..b.len())
        .find(|&i| {
            let exponent = matches!(b[i], b'e' | b'E')
                && i > 0
                && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.')
                && match b.get(i + 1) {
                    Some(b'+' | b'-') => b.get(i + 2).is_some_and(u8::is_ascii_digit),
                    Some(c) => c.is_ascii_digit(),
                    None => false,
                };
            b[i].is_ascii_alphabetic() && !exponent
        })
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.trim().parse().map_err(|_| {
        format!(
            "`{text}` is not a duration; write a number of days or e.g. \"36h\", \"3d\", \"2w\""
        )
    })?;
    let per_day = match unit.trim() {
        "" | "d" | "day" | "days" => 1.0,
        "h" | "hour" | "hours" => 1.0 / 24.0,
        "m" | "min" | "minutes" => 1.0 / 1440.0,
        "w" | "week" | "weeks" => 7.0,
        other => {
            return Err(format!(
                "unknown time unit `{other}` in `{text}`; use m, h, d or w (e.g. \"36h\", \"3d\", \"2w\")"
            ));
        }
    };
    let days = value * per_day;
    if !days.is_finite() {
        return Err(format!("`{text}` is not a finite duration"));
    }
    Ok(days)
}

/// In the schema: a number of days, or a duration string.
impl JsonSchema for Days {
    fn schema_name() -> Cow<'static, str> {
        "Days".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Days: a number, or a duration string with a unit: \"90m\", \"36h\", \"3d\", \"2w\".",
            "oneOf": [
                { "type": "number" },
                { "type": "string", "pattern": DURATION_PATTERN }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Days;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of days or a duration string such as \"36h\", \"3d\", \"2w\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Days, E> {
                Ok(Days(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Days, E> {
                Ok(Days(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Days, E> {
                Ok(Days(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Days, E> {
                parse_duration(v).map(Days).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("36h").unwrap(), 1.5);
        assert_eq!(parse_duration("3d").unwrap(), 3.0);
        assert_eq!(parse_duration("2w").unwrap(), 14.0);
        assert_eq!(parse_duration("2.5").unwrap(), 2.5);
        assert!((parse_duration("90m").unwrap() - 0.0625).abs() < 1e-12);
        assert!(
            parse_duration("3y")
                .unwrap_err()
                .contains("unknown time unit")
        );
        assert!(parse_duration("abc").is_err());
    }
}
