//! Arbitrary bytes into the scenario loader and validator, as `tradesim validate` runs
//! them: parse and validate the text both as TOML and as JSON, then render what the user
//! would see: every error with miette, or the summary of a valid scenario. Errors are
//! fine; a panic, an abort or a stack overflow is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradesim::scenario::{Format, Scenario};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [Format::Toml, Format::Json] {
        match Scenario::parse(&text, "fuzz.scenario", format) {
            Ok(scenario) => {
                let _ = tradesim::cli::validation_summary("fuzz.scenario", &scenario);
            }
            Err(errors) => {
                let handler = miette::GraphicalReportHandler::new_themed(
                    miette::GraphicalTheme::unicode_nocolor(),
                );
                for e in &errors.0 {
                    let mut out = String::new();
                    let _ = handler.render_report(&mut out, e);
                }
                let _ = errors.to_string();
            }
        }
    }
});
