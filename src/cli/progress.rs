//! Pull/push progress as docker shows it: a bar per layer on a terminal,
//! plain status lines otherwise, nothing but the result with `-q`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::registry::pull::PullProgress;
use crate::registry::push::{BlobOutcome, PushProgress};
use crate::store::Digest;

pub struct TerminalProgress {
    quiet: bool,
    /// `run` keeps stdout for the container: its pull progress goes to stderr.
    stderr: bool,
    bars: Option<MultiProgress>,
    layers: Mutex<HashMap<String, ProgressBar>>,
}

impl TerminalProgress {
    pub fn new(quiet: bool) -> TerminalProgress {
        let bars = (!quiet && std::io::stdout().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout()));
        TerminalProgress {
            quiet,
            stderr: false,
            bars,
            layers: Mutex::new(HashMap::new()),
        }
    }

    /// Progress on stderr (for `run`, whose stdout belongs to the container).
    pub fn to_stderr(quiet: bool) -> TerminalProgress {
        let bars = (!quiet && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        TerminalProgress {
            quiet,
            stderr: true,
            bars,
            layers: Mutex::new(HashMap::new()),
        }
    }

    /// Prints a line between (not through) the bars.
    pub fn say(&self, text: &str) {
        self.line(text);
    }

    pub fn finish(&self) {
        if let Ok(mut layers) = self.layers.lock() {
            for (_, bar) in layers.drain() {
                bar.finish();
            }
        }
    }

    fn line(&self, text: &str) {
        if self.quiet {
            return;
        }
        match &self.bars {
            Some(m) => {
                let _ = m.println(text);
            }
            None if self.stderr => eprintln!("{text}"),
            None => println!("{text}"),
        }
    }
}

impl TerminalProgress {
    fn started(&self, digest: &Digest, size: u64, verb: &str) {
        let Some(m) = &self.bars else {
            return;
        };
        let bar = m.add(ProgressBar::new(size));
        let style =
            ProgressStyle::with_template("{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(digest.short().to_string());
        bar.set_message(verb.to_string());
        if let Ok(mut layers) = self.layers.lock() {
            layers.insert(digest.to_string(), bar);
        }
    }

    fn bytes(&self, digest: &Digest, n: u64) {
        if let Ok(layers) = self.layers.lock() {
            if let Some(bar) = layers.get(digest.as_str()) {
                bar.inc(n);
            }
        }
    }

    fn done(&self, digest: &Digest, text: &str) {
        let bar = self
            .layers
            .lock()
            .ok()
            .and_then(|mut l| l.remove(digest.as_str()));
        match bar {
            Some(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{prefix}: {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.finish_with_message(text.to_string());
            }
            None => self.line(&format!("{}: {text}", digest.short())),
        }
    }
}

impl PullProgress for TerminalProgress {
    fn layer_started(&self, digest: &Digest, size: u64) {
        self.started(digest, size, "Downloading");
    }

    fn layer_bytes(&self, digest: &Digest, n: u64) {
        self.bytes(digest, n);
    }

    fn layer_done(&self, digest: &Digest, already_exists: bool) {
        let text = if already_exists {
            "Already exists"
        } else {
            "Pull complete"
        };
        self.done(digest, text);
    }

    fn message(&self, line: &str) {
        self.line(line);
    }
}

impl PushProgress for TerminalProgress {
    fn layer_started(&self, digest: &Digest, size: u64) {
        self.started(digest, size, "Pushing");
    }

    fn layer_bytes(&self, digest: &Digest, n: u64) {
        self.bytes(digest, n);
    }

    fn layer_done(&self, digest: &Digest, outcome: &BlobOutcome) {
        self.done(digest, &outcome.status());
    }

    fn message(&self, line: &str) {
        self.line(line);
    }
}
