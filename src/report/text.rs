//! Numbers as the page, the plots' captions and the disruption descriptions write them:
//! thousands grouped, a true minus sign, "—" for a missing value.

/// A number with `digits` decimals and thousands separators, or "—".
pub fn fmt_num(x: Option<f64>, digits: usize) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else {
        return "—".into();
    };
    let s = format!("{:.*}", digits, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    format!(
        "{}{grouped}{}{frac}",
        if negative { "−" } else { "" },
        if frac.is_empty() { "" } else { "." }
    )
}

/// A difference with `digits` decimals, "+" before any positive value, or "—".
pub fn fmt_signed(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v > 0.0 => format!("+{}", fmt_num(Some(v), digits)),
        v => fmt_num(v, digits),
    }
}

/// "time to recover (KM median), system" from a difference's measure name.
pub fn measure_label(name: &str) -> String {
    let rest = name.strip_prefix("recovery.").unwrap_or(name);
    let (scope, measure) = rest.rsplit_once('.').unwrap_or(("", rest));
    let what = match measure {
        "ttr_days" => "time to recover (KM median)",
        "ttr_restricted_mean_days" => "time to recover (restricted mean)",
        "first_return_days" => "first return (KM median)",
        "resilience_loss_days" => "resilience loss (mean)",
        "excess_delay_shipment_days" => "excess shipment-days (mean)",
        m => m,
    };
    let scope = match scope {
        "system" => "system".to_string(),
        "class.trusted" => "trusted cargo".into(),
        "class.ordinary" => "ordinary cargo".into(),
        s => s
            .strip_prefix("country.")
            .map_or(s.to_string(), |c| format!("cargo to {c}")),
    };
    format!("{what}, {scope}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_signed() {
        assert_eq!(fmt_num(Some(8598.4), 0), "8,598");
        assert_eq!(fmt_num(Some(1234.56), 1), "1,234.6");
        assert_eq!(fmt_num(Some(999.0), 0), "999");
        assert_eq!(fmt_num(Some(-12345.0), 0), "−12,345");
        assert_eq!(fmt_num(Some(-0.0001), 2), "0.00");
        assert_eq!(fmt_num(None, 2), "—");
        assert_eq!(fmt_num(Some(f64::NAN), 2), "—");
    }
}
