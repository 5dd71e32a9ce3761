//! The shell reader (`import::shell`) against scripts whose words are known: generated words full of
//! shell syntax, each quoted in one of the ways `sh` reads back exactly (single quotes, double quotes
//! with `\` before `$ ` `` ` `` `" \`, a backslash before every other character), joined by `&&`, `;` or
//! newlines. The reader must give back every word, each command simple, and say how they are joined;
//! and it never panics, whatever the text.

use dockwright::import::shell::{Joined, Script};
use pretty_assertions::assert_eq;
use proptest::prelude::*;

/// How a word is quoted.
#[derive(Debug, Clone, Copy)]
enum Quoting {
    Single,
    Double,
    Backslash,
}

fn quote(word: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Single if !word.contains('\'') => format!("'{word}'"),
        Quoting::Single | Quoting::Double => {
            let mut out = String::from("\"");
            for c in word.chars() {
                if matches!(c, '$' | '`' | '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
            out
        }
        Quoting::Backslash if word.is_empty() => "''".to_string(),
        Quoting::Backslash => {
            let mut out = String::new();
            for c in word.chars() {
                match c {
                    // `\` + newline is a line continuation: a newline needs quotes.
                    '\n' => out.push_str("'\n'"),
                    c if c.is_ascii_alphanumeric() => out.push(c),
                    c => {
                        out.push('\\');
                        out.push(c);
                    }
                }
            }
            out
        }
    }
}

fn word() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => proptest::sample::select(vec![
                ' ', '\t', '\n', '\'', '"', '\\', '$', '`', ';', '&', '|', '<', '>', '(', ')', '{', '}', '#', '~',
                '*', '?', '[', ']', '=', '!', 'é', '/', '-',
            ]),
        ],
        0..8,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn quoting() -> impl Strategy<Value = Quoting> {
    prop_oneof![Just(Quoting::Single), Just(Quoting::Double), Just(Quoting::Backslash)]
}

fn separator() -> impl Strategy<Value = (&'static str, Joined)> {
    prop_oneof![
        Just(("  && ", Joined::And)),
        Just((" &&\n  ", Joined::And)),
        Just(("; ", Joined::Sequence)),
        Just(("\n", Joined::Newline)),
        Just((" \\\n ; ", Joined::Sequence)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn quoted_words_come_back_exactly(
        commands in proptest::collection::vec(
            (proptest::collection::vec((word(), quoting()), 0..5), separator()),
            1..5,
        ),
    ) {
        let mut text = String::new();
        let mut expected_words: Vec<Vec<String>> = Vec::new();
        let mut expected_joins: Vec<Joined> = Vec::new();
        for (index, (args, (separator, joined))) in commands.iter().enumerate() {
            // Each command's separator joins it to the one before (the first one's is unused).
            if index > 0 {
                text.push_str(separator);
            }
            expected_joins.push(if index == 0 { Joined::Start } else { *joined });
            text.push_str("cmd");
            let mut words = vec!["cmd".to_string()];
            for (word, quoting) in args {
                text.push(' ');
                text.push_str(&quote(word, *quoting));
                words.push(word.clone());
            }
            expected_words.push(words);
        }
        let script = Script::read(&text);
        let words: Vec<Vec<String>> =
            script.commands().iter().map(|c| c.words().map(str::to_string).collect()).collect();
        prop_assert_eq!(&words, &expected_words, "{}", text);
        let joins: Vec<Joined> = script.commands().iter().map(|c| c.joined).collect();
        prop_assert_eq!(joins, expected_joins, "{}", text);
        prop_assert!(script.simple_list().is_some(), "{}", text);
        prop_assert!(script.commands().iter().all(|c| c.words.iter().all(|w| w.is_literal())), "{}", text);
    }

    #[test]
    fn never_panics(text in "\\PC{0,80}") {
        let script = Script::read(&text);
        for command in script.commands() {
            // Every command's text is a piece of the script.
            prop_assert!(text.contains(command.text.as_str()));
        }
    }
}

/// Scripts as Dockerfiles write them, and what the reader makes of them.
#[test]
fn real_scripts() {
    let cases: Vec<(&str, Vec<&str>, bool)> = vec![
        (
            "set -eux; \\\n  apt-get update; \\\n  apt-get install -y --no-install-recommends ca-certificates; \\\n  rm -rf /var/lib/apt/lists/*",
            vec![
                "set -eux",
                "apt-get update",
                "apt-get install -y --no-install-recommends ca-certificates",
                "rm -rf /var/lib/apt/lists/*",
            ],
            true,
        ),
        (
            "groupadd -r app && useradd -r -g app -d /home/app -s /sbin/nologin -c \"App user\" app",
            vec!["groupadd -r app", "useradd -r -g app -d /home/app -s /sbin/nologin -c App user app"],
            true,
        ),
        (
            "curl -fsSL https://example.com/install.sh | sh -s -- --yes",
            vec!["curl -fsSL https://example.com/install.sh", "sh -s -- --yes"],
            false,
        ),
        ("echo \"export PATH=$PATH:/opt/bin\" >> /etc/profile", vec!["echo export PATH=$PATH:/opt/bin"], false),
    ];
    for (text, commands, simple) in cases {
        let script = Script::read(text);
        let read: Vec<String> = script.commands().iter().map(|c| c.words().collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(read, commands, "{text}");
        assert_eq!(script.simple_list().is_some(), simple, "{text}");
    }
}
