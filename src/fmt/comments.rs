//! Finding the comments of a rule file: every `#` outside a string literal, to the end
//! of its line.

/// One comment as written, from its `#` to the end of its line (trailing spaces and a
/// carriage return left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// The text from the `#` on.
    pub text: String,
    /// Code stands before it on its line (an end-of-line comment).
    pub trailing: bool,
}

impl Comment {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// Every comment of `text`, in source order. Strings are one line long and know `\"`,
/// so a `#` inside `"SKU #1"` is no comment.
pub fn scan(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut code_on_line = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                '\n' => {
                    in_string = false;
                    code_on_line = false;
                }
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '\n' => code_on_line = false,
            '"' => {
                in_string = true;
                code_on_line = true;
            }
            '#' => {
                let len = text[i..].find('\n').unwrap_or(text.len() - i);
                let body = text[i..i + len].trim_end();
                out.push(Comment {
                    start: i,
                    text: body.to_string(),
                    trailing: code_on_line,
                });
                // Continue at the newline, which resets the line state.
                for _ in text[i..i + len].chars().skip(1) {
                    chars.next();
                }
            }
            c if is_blank(c) => {}
            _ => code_on_line = true,
        }
    }
    out
}

/// White space as the grammar counts it (a byte-order mark and U+3000 included).
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Where the code of `start..end` really ends: spans of some nodes run on over white
/// space and comments that follow them, which must not count as part of the node.
pub fn code_end(text: &str, comments: &[Comment], start: usize, end: usize) -> usize {
    let mut end = end.min(text.len());
    loop {
        if end <= start {
            return start;
        }
        // Inside (or just after) a comment: jump to its start.
        let i = comments.partition_point(|c| c.start < end);
        if i > 0 && comments[i - 1].end() >= end && comments[i - 1].start >= start {
            end = comments[i - 1].start;
            continue;
        }
        match text[..end].chars().next_back() {
            Some(c) if is_blank(c) => end -= c.len_utf8(),
            _ => return end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inside_strings_are_no_comments() {
        let text = "list x = [\"SKU #1\", \"a\\\"#b\"]  # real one\n# whole line\r\n";
        let found = scan(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].text, "# real one");
        assert!(found[0].trailing);
        assert_eq!(found[1].text, "# whole line");
        assert!(!found[1].trailing);
    }

    #[test]
    fn code_ends_before_trailing_blanks_and_comments() {
        let text = "rule r when f  \n  # why\n then";
        let cs = scan(text);
        let when = text.find('f').unwrap_or(0);
        assert_eq!(
            code_end(text, &cs, when, text.find(" then").unwrap_or(0)),
            when + 1
        );
    }
}
