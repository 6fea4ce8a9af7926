//! Progress bars on an interactive stderr, one per label (shown neutralised).

use super::neutral;
use crate::runtime::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;

pub struct Bars {
    enabled: bool,
    bars: HashMap<String, ProgressBar>,
}

impl Bars {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            bars: HashMap::new(),
        }
    }

    pub fn update(&mut self, progress: Progress) {
        if !self.enabled {
            return;
        }
        let bar = self.bars.entry(progress.label.clone()).or_insert_with(|| {
            let bar = ProgressBar::new(progress.total.unwrap_or(0));
            let template = "{msg} [{bar:30}] {pos}/{len}";
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(neutral::line(&progress.label).into_owned());
            bar
        });
        if let Some(total) = progress.total {
            bar.set_length(total);
        }
        bar.set_position(progress.done);
    }

    /// Clears the bars and draws no more.
    pub fn disable(&mut self) {
        self.finish();
        self.enabled = false;
    }

    pub fn finish(&mut self) {
        for (_, bar) in self.bars.drain() {
            bar.finish_and_clear();
        }
    }
}
