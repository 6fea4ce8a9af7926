//! How one typed value is written in each format.

use crate::runtime::Value;

/// For people: units, `-` for nothing, lists joined.
pub fn human(value: &Value) -> String {
    match value {
        Value::Empty => "-".into(),
        Value::Text(text) => text.clone(),
        Value::Integer(number) => number.to_string(),
        Value::Number(number) => format_number(*number),
        Value::Boolean(true) => "yes".into(),
        Value::Boolean(false) => "no".into(),
        Value::DurationMs(ms) => duration(*ms),
        Value::Bytes(bytes) => size(*bytes),
        Value::Texts(texts) if texts.is_empty() => "-".into(),
        Value::Texts(texts) => texts.join(", "),
    }
}

/// For CSV and TSV: raw numbers, empty for nothing.
pub fn raw(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(text) => text.clone(),
        Value::Integer(number) => number.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Boolean(flag) => flag.to_string(),
        Value::DurationMs(number) | Value::Bytes(number) => number.to_string(),
        Value::Texts(texts) => texts.join(","),
    }
}

/// For JSON: numbers stay numbers, nothing is `null`.
pub fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Empty => serde_json::Value::Null,
        Value::Text(text) => text.clone().into(),
        Value::Integer(number) => (*number).into(),
        Value::Number(number) => {
            serde_json::Number::from_f64(*number).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Boolean(flag) => (*flag).into(),
        Value::DurationMs(number) | Value::Bytes(number) => (*number).into(),
        Value::Texts(texts) => texts.clone().into(),
    }
}

fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        format!("{number:.2}")
    }
}

fn duration(ms: u64) -> String {
    let seconds = ms / 1000;
    match seconds {
        0 => format!("{ms}ms"),
        1..=59 => format!("{}.{}s", seconds, (ms % 1000) / 100),
        60..=3599 => format!("{}m {}s", seconds / 60, seconds % 60),
        3600..=86_399 => format!("{}h {}m", seconds / 3600, (seconds % 3600) / 60),
        _ => format!("{}d {}h", seconds / 86_400, (seconds % 86_400) / 3600),
    }
}

fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut amount = bytes as f64;
    let mut unit = 0;
    while amount >= 1024.0 && unit + 1 < UNITS.len() {
        amount /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{amount:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(&Value::DurationMs(450)), "450ms");
        assert_eq!(human(&Value::DurationMs(1_500)), "1.5s");
        assert_eq!(human(&Value::DurationMs(90_000)), "1m 30s");
        assert_eq!(human(&Value::DurationMs(7_260_000)), "2h 1m");
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(human(&Value::Bytes(512)), "512 B");
        assert_eq!(human(&Value::Bytes(3 << 29)), "1.5 GiB");
    }

    #[test]
    fn json_keeps_numbers_and_nulls() {
        assert_eq!(json(&Value::Integer(4)), serde_json::json!(4));
        assert_eq!(json(&Value::Empty), serde_json::Value::Null);
        assert_eq!(raw(&Value::Empty), "");
    }
}
