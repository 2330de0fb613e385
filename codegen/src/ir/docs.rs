//! Spec descriptions → rustdoc text that builds without warnings.
//!
//! The spec's Markdown was written for a web page, not for rustdoc: bare URLs
//! trip `rustdoc::bare_urls`, `[x]` looks like an intra-doc link, `<id>` looks
//! like an unclosed HTML tag and a fenced or indented block would be compiled
//! as a doctest. Each is rewritten here, once, for every generated item.

/// The doc text for a schema: its description, else its title.
pub fn doc_text(title: Option<&str>, description: Option<&str>) -> String {
    let text = description
        .filter(|d| !d.trim().is_empty())
        .or(title.filter(|t| !t.trim().is_empty()));
    text.map(sanitize).unwrap_or_default()
}

/// Rewrite Markdown so rustdoc renders it as written and warns about nothing.
pub fn sanitize(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // A carriage return ends a line too (`lines` keeps a lone one, and rustc
    // refuses a bare CR in a doc comment).
    let markdown = markdown.replace("\r\n", "\n").replace('\r', "\n");
    for line in markdown.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            out.push(if in_fence {
                "```".to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.trim_end().to_owned());
            continue;
        }
        // More than three spaces would start an indented code block (a doctest).
        let indent = (line.len() - trimmed.len()).min(3);
        let body = escape_inline(trimmed.trim_end());
        out.push(format!("{}{}", " ".repeat(indent), body));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

/// Escapes outside inline code spans: brackets that are not Markdown links,
/// angle brackets, and bare URLs (wrapped as `<url>` autolinks).
fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        if let Some(len) = url_at(&chars, i) {
            let url: String = chars[i..i + len].iter().collect();
            let inside_link = i > 0 && matches!(chars[i - 1], '(' | '<');
            if inside_link {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i += len;
            continue;
        }
        match c {
            '[' => {
                if let Some(close) = link_close(&chars, i) {
                    // A Markdown link `[text](target)`: keep as written.
                    let link: String = chars[i..=close].iter().collect();
                    out.push_str(&link);
                    i = close + 1;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            // At the start of a line, `>` quotes the line (Polar writes
            // notes that way); elsewhere it is text.
            '>' if starts_line(&chars, i) => out.push('>'),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether only spaces stand between the last line break and `at`.
fn starts_line(chars: &[char], at: usize) -> bool {
    chars[..at]
        .iter()
        .rev()
        .take_while(|&&c| c != '\n')
        .all(|&c| c == ' ' || c == '\t')
}

/// Length of an `http(s)://` URL starting at `start`, if one does.
fn url_at(chars: &[char], start: usize) -> Option<usize> {
    let rest: String = chars[start..chars.len().min(start + 8)].iter().collect();
    if !(rest.starts_with("http://") || rest.starts_with("https://")) {
        return None;
    }
    let mut end = start;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], ')' | '>' | '"' | '`' | '\'')
    {
        end += 1;
    }
    while end > start && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?') {
        end -= 1;
    }
    Some(end - start)
}

/// For `[` at `open` starting `[text](target)`, the index of the closing `)`.
fn link_close(chars: &[char], open: usize) -> Option<usize> {
    let close_bracket = (open + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars.get(close_bracket + 1) != Some(&'(') {
        return None;
    }
    (close_bracket + 2..chars.len()).find(|&j| chars[j] == ')')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            sanitize("See https://polar.sh/docs."),
            "See <https://polar.sh/docs>."
        );
        assert_eq!(
            sanitize("[docs](https://polar.sh/docs)"),
            "[docs](https://polar.sh/docs)"
        );
    }

    #[test]
    fn brackets_and_tags_are_escaped_outside_code() {
        assert_eq!(sanitize("a [b] <c>"), "a \\[b\\] &lt;c&gt;");
        assert_eq!(
            sanitize("> a note\n  > more\nx > y"),
            "> a note\n  > more\nx &gt; y"
        );
        assert_eq!(sanitize("`metadata[key]`"), "`metadata[key]`");
    }

    #[test]
    fn fences_become_text_and_indentation_is_capped() {
        assert_eq!(sanitize("```json\n{}\n```"), "```text\n{}\n```");
        assert_eq!(sanitize("a\n\n        code"), "a\n\n   code");
    }

    #[test]
    fn description_wins_over_title() {
        assert_eq!(doc_text(Some("T"), Some("D")), "D");
        assert_eq!(doc_text(Some("T"), None), "T");
        assert_eq!(doc_text(None, Some("  ")), "");
    }
}
