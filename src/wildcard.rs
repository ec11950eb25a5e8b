//! PowerShell-style wildcards (`-like`): `*`, `?`, `[a-z]`, `[abc]`, backtick escapes,
//! matched case-insensitively, so `Get-JIMApiKey -Name "CI*"` means what it means in
//! PowerShell (contracts-jim.md section 5: JIM filters client-side with `-like`).

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Literal(char),
    AnyOne,
    AnyRun,
    Set(Vec<(char, char)>),
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug)]
pub struct Wildcard {
    tokens: Vec<Token>,
}

impl Wildcard {
    pub fn new(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' => tokens.push(Token::Literal(fold(chars.next().unwrap_or('`')))),
                '*' => {
                    if tokens.last() != Some(&Token::AnyRun) {
                        tokens.push(Token::AnyRun)
                    }
                }
                '?' => tokens.push(Token::AnyOne),
                '[' => {
                    let mut body: Vec<char> = Vec::new();
                    let mut closed = false;
                    for d in chars.by_ref() {
                        if d == ']' {
                            closed = true;
                            break;
                        }
                        body.push(d);
                    }
                    if !closed {
                        // An unclosed bracket is taken literally rather than refused.
                        tokens.push(Token::Literal('['));
                        tokens.extend(body.into_iter().map(|d| Token::Literal(fold(d))));
                        continue;
                    }
                    let mut ranges = Vec::new();
                    let mut i = 0;
                    while i < body.len() {
                        if i + 2 < body.len() && body[i + 1] == '-' {
                            ranges.push((fold(body[i]), fold(body[i + 2])));
                            i += 3;
                        } else {
                            ranges.push((fold(body[i]), fold(body[i])));
                            i += 1;
                        }
                    }
                    tokens.push(Token::Set(ranges));
                }
                _ => tokens.push(Token::Literal(fold(c))),
            }
        }
        Wildcard { tokens }
    }

    /// True when the pattern has no wildcard characters: an equality test.
    pub fn literal(&self) -> Option<String> {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Literal(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    pub fn is_match(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().map(fold).collect();
        // Iterative matcher with one backtrack point for the last `*` (linear in practice).
        let (mut t, mut p) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.tokens.get(p) {
                Some(Token::AnyRun) => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                Some(tok) if single_matches(tok, text[t]) => {
                    t += 1;
                    p += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            }
        }
        self.tokens[p..].iter().all(|t| *t == Token::AnyRun)
    }
}

fn single_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyOne => true,
        Token::Set(ranges) => ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi),
        Token::AnyRun => false,
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::Wildcard;

    #[test]
    fn behaves_like_powershell_like() {
        let cases = [
            ("CI*", "ci-pipeline", true),
            ("CI*", "my CI", false),
            ("*key*", "A KEY here", true),
            ("temp-?", "temp-1", true),
            ("temp-?", "temp-12", false),
            ("[a-c]x", "Bx", true),
            ("[a-c]x", "dx", false),
            ("[xyz]1", "y1", true),
            ("a`*b", "a*b", true),
            ("a`*b", "aXb", false),
            ("*", "", true),
            ("", "", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("[ab", "[ab", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(Wildcard::new(p).is_match(t), want, "{p} ~ {t}");
        }
        assert_eq!(Wildcard::new("Plain").literal().as_deref(), Some("plain"));
        assert_eq!(Wildcard::new("Pl*n").literal(), None);
    }
}
