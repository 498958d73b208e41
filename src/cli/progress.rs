//! Pull/push progress as docker shows it: a bar per layer on a terminal,
//! plain status lines otherwise, nothing but the result with `-q`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::registry::pull::PullProgress;

pub struct TerminalProgress {
    quiet: bool,
    bars: Option<MultiProgress>,
    layers: Mutex<HashMap<String, ProgressBar>>,
}

fn short(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    hex.get(..12).unwrap_or(hex)
}

impl TerminalProgress {
    pub fn new(quiet: bool) -> TerminalProgress {
        let bars = (!quiet && std::io::stdout().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout()));
        TerminalProgress {
            quiet,
            bars,
            layers: Mutex::new(HashMap::new()),
        }
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
            None => println!("{text}"),
        }
    }
}

impl PullProgress for TerminalProgress {
    fn layer_started(&self, digest: &str, size: u64) {
        let Some(m) = &self.bars else {
            return;
        };
        let bar = m.add(ProgressBar::new(size));
        let style = ProgressStyle::with_template("{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(short(digest).to_string());
        bar.set_message("Downloading");
        if let Ok(mut layers) = self.layers.lock() {
            layers.insert(digest.to_string(), bar);
        }
    }

    fn layer_bytes(&self, digest: &str, n: u64) {
        if let Ok(layers) = self.layers.lock() {
            if let Some(bar) = layers.get(digest) {
                bar.inc(n);
            }
        }
    }

    fn layer_done(&self, digest: &str, already_exists: bool) {
        let text = if already_exists {
            "Already exists"
        } else {
            "Pull complete"
        };
        let bar = self.layers.lock().ok().and_then(|mut l| l.remove(digest));
        match bar {
            Some(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{prefix}: {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.finish_with_message(text);
            }
            None => self.line(&format!("{}: {text}", short(digest))),
        }
    }

    fn message(&self, line: &str) {
        self.line(line);
    }
}
