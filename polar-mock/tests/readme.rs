//! The workspace README's "Testing your integration" example is this
//! crate's README example (compiled and run as a doctest here; in the
//! workspace README it is only parsed, since polar-api's doctests cannot
//! use polar-mock): the two must not drift apart.

/// The lines of the first ```rust block after `heading`, without rustdoc's
/// hidden lines (`# ...`).
fn example(markdown: &str, heading: &str) -> Vec<String> {
    let section = &markdown[markdown.find(heading).expect("the heading")..];
    let start = section.find("```rust\n").expect("a rust block") + "```rust\n".len();
    let end = start + section[start..].find("```\n").expect("a closed block");
    section[start..end]
        .lines()
        .filter(|line| *line != "#" && !line.starts_with("# "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_workspace_readme_shows_this_crates_example() {
    let ours = include_str!("../README.md");
    let workspace = include_str!("../../README.md");
    let expected = example(ours, "## A complete example");
    assert!(expected.len() > 20, "the example is there");
    assert_eq!(example(workspace, "## Testing your integration"), expected);
}
