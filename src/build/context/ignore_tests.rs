//! Cases adapted from moby/patternmatcher's tests (rewritten), plus the
//! ignore-file reading rules.

use super::*;

fn ig(patterns: &[&str]) -> Ignore {
    Ignore::from_patterns(patterns).unwrap()
}

/// One pattern against one path, "matches or a parent matches".
fn one(pattern: &str, path: &str) -> bool {
    ig(&[pattern]).matches(path)
}

#[test]
fn single_pattern_table() {
    let cases: &[(&str, &str, bool)] = &[
        ("**", "file", true),
        ("**", "file/", true),
        ("**/", "file", true),
        ("**", "dir/file", true),
        ("**/", "dir/file", true),
        ("**/**", "dir/file", true),
        ("dir/**", "dir/file", true),
        ("dir/**", "dir/dir2/file", true),
        ("**/dir", "dir", true),
        ("**/dir", "dir/file", true),
        ("**/dir2/*", "dir/dir2/file", true),
        ("**/dir2/**", "dir/dir2/dir3/file", true),
        ("**file", "file", true),
        ("**file", "dir/file", true),
        ("**/file", "dir/file", true),
        ("**file", "dir/dir/file", true),
        ("**/file", "dir/dir/file", true),
        ("**/file*", "dir/dir/file", true),
        ("**/file*", "dir/dir/file.txt", true),
        ("**/file*txt", "dir/dir/file.txt", true),
        ("**/file*.txt", "dir/dir/file.txt", true),
        ("**/file*.txt*", "dir/dir/file.txt", true),
        ("**/**/*.txt", "dir/dir/file.txt", true),
        ("**/**/*.txt2", "dir/dir/file.txt", false),
        ("**/*.txt", "file.txt", true),
        ("**/**/*.txt", "file.txt", true),
        ("a**/*.txt", "a/file.txt", true),
        ("a**/*.txt", "a/dir/file.txt", true),
        ("a**/*.txt", "a/dir/dir/file.txt", true),
        ("a/*.txt", "a/dir/file.txt", false),
        ("a/*.txt", "a/file.txt", true),
        ("a/*.txt**", "a/file.txt", true),
        ("a[b-d]e", "ae", false),
        ("a[b-d]e", "ace", true),
        ("a[b-d]e", "aae", false),
        ("a[^b-d]e", "aze", true),
        (".*", ".foo", true),
        (".*", "foo", false),
        ("abc.def", "abcdef", false),
        ("abc.def", "abc.def", true),
        ("abc.def", "abcZdef", false),
        ("abc?def", "abcZdef", true),
        ("abc?def", "abcdef", false),
        ("a\\\\", "a\\", true),
        ("**/foo/bar", "foo/bar", true),
        ("**/foo/bar", "dir/foo/bar", true),
        ("**/foo/bar", "dir/dir2/foo/bar", true),
        ("abc/**", "abc", false),
        ("abc/**", "abc/def", true),
        ("abc/**", "abc/def/ghi", true),
        ("**/.foo", ".foo", true),
        ("**/.foo", "bar.foo", false),
        ("a(b)c/def", "a(b)c/def", true),
        ("a(b)c/def", "a(b)c/xyz", false),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
        ("dist", "dist/app.js", true),
        ("dist", "src/dist", false),
        ("*", "a/b/c", true),
        ("*/b", "a/b/c", true),
        ("*.md", "docs/readme.md", false),
        ("/abs", "abs", true),
        ("./rel/../x", "x/y", true),
    ];
    for &(pattern, path, want) in cases {
        assert_eq!(one(pattern, path), want, "pattern {pattern:?} on {path:?}");
    }
}

#[test]
fn exceptions_reinclude_and_the_last_matching_line_wins() {
    let i = ig(&["*.md", "!README.md"]);
    assert!(i.matches("CHANGES.md"));
    assert!(!i.matches("README.md"));

    let i = ig(&["!README.md", "*.md"]);
    assert!(
        i.matches("README.md"),
        "a later pattern overrides an earlier exception"
    );

    let i = ig(&["docs", "!docs/keep.txt"]);
    assert!(i.matches("docs"));
    assert!(i.matches("docs/other.txt"));
    assert!(!i.matches("docs/keep.txt"));

    let i = ig(&["**", "!src/**", "src/**/*.tmp"]);
    assert!(i.matches("Makefile"));
    assert!(!i.matches("src/main.rs"));
    assert!(i.matches("src/a/b.tmp"));
}

#[test]
fn an_exception_for_a_directory_reincludes_its_contents() {
    let i = ig(&["*", "!keep"]);
    assert!(!i.matches("keep/deep/file"));
    assert!(i.matches("drop/file"));
}

#[test]
fn whether_an_exception_can_reach_below_a_directory() {
    let i = ig(&["docs", "!docs/keep.txt"]);
    assert!(i.may_reinclude_below("docs"));
    assert!(!i.may_reinclude_below("build"));
    let i = ig(&["node_modules"]);
    assert!(!i.may_reinclude_below("node_modules"));
    let i = ig(&["*", "!**/*.go"]);
    assert!(i.may_reinclude_below("vendor/x"));
    let i = ig(&["a", "!a/b/c"]);
    assert!(i.may_reinclude_below("a/b"));
    assert!(!i.may_reinclude_below("a/x"));
}

#[test]
fn file_syntax_comments_whitespace_and_cleaning() {
    let text = "\u{feff}# a comment\n\n  build/  \n\t!build/keep \n /logs/*.log\n #not a comment\n! spaced\n";
    let i = Ignore::parse(text, ".dockerignore").unwrap();
    assert!(i.matches("build/x"));
    assert!(!i.matches("build/keep"));
    assert!(i.matches("logs/a.log"));
    assert!(i.matches("#not a comment"));
    assert!(!i.matches("# a comment"));
    assert!(
        !i.matches("spaced"),
        "an exception with space after ! still parses"
    );
    assert!(!i.is_empty());
    assert!(Ignore::default().is_empty());
    assert!(!Ignore::default().matches("anything"));
}

#[test]
fn paths_are_cleaned_before_matching() {
    let i = ig(&["a/b"]);
    assert!(i.matches("./a//b/"));
    assert!(i.matches("/a/b/c"));
    assert!(!i.matches("."));
}

#[test]
fn malformed_patterns_name_the_line() {
    let err = Ignore::parse("ok\n[\n", "app.Dockerfile.dockerignore").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("app.Dockerfile.dockerignore line 2"), "{msg}");
    assert!(matches!(
        err,
        ContextError::BadIgnorePattern { line: 2, .. }
    ));
    assert!(Ignore::parse("!\n", "x").is_err(), "a bare ! is refused");
    assert!(
        Ignore::parse("a\\\n", "x").is_err(),
        "a trailing backslash is refused"
    );
}
