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
}
