//! Calendar dates as `YYYY-MM-DD` strings: validation, today's UTC date, the
//! date in a spec copy's file name, and API version names (`YYYY-MM`).

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: u64 = 86_400;

/// Whether `date` is a real calendar date written as `YYYY-MM-DD`.
pub fn is_valid(date: &str) -> bool {
    let bytes = date.as_bytes();
    if !date.is_ascii() || bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&date[0..4]),
        digits(&date[5..7]),
        digits(&date[8..10]),
    ) else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// The date in a spec copy's file name: `polar-openapi-2026-04-16.json`
/// (the unversioned snapshots), `2026-07-10.json` or `2026-08-20.docs.json`
/// (the per-version copies).
pub fn from_file_name(file_name: &str) -> Option<String> {
    let name = file_name.strip_suffix(".json")?;
    let name = name.strip_prefix("polar-openapi-").unwrap_or(name);
    let date = name.get(..10)?;
    let rest = &name[10..];
    let plain = rest.is_empty() || (rest.starts_with('.') && rest.len() > 1);
    (plain && is_valid(date)).then(|| date.to_owned())
}

/// Whether `name` can name an API version: `YYYY-MM` (Polar's dated
/// versions) or a date `YYYY-MM-DD` (the historical unversioned documents,
/// named after the day they were published).
pub fn is_version(name: &str) -> bool {
    is_month(name) || is_valid(name)
}

/// Whether `name` is a month written `YYYY-MM`, Polar's `Polar-Version`
/// format.
pub fn is_month(name: &str) -> bool {
    let bytes = name.as_bytes();
    if !name.is_ascii() || bytes.len() != 7 || bytes[4] != b'-' {
        return false;
    }
    matches!(
        (digits(&name[0..4]), digits(&name[5..7])),
        (Some(_), Some(month)) if (1..=12).contains(&month)
    )
}

/// Today's date in UTC.
pub fn today_utc() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    from_days_since_epoch(since_epoch.as_secs() / SECONDS_PER_DAY)
}

/// The date `days` days after 1970-01-01.
pub fn from_days_since_epoch(days: u64) -> String {
    let mut remaining = days;
    let mut year = 1970;
    while remaining >= days_in_year(year) {
        remaining -= days_in_year(year);
        year += 1;
    }
    let mut month = 1;
    while remaining >= u64::from(days_in_month(year, month)) {
        remaining -= u64::from(days_in_month(year, month));
        month += 1;
    }
    format!("{year:04}-{month:02}-{:02}", remaining + 1)
}

fn digits(text: &str) -> Option<u32> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_year(year: u32) -> u64 {
    if is_leap_year(year) {
        366
    } else {
        365
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_dates() {
        assert!(is_valid("2026-04-16"));
        assert!(is_valid("2024-02-29"));
        assert!(!is_valid("2023-02-29"));
        assert!(!is_valid("2026-13-01"));
        assert!(!is_valid("2026-04-31"));
        assert!(!is_valid("2026-4-16"));
        assert!(!is_valid("2026/04/16"));
        assert!(!is_valid("２０２６-04-1"));
        assert!(!is_valid(""));
    }

    #[test]
    fn reads_dates_from_snapshot_file_names() {
        assert_eq!(
            from_file_name("polar-openapi-2026-04-16.json").as_deref(),
            Some("2026-04-16")
        );
        assert_eq!(from_file_name("openapi.json"), None);
        assert_eq!(from_file_name("polar-openapi-2026-04-99.json"), None);
        assert_eq!(from_file_name("polar-openapi-2026-04-16.yaml"), None);
        assert_eq!(
            from_file_name("2026-07-10.json").as_deref(),
            Some("2026-07-10")
        );
        assert_eq!(
            from_file_name("2026-08-20.docs.json").as_deref(),
            Some("2026-08-20")
        );
        assert_eq!(from_file_name("2026-08-20x.json"), None);
    }

    #[test]
    fn validates_version_names() {
        assert!(is_version("2026-10"));
        assert!(is_version("2026-04-16"));
        assert!(!is_version("2026-13"));
        assert!(!is_version("2026-1"));
        assert!(!is_version("v2026-10"));
        assert!(!is_version("2026-02-30"));
        assert!(!is_version(""));
    }

    #[test]
    fn converts_days_since_epoch() {
        assert_eq!(from_days_since_epoch(0), "1970-01-01");
        assert_eq!(from_days_since_epoch(10_957), "2000-01-01");
        assert_eq!(from_days_since_epoch(10_957 + 59), "2000-02-29");
        assert_eq!(from_days_since_epoch(10_957 + 60), "2000-03-01");
        assert_eq!(from_days_since_epoch(10_957 + 365), "2000-12-31");
        assert!(is_valid(&today_utc()));
    }
}
