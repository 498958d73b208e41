//! systemd unit-file syntax (systemd.syntax(7)), read and written: `[Section]`
//! headers, `Key=value` lines, `#` and `;` comments, a trailing backslash
//! joining a line to the next (comment lines inside such a run are
//! skipped), repeated keys accumulating, and an empty value resetting a
//! list. Each entry keeps its line number so warnings can point at it.

use std::path::{Path, PathBuf};

use super::error::GenerateError;

/// One `Key=value` line (after continuation lines are joined).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub entries: Vec<Entry>,
}

/// A parsed unit file; a section that appears twice keeps both parts, in
/// order, as systemd merges them.
#[derive(Debug, Clone)]
pub struct UnitFile {
    pub path: PathBuf,
    pub sections: Vec<Section>,
}

impl UnitFile {
    pub fn parse(path: &Path, text: &str) -> Result<UnitFile, GenerateError> {
        let syntax = |line: usize, message: String| GenerateError::Syntax {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut sections: Vec<Section> = Vec::new();
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        while let Some((number, raw)) = lines.next() {
            let mut line = raw.trim().to_string();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            while let Some(head) = line.strip_suffix('\\') {
                line = format!("{head} ");
                let Some((_, next)) = lines.by_ref().find(|(_, l)| {
                    let t = l.trim_start();
                    !(t.starts_with('#') || t.starts_with(';'))
                }) else {
                    break;
                };
                line.push_str(next.trim());
            }
            let line = line.trim();
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest.strip_suffix(']').ok_or_else(|| {
                    syntax(number, format!("section header {line:?} lacks a closing ]"))
                })?;
                sections.push(Section {
                    name: name.to_string(),
                    entries: Vec::new(),
                });
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| syntax(number, format!("{line:?} is not a Key=value assignment")))?;
            let section = sections.last_mut().ok_or_else(|| {
                syntax(
                    number,
                    format!("{line:?} comes before any [Section] header"),
                )
            })?;
            section.entries.push(Entry {
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                line: number,
            });
        }
        Ok(UnitFile {
            path: path.to_path_buf(),
            sections,
        })
    }

    /// Every entry of every part named `section`, in file order.
    pub fn entries<'a>(&'a self, section: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        let section = section.to_string();
        self.sections
            .iter()
            .filter(move |s| s.name == section)
            .flat_map(|s| s.entries.iter())
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s.name == section)
    }

    /// The last value of a single-valued key.
    pub fn last(&self, section: &str, key: &str) -> Option<&str> {
        self.entries(section)
            .filter(|e| e.key == key)
            .last()
            .map(|e| e.value.as_str())
    }

    /// Every value of a list key; an empty assignment clears what came before.
    pub fn all(&self, section: &str, key: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for e in self.entries(section).filter(|e| e.key == key) {
            if e.value.is_empty() {
                out.clear();
            } else {
                out.push(e.value.as_str());
            }
        }
        out
    }

    /// A boolean key as systemd spells them; `None` when unset.
    pub fn boolean(&self, section: &str, key: &str) -> Result<Option<bool>, GenerateError> {
        let Some(entry) = self.entries(section).filter(|e| e.key == key).last() else {
            return Ok(None);
        };
        match entry.value.to_ascii_lowercase().as_str() {
            "1" | "yes" | "y" | "true" | "t" | "on" => Ok(Some(true)),
            "0" | "no" | "n" | "false" | "f" | "off" => Ok(Some(false)),
            other => Err(GenerateError::Syntax {
                path: self.path.clone(),
                line: entry.line,
                message: format!("{key}={other} is not a boolean; use true or false"),
            }),
        }
    }
}

/// A unit being written: sections in insertion order, keys in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UnitWriter {
    sections: Vec<(String, Vec<(String, String)>)>,
}

impl UnitWriter {
    pub fn add(&mut self, section: &str, key: &str, value: impl Into<String>) {
        let pos = match self.sections.iter().position(|(s, _)| s == section) {
            Some(p) => p,
            None => {
                self.sections.push((section.to_string(), Vec::new()));
                self.sections.len() - 1
            }
        };
        self.sections[pos].1.push((key.to_string(), value.into()));
    }

    /// Drops every `key` in `section` (a user's setting replaces ours).
    pub fn remove(&mut self, section: &str, key: &str) {
        for (s, entries) in &mut self.sections {
            if s == section {
                entries.retain(|(k, _)| k != key);
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, (name, entries)) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("[{name}]\n"));
            for (k, v) in entries {
                out.push_str(&format!("{k}={v}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> UnitFile {
        UnitFile::parse(Path::new("t.container"), text).expect("valid unit")
    }

    #[test]
    fn sections_keys_and_comments() {
        let u = parse(
            "# leading comment\n; another\n[Unit]\nDescription = web server \n\n[Container]\nImage=busybox\n  # indented comment\nExec=sleep 1\n",
        );
        assert_eq!(u.last("Unit", "Description"), Some("web server"));
        assert_eq!(u.last("Container", "Image"), Some("busybox"));
        assert_eq!(u.last("Container", "Exec"), Some("sleep 1"));
        assert_eq!(u.last("Container", "Description"), None);
        let img = u.entries("Container").next().expect("entry");
        assert_eq!(img.line, 7);
    }

    #[test]
    fn continuation_lines_join_with_a_space_and_skip_comments() {
        let u = parse("[Container]\nExec=sh -c \\\n  'echo a' \\\n# skipped\n  b\nImage=x\n");
        assert_eq!(u.last("Container", "Exec"), Some("sh -c  'echo a'  b"));
        assert_eq!(u.last("Container", "Image"), Some("x"));
    }

    #[test]
    fn repeated_keys_accumulate_and_empty_resets() {
        let u = parse("[Container]\nVolume=a:/a\nVolume=b:/b\n[Container]\nVolume=c:/c\nLabel=x=1\nLabel=\nLabel=y=2\n");
        assert_eq!(u.all("Container", "Volume"), vec!["a:/a", "b:/b", "c:/c"]);
        assert_eq!(u.all("Container", "Label"), vec!["y=2"]);
    }

    #[test]
    fn booleans_and_errors() {
        let u = parse("[Container]\nReadOnly=yes\nNotify=maybe\n");
        assert_eq!(u.boolean("Container", "ReadOnly").ok(), Some(Some(true)));
        assert_eq!(u.boolean("Container", "Missing").ok(), Some(None));
        assert!(u.boolean("Container", "Notify").is_err());
        for bad in ["Image=x\n", "[Container\n", "[Container]\njunk\n"] {
            assert!(
                UnitFile::parse(Path::new("t"), bad).is_err(),
                "{bad:?} should fail"
            );
        }
    }

    #[test]
    fn writer_renders_sections_in_order() {
        let mut w = UnitWriter::default();
        w.add("Unit", "Description", "d");
        w.add("Service", "Type", "notify");
        w.add("Service", "Restart", "always");
        w.add("Unit", "After", "x");
        w.remove("Service", "Type");
        assert_eq!(
            w.render(),
            "[Unit]\nDescription=d\nAfter=x\n\n[Service]\nRestart=always\n"
        );
    }
}
