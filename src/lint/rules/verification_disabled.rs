//! DW1010: a download or install with its verification turned off: `curl -k`/`--insecure`,
//! `wget --no-check-certificate`, `pip --trusted-host`, `apt-get --allow-unauthenticated`,
//! `apk --allow-untrusted`, `npm config set strict-ssl false`, `git config http.sslVerify false`.
//! Anyone between the build and the server can then change what goes into the image.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::runs::{RunSite, runs};
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW1010",
        "verification-disabled",
        Severity::Warning,
        true,
        &[],
        None,
        "TLS or signature verification turned off",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        for (index, command) in site.commands().iter().enumerate() {
            let words = command.invoked();
            let offset = command.words.len() - words.len();
            let Some(first) = words.first() else { continue };
            let tool = first.text.rsplit('/').next().unwrap_or("");
            let texts: Vec<&str> = words.iter().map(|word| word.text.as_str()).collect();
            for (at, word) in texts.iter().enumerate().skip(1) {
                let found = match tool {
                    "curl" if *word == "--insecure" || (is_short_cluster(word) && word.contains('k')) => Some((
                        "curl",
                        "does not check the server's TLS certificate",
                        "drop it; if the server's certificate is \
                          from a private authority, add that authority (COPY it to /usr/local/share/ca-certificates/ and \
                          run update-ca-certificates, or curl --cacert)",
                    )),
                    "wget" if *word == "--no-check-certificate" => Some((
                        "wget",
                        "does not check the server's TLS certificate",
                        "drop it; if the server's certificate is from a private authority, add that authority \
                         (wget --ca-certificate=<file>, or install it in the image's trust store)",
                    )),
                    _ if crate::analysis::is_pip(tool)
                        && (*word == "--trusted-host" || word.starts_with("--trusted-host=")) =>
                    {
                        Some((
                            "pip",
                            "accepts the host without a valid TLS certificate",
                            "drop it; use an index with a valid certificate, or give pip the authority with --cert <file>",
                        ))
                    }
                    "apt-get" | "apt"
                        if *word == "--allow-unauthenticated" || *word == "--allow-insecure-repositories" =>
                    {
                        Some((
                            tool,
                            "installs packages whose signatures are not checked",
                            "drop it; add the repository's signing key (signed-by=<keyring> in its sources entry)",
                        ))
                    }
                    "apk" if *word == "--allow-untrusted" => Some((
                        "apk",
                        "installs packages whose signatures are not checked",
                        "drop it; add the repository's public key to /etc/apk/keys/",
                    )),
                    _ => None,
                };
                if let Some((program, what, help)) = found {
                    let span = site.word_span(cx, index, offset + at);
                    let fix = remove_word(cx, &site, index, offset + at, word);
                    out.push(Finding::new(span, format!("{program} {word} {what}"), help).fix(fix));
                }
            }
            // npm/yarn `config set strict-ssl false`, git `config http.sslVerify false`.
            let setting = |key: &str| texts.iter().position(|word| word.eq_ignore_ascii_case(key));
            let off =
                |at: usize| texts.get(at + 1).is_some_and(|value| value.eq_ignore_ascii_case("false") || *value == "0");
            let config = texts.get(1) == Some(&"config");
            let hit = match tool {
                "npm" | "yarn" | "pnpm" if config => setting("strict-ssl").filter(|&at| off(at)),
                "git" if config => setting("http.sslVerify").filter(|&at| off(at)),
                "npm" | "yarn" | "pnpm" => {
                    texts.iter().position(|word| word.eq_ignore_ascii_case("--strict-ssl=false"))
                }
                _ => None,
            };
            if let Some(at) = hit {
                out.push(Finding::new(
                    site.word_span(cx, index, offset + at),
                    format!(
                        "{tool} {} stops checking the registry's TLS certificate",
                        texts[at..].iter().take(2).copied().collect::<Vec<_>>().join(" ")
                    ),
                    "leave certificate checks on; give the tool the private authority instead (npm config set cafile \
                     <file>, git config http.sslCAInfo <file>)",
                ));
            }
        }
    }
}

/// A cluster of short options (`-fsSLk`): one dash and letters.
fn is_short_cluster(word: &str) -> bool {
    word.len() > 1
        && word.starts_with('-')
        && !word.starts_with("--")
        && word[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// Removing a flag word that stands alone (with the blank after it).
fn remove_word(cx: &Context<'_>, site: &RunSite<'_>, index: usize, word: usize, text: &str) -> Option<Fix> {
    if text.starts_with("--trusted-host") || (!text.starts_with("--") && text != "-k") {
        return None;
    }
    let range = site.word_source(cx, index, word)?;
    let after = cx.text.get(range.end..)?;
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    (blanks > 0).then(|| Fix::replace(range.start..range.end + blanks, ""))
}
