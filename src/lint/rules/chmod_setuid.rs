//! DW1009: `chmod` that sets the setuid or setgid bit (`chmod u+s`, `chmod 4755`): the program then
//! runs with its owner's (usually root's) rights whoever starts it, a way up for anyone who gets a
//! shell in the container.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW1009", "chmod-setuid", Severity::Warning, true, &[], None, "chmod sets the setuid or setgid bit"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        for (index, command) in site.commands().iter().enumerate() {
            let words = command.invoked();
            if words.first().map(|word| word.text.rsplit('/').next().unwrap_or("")) != Some("chmod") {
                continue;
            }
            let offset = command.words.len() - words.len();
            let Some((at, mode)) =
                words.iter().enumerate().skip(1).find(|(_, word)| !word.text.starts_with('-') || is_mode(&word.text))
            else {
                continue;
            };
            let Some(bits) = setuid(&mode.text) else { continue };
            out.push(Finding::new(
                site.word_span(cx, index, offset + at),
                format!(
                    "chmod {} sets the {bits} bit: the program runs with its owner's rights, whoever starts it",
                    mode.text
                ),
                "leave the bit off; give the program only the capability it needs (setcap) or run it as the user \
                 that owns what it needs",
            ));
        }
    }
}

/// Whether a word starting with `-` is a mode (`-s`, `-x`) rather than an option.
fn is_mode(word: &str) -> bool {
    word.len() > 1 && word[1..].chars().all(|c| "rwxXstugo".contains(c))
}

/// Which special bit the mode sets: `setuid`, `setgid` or `setuid and setgid`.
fn setuid(mode: &str) -> Option<&'static str> {
    let (uid, gid) = if !mode.is_empty() && mode.chars().all(|c| c.is_digit(8)) {
        if mode.len() < 4 {
            return None;
        }
        let special = mode.chars().rev().nth(3)?.to_digit(8)?;
        (special & 4 != 0, special & 2 != 0)
    } else {
        let (mut uid, mut gid) = (false, false);
        for clause in mode.split(',') {
            let Some(op) = clause.find(['+', '=']) else { continue };
            let (who, perms) = clause.split_at(op);
            if !perms.contains('s') {
                continue;
            }
            let all = who.is_empty() || who.contains('a');
            uid |= all || who.contains('u');
            gid |= all || who.contains('g');
        }
        (uid, gid)
    };
    match (uid, gid) {
        (true, true) => Some("setuid and setgid"),
        (true, false) => Some("setuid"),
        (false, true) => Some("setgid"),
        (false, false) => None,
    }
}
