//! Column alignment identical to Go's `text/tabwriter` as docker's CLI
//! configures it for tables: `NewWriter(out, 10, 1, 3, ' ', 0)` — minimum
//! cell width 10, padding 3, padded with spaces, left-aligned.
//!
//! Go's model (elastic tabstops): text is split into cells *terminated* by
//! `\t`; the text after the last tab of a line is a trailing cell that is
//! never padded and belongs to no column. A column is a run of contiguous
//! lines that all have a tab-terminated cell at that index, so a line with
//! fewer cells ends the column block above it. `\f` acts as a newline that
//! also ends every block. Widths are display widths (East Asian wide
//! characters count two), as docker's fork uses go-runewidth.

use unicode_width::UnicodeWidthStr;

/// Docker's table minimum cell width, padding included.
const MIN_WIDTH: usize = 10;
/// Spaces added to the widest cell of a column.
const PADDING: usize = 3;

/// One cell: its text and display width.
struct Cell<'a> {
    text: &'a str,
    width: usize,
}

/// Aligns rows of cells as docker's tables do: every cell but the last of a
/// row is a column cell. Each row ends with a newline.
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    tabwrite_text(&text)
}

/// Aligns `\t`-separated text exactly as Go's tabwriter would print it.
pub fn tabwrite_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let sections: Vec<&str> = text.split('\u{0c}').collect();
    let last = sections.len().saturating_sub(1);
    for (i, section) in sections.iter().enumerate() {
        let lines = split_cells(section, i < last);
        let mut widths = Vec::new();
        format_block(&mut out, &lines, 0, lines.len(), &mut widths);
    }
    out
}

/// Splits a section into lines of cells. `terminated` is true when a `\f`
/// ends the section, which Go treats as a final newline.
fn split_cells(section: &str, terminated: bool) -> Vec<Vec<Cell<'_>>> {
    let mut lines: Vec<Vec<Cell<'_>>> = section
        .split('\n')
        .map(|line| {
            line.split(['\t', '\u{0b}'])
                .map(|text| Cell {
                    text,
                    width: text.width(),
                })
                .collect()
        })
        .collect();
    if terminated {
        lines.push(Vec::new());
    }
    // Go only keeps a non-terminated cell when it holds text, so the final
    // line (after the last newline) drops an empty trailing cell.
    if let Some(last) = lines.last_mut() {
        if last.last().is_some_and(|c| c.text.is_empty()) {
            last.pop();
        }
    }
    lines
}

/// Number of column cells in a line (all but the trailing cell).
fn column_cells(line: &[Cell<'_>]) -> usize {
    line.len().saturating_sub(1)
}

/// Go's `Writer.format`: finds the blocks of lines that share column
/// `widths.len()`, sizes that column, and recurses for the columns right
/// of it; lines outside any block are written with the widths known so far.
fn format_block(
    out: &mut String,
    lines: &[Vec<Cell<'_>>],
    start: usize,
    end: usize,
    widths: &mut Vec<usize>,
) {
    let column = widths.len();
    let mut line0 = start;
    let mut this = start;
    while this < end {
        if column >= column_cells(&lines[this]) {
            this += 1;
            continue;
        }
        write_lines(out, lines, line0, this, widths);
        line0 = this;
        let mut width = MIN_WIDTH;
        while this < end && column < column_cells(&lines[this]) {
            width = width.max(lines[this][column].width + PADDING);
            this += 1;
        }
        widths.push(width);
        format_block(out, lines, line0, this, widths);
        widths.pop();
        line0 = this;
    }
    write_lines(out, lines, line0, end, widths);
}

/// Writes lines `start..end`, padding each cell that has a known column
/// width; every line but the section's last ends with a newline.
fn write_lines(
    out: &mut String,
    lines: &[Vec<Cell<'_>>],
    start: usize,
    end: usize,
    widths: &[usize],
) {
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell.text);
            if let Some(&w) = widths.get(j) {
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width)));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_use_min_width_ten() {
        // "ID" (2) + 3 padding = 5 < 10, so the column is 10 wide.
        assert_eq!(
            tabwrite_text("ID\tNAME\nab\tx\n"),
            "ID        NAME\nab        x\n"
        );
    }

    #[test]
    fn wide_cells_get_three_spaces_of_padding() {
        let got = tabwrite_text(
            "CONTAINER ID\tIMAGE\tSTATUS\n0123456789ab\tbusybox:latest\tUp 3 seconds\n",
        );
        // col0: max(12)+3 = 15; col1: max(5,14)+3 = 17; last cell unpadded.
        let want = format!(
            "{:<15}{:<17}{}\n{:<15}{:<17}{}\n",
            "CONTAINER ID", "IMAGE", "STATUS", "0123456789ab", "busybox:latest", "Up 3 seconds"
        );
        assert_eq!(got, want);
    }

    #[test]
    fn trailing_tab_pads_the_last_column() {
        // A tab-terminated last cell is a column cell and is padded; Go
        // then writes the (empty) trailing cell.
        assert_eq!(tabwrite_text("a\tb\t\n"), "a         b         \n");
    }

    #[test]
    fn a_line_without_tabs_ends_the_column_block() {
        // Go's docs example: the b column is not contiguous past "x", so
        // the blocks above and below it are sized independently.
        let got = tabwrite_text("aaaaaaaaaaaa\tb\nx\nc\td\n");
        assert_eq!(got, "aaaaaaaaaaaa   b\nx\nc         d\n");
    }

    #[test]
    fn nested_columns_are_sized_per_block() {
        // Column 1 exists only on lines 1-2; line 3 has one column cell, so
        // column 0 spans all three lines while column 1 spans two.
        let got = tabwrite_text("a\tbbbbbbbbbbbb\tc\naaaaaaaaaaaaaa\tb\tc\na\tz\n");
        // Column 0 is 14 + 3 = 17 wide, column 1 is 12 + 3 = 15 wide.
        let want = format!(
            "{:<17}{:<15}c\n{:<17}{:<15}c\n{:<17}z\n",
            "a", "bbbbbbbbbbbb", "aaaaaaaaaaaaaa", "b", "a"
        );
        assert_eq!(got, want);
    }

    #[test]
    fn text_without_final_newline_is_kept() {
        assert_eq!(tabwrite_text("a\tb\nc\td"), "a         b\nc         d");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(tabwrite_text(""), "");
        assert_eq!(tabwrite(&[]), "");
    }

    #[test]
    fn wide_characters_count_two_columns() {
        // "日本語" is 6 columns wide: 6 + 3 = 9 < 10 → width 10, pad 4.
        assert_eq!(
            tabwrite_text("日本語\tx\nab\ty\n"),
            "日本語    x\nab        y\n"
        );
    }

    #[test]
    fn form_feed_restarts_columns() {
        let got = tabwrite_text("aaaaaaaaaaaa\tb\u{0c}c\td\n");
        assert_eq!(got, "aaaaaaaaaaaa   b\nc         d\n");
    }

    #[test]
    fn rows_api_joins_cells_with_tabs() {
        let rows = vec![
            vec!["VOLUME NAME".to_string(), "DRIVER".to_string()],
            vec!["data".to_string(), "local".to_string()],
        ];
        assert_eq!(
            tabwrite(&rows),
            "VOLUME NAME   DRIVER\ndata          local\n"
        );
    }
}
