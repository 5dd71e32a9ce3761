//! Hand-written probe cases for the lexical rules in
//! `shared/research/reliability.md` §1 (L1–L28). Expected results are written
//! in BuildKit's dump format (see the corpus README) and were derived from the
//! rule text; items marked [verified] there were run through BuildKit's own
//! parser. `Fail` = BuildKit's parser (`parser.Parse`) returns an error.

pub enum Expect {
    Dump(&'static str),
    Fail,
}

pub struct Probe {
    pub group: &'static str,
    pub name: &'static str,
    pub text: &'static str,
    pub expect: Expect,
    /// (instruction index, [(body, expand)]) — heredoc expectations.
    pub heredocs: &'static [(usize, &'static [(&'static str, bool)])],
    /// Start/end line of every instruction, when checked.
    pub lines: &'static [(usize, usize)],
}

const fn p(group: &'static str, name: &'static str, text: &'static str, expect: Expect) -> Probe {
    Probe {
        group,
        name,
        text,
        expect,
        heredocs: &[],
        lines: &[],
    }
}
const fn h(
    group: &'static str,
    name: &'static str,
    text: &'static str,
    expect: Expect,
    heredocs: &'static [(usize, &'static [(&'static str, bool)])],
) -> Probe {
    Probe {
        group,
        name,
        text,
        expect,
        heredocs,
        lines: &[],
    }
}
const fn l(
    group: &'static str,
    name: &'static str,
    text: &'static str,
    expect: Expect,
    lines: &'static [(usize, usize)],
) -> Probe {
    Probe {
        group,
        name,
        text,
        expect,
        heredocs: &[],
        lines,
    }
}

use Expect::{Dump, Fail};

pub const L1: &str = "L1 line endings, BOM";
pub const L2: &str = "L2/L3 keywords, comments";
pub const L4: &str = "L4 line continuation";
pub const L5: &str = "L5 comment/blank line in continuation";
pub const L6: &str = "L6 trailing escape swallows next line";
pub const L7: &str = "L7/L9 directives, escape=`";
pub const L11: &str = "L11 flags";
pub const L12: &str = "L12 JSON (exec) vs shell form";
pub const L16: &str = "L16-L18 heredocs";
pub const L23: &str = "L23/L24 ENV, LABEL, ARG values";
pub const L25: &str = "L25-L28 COPY/FROM/USER/... args";
pub const LN: &str = "line numbers";

pub const GROUPS: &[&str] = &[L1, L2, L4, L5, L6, L7, L11, L12, L16, L23, L25, LN];

pub static PROBES: &[Probe] = &[
    // ---- L1
    l(L1, "crlf", "FROM a\r\nRUN echo hi \\\r\n  there\r\n", Dump("(from \"a\")\n(run \"echo hi   there\")"), &[(1, 1), (2, 3)]),
    p(L1, "bom", "\u{feff}FROM a\nRUN echo hi\n", Dump("(from \"a\")\n(run \"echo hi\")")),
    p(L1, "bom-escape-directive [v60]", "\u{feff}# escape=`\nFROM a\nRUN echo a `\n  b\n", Dump("(from \"a\")\n(run \"echo a   b\")")),
    // ---- L2/L3
    p(L2, "case-insensitive, indented", "  from alpine\n\tRUN echo hi\n   # indented comment\nrun echo bye\n",
        Dump("(from \"alpine\")\n(run \"echo hi\")\n(run \"echo bye\")")),
    p(L2, "# inside args is text", "FROM a\nRUN echo 'some # of things' # not a comment\n",
        Dump("(from \"a\")\n(run \"echo 'some # of things' # not a comment\")")),
    p(L2, "ENV inline comment is an error [v27]", "FROM a\nENV A=a # comment\n", Fail),
    // ---- L4
    l(L4, "join keeps indentation, inserts nothing", "FROM a\nRUN echo hello\\\n  world\nRUN echo good\\\nbye\n",
        Dump("(from \"a\")\n(run \"echo hello  world\")\n(run \"echo goodbye\")"), &[(1, 1), (2, 3), (4, 5)]),
    p(L4, "blanks after escape", "FROM a\nRUN echo a \\ \t\n  b\n", Dump("(from \"a\")\n(run \"echo a   b\")")),
    p(L4, "escaped escape is not a continuation [v12]", "FROM a\nRUN echo a\\\\\nRUN echo b\n",
        Dump("(from \"a\")\n(run \"echo a\\\\\\\\\")\n(run \"echo b\")")),
    p(L4, "triple escape is not a continuation [v72]", "FROM a\nRUN echo a\\\\\\\nRUN echo b\n",
        Dump("(from \"a\")\n(run \"echo a\\\\\\\\\\\\\")\n(run \"echo b\")")),
    p(L4, "continuation inside quotes [v9]", "FROM a\nENV A=\"line1\\\nline2\"\n",
        Dump("(from \"a\")\n(env \"A\" \"\\\"line1line2\\\"\" \"=\")")),
    p(L4, "continuation at EOF", "FROM a\nRUN something \\", Dump("(from \"a\")\n(run \"something\")")),
    l(L4, "continuation right after keyword", "FROM a\nRUN \\\n  echo hi\n", Dump("(from \"a\")\n(run \"echo hi\")"), &[(1, 1), (2, 3)]),
    p(L4, "continuation inside JSON", "FROM a\nCMD [\"a\", \\\n     \"b\"]\n", Dump("(from \"a\")\n(cmd \"a\" \"b\")")),
    // ---- L5
    p(L5, "comment line inside a quoted LABEL value", "FROM a\nLABEL desc=\"first \\\n# looks like a comment but is value text \\\nlast\"\n",
        Dump("(from \"a\")\n(label \"desc\" \"\\\"first last\\\"\" \"=\")")),
    p(L5, "indented comment in RUN", "FROM a\nRUN indented \\\n    # an indented comment\n    comment\n",
        Dump("(from \"a\")\n(run \"indented     comment\")")),
    p(L5, "blank lines in RUN", "FROM a\nRUN something \\\n\n    following \\\n\n    more\n",
        Dump("(from \"a\")\n(run \"something     following     more\")")),
    p(L5, "instruction-like comment in continuation", "FROM a\nRUN echo a \\\n# RUN echo hidden\n  b\nRUN echo c\n",
        Dump("(from \"a\")\n(run \"echo a   b\")\n(run \"echo c\")")),
    // ---- L6
    p(L6, "ENV C:\\ swallows LABEL [v11]", "FROM a\nENV WINPATH=C:\\\nLABEL next=instruction\n",
        Dump("(from \"a\")\n(env \"WINPATH\" \"C:LABEL\" \"=\" \"next\" \"instruction\" \"=\")")),
    p(L6, "RUN C:\\ swallows RUN", "FROM a\nRUN echo C:\\\nRUN echo next\n",
        Dump("(from \"a\")\n(run \"echo C:RUN echo next\")")),
    // ---- L7 / L9
    p(L7, "escape=` continuation, \\ literal", "# escape=`\nFROM a\nRUN dir c:\\ `\n    && echo hi\nCOPY . c:\\app\\\n",
        Dump("(from \"a\")\n(run \"dir c:\\\\     && echo hi\")\n(copy \".\" \"c:\\\\app\\\\\")")),
    p(L7, "directive after a comment is a comment [v39]", "# generated by dockwright\n# escape=`\nFROM a\nRUN echo a `\nRUN echo b\n",
        Dump("(from \"a\")\n(run \"echo a `\")\n(run \"echo b\")")),
    p(L7, "directive after a blank line is a comment [v61]", "\n# escape=`\nFROM a\nRUN echo a `\nRUN echo b\n",
        Dump("(from \"a\")\n(run \"echo a `\")\n(run \"echo b\")")),
    p(L7, "invalid escape token [v40]", "# escape=^\nFROM a\n", Fail),
    p(L7, "duplicate syntax directive [v41]", "# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\nFROM a\n", Fail),
    p(L7, "directive key case/spacing", "#  ESCAPE = `\nFROM a\nRUN echo a `\n  b\n", Dump("(from \"a\")\n(run \"echo a   b\")")),
    p(L7, "syntax + check directives consumed", "# syntax=docker/dockerfile:1\n# check=skip=all\nFROM a\nRUN echo hi\n",
        Dump("(from \"a\")\n(run \"echo hi\")")),
    p(L7, "escape=` does not change JSON escapes", "# escape=`\nFROM a\nCMD [\"c:\\\\app\\\\run.exe\"]\n",
        Dump("(from \"a\")\n(cmd \"c:\\\\app\\\\run.exe\")")),
    p(L7, "escape=` ENV with backslash value", "# escape=`\nFROM a\nENV P=C:\\ `\n    Q=1\n",
        Dump("(from \"a\")\n(env \"P\" \"C:\\\\\" \"=\" \"Q\" \"1\" \"=\")")),
    // ---- L11
    p(L11, "COPY --from", "FROM a\nCOPY --from=build /a /b\n", Dump("(from \"a\")\n(copy [\"--from=build\"] \"/a\" \"/b\")")),
    p(L11, "COPY boolean flag", "FROM a\nCOPY --link --chmod=755 a b\n", Dump("(from \"a\")\n(copy [\"--link\" \"--chmod=755\"] \"a\" \"b\")")),
    p(L11, "RUN --mount --network", "FROM a\nRUN --mount=type=cache,target=/root/.cache --network=none pip install x\n",
        Dump("(from \"a\")\n(run [\"--mount=type=cache,target=/root/.cache\" \"--network=none\"] \"pip install x\")")),
    p(L11, "RUN -- ends flags [v23]", "FROM a\nRUN -- --version\n", Dump("(from \"a\")\n(run \"--version\")")),
    p(L11, "quoted word is not a flag [v75]", "FROM a\nCOPY \"--chown=my user\" a /b\n",
        Dump("(from \"a\")\n(copy \"\\\"--chown=my\" \"user\\\"\" \"a\" \"/b\")")),
    p(L11, "FROM --platform", "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n",
        Dump("(from [\"--platform=$BUILDPLATFORM\"] \"golang:1.22\" \"AS\" \"build\")")),
    l(L11, "flags across continuation lines", "FROM a\nRUN --mount=type=secret,id=tok \\\n    --network=none \\\n    make\n",
        Dump("(from \"a\")\n(run [\"--mount=type=secret,id=tok\" \"--network=none\"] \"make\")"), &[(1, 1), (2, 4)]),
    p(L11, "quotes inside a flag word are removed", "FROM a\nRUN --mount=type=secret,id=\"my tok\" echo\n",
        Dump("(from \"a\")\n(run [\"--mount=type=secret,id=my tok\"] \"echo\")")),
    p(L11, "flags before JSON", "FROM a\nRUN --network=none [\"echo\", \"hi\"]\n", Dump("(from \"a\")\n(run [\"--network=none\"] \"echo\" \"hi\")")),
    // ---- L12
    p(L12, "trailing comment -> shell [1]", "FROM a\nCMD [\"a\", \"b\"] # trailing comment\n",
        Dump("(from \"a\")\n(cmd \"[\\\"a\\\", \\\"b\\\"] # trailing comment\")")),
    p(L12, "single quotes -> shell [2]", "FROM a\nCMD ['a', 'b']\n", Dump("(from \"a\")\n(cmd \"['a', 'b']\")")),
    p(L12, "invalid JSON escape -> shell [3]", "FROM a\nRUN [\"c:\\windows\\system32\\tasklist.exe\"]\n",
        Dump("(from \"a\")\n(run \"[\\\"c:\\\\windows\\\\system32\\\\tasklist.exe\\\"]\")")),
    p(L12, "trailing comma -> shell [6]", "FROM a\nENTRYPOINT [\"a\", \"b\",]\n", Dump("(from \"a\")\n(entrypoint \"[\\\"a\\\", \\\"b\\\",]\")")),
    p(L12, "bare variable -> shell [7]", "FROM a\nCMD [\"serve\", \"-p\", $PORT]\n", Dump("(from \"a\")\n(cmd \"[\\\"serve\\\", \\\"-p\\\", $PORT]\")")),
    p(L12, "non-string element is an error [5]", "FROM a\nCMD [\"a\", 1]\n", Fail),
    p(L12, "JSON escapes decoded, no expansion [4]", "FROM a\nCMD [\"a\\\"b\", \"c\\\\d\", \"e\\nf\", \"\\u0024HOME\", \"$HOME\"]\n",
        Dump("(from \"a\")\n(cmd \"a\\\"b\" \"c\\\\d\" \"e\\nf\" \"$HOME\" \"$HOME\")")),
    p(L12, "empty arrays [67]", "FROM a\nCMD []\nCMD [\"\"]\n", Dump("(from \"a\")\n(cmd)\n(cmd \"\")")),
    p(L12, "RUN [ \"foo\" ] is exec; [ ... ] || true is shell [91]", "FROM a\nRUN [ \"foo\" ]\nRUN [ \"$A\" = \"b\" ] || true\n",
        Dump("(from \"a\")\n(run \"foo\")\n(run \"[ \\\"$A\\\" = \\\"b\\\" ] || true\")")),
    p(L12, "VOLUME unterminated JSON -> words", "FROM a\nVOLUME [ \"/data\"\n", Dump("(from \"a\")\n(volume \"[\" \"\\\"/data\\\"\")")),
    p(L12, "SHELL JSON", "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        Dump("(from \"a\")\n(shell \"/bin/bash\" \"-o\" \"pipefail\" \"-c\")")),
    p(L12, "lone surrogate -> U+FFFD [50]", "FROM a\nCMD [\"\\ud800\"]\n", Dump("(from \"a\")\n(cmd \"\u{fffd}\")")),
    // ---- L16-L18
    h(L16, "basic RUN heredoc", "FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo after\n",
        Dump("(from \"a\")\n(run \"<<EOF\")\n(run \"echo after\")"), &[(1, &[("echo hi\n", true)]), (2, &[])]),
    h(L16, "two heredocs on one line [v54]", "FROM a\nRUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nfoo\nFILE1\nbar\nFILE2\n",
        Dump("(from \"a\")\n(run \"<<FILE1 cat > file1 && <<FILE2 cat > file2\")"), &[(1, &[("foo\n", true), ("bar\n", true)])]),
    h(L16, "quoted <<EOF is not a heredoc [v56]", "FROM a\nRUN echo \"<<EOF\" && echo '<<EOF'\nRUN echo next\n",
        Dump("(from \"a\")\n(run \"echo \\\"<<EOF\\\" && echo '<<EOF'\")\n(run \"echo next\")"), &[(1, &[])]),
    h(L16, "COPY heredoc", "FROM a\nCOPY <<EOF /app/conf\nkey=value\nEOF\n",
        Dump("(from \"a\")\n(copy \"<<EOF\" \"/app/conf\")"), &[(1, &[("key=value\n", true)])]),
    h(L16, "<<- strips leading tabs", "FROM a\nRUN <<-EOT\n\techo a\n\t\techo b\n\tEOT\n",
        Dump("(from \"a\")\n(run \"<<-EOT\")"), &[(1, &[("echo a\necho b\n", true)])]),
    h(L16, "quoted delimiter -> no expansion [L17]", "FROM a\nCOPY <<'EOF' /x\n$HOME\nEOF\nCOPY <<\"EOT\" /y\n$HOME\nEOT\n",
        Dump("(from \"a\")\n(copy \"<<'EOF'\" \"/x\")\n(copy \"<<\\\"EOT\\\"\" \"/y\")"), &[(1, &[("$HOME\n", false)]), (2, &[("$HOME\n", false)])]),
    h(L16, "space after << [v57]", "FROM a\nRUN cat << EOF\nhello\nEOF\n",
        Dump("(from \"a\")\n(run \"cat << EOF\")"), &[(1, &[("hello\n", true)])]),
    h(L16, "terminator with trailing space is body [v58]", "FROM a\nRUN <<EOF\necho a\nEOF \nEOF\n",
        Dump("(from \"a\")\n(run \"<<EOF\")"), &[(1, &[("echo a\nEOF \n", true)])]),
    h(L16, "glued cat<<EOF is not a heredoc [v55]", "FROM a\nRUN cat<<EOF\nRUN echo inner\n",
        Dump("(from \"a\")\n(run \"cat<<EOF\")\n(run \"echo inner\")"), &[(1, &[])]),
    h(L16, "body lines are raw [v53]", "FROM a\nRUN <<EOF\n# not a comment\necho a \\\nFROM x\nEOF\nRUN echo after\n",
        Dump("(from \"a\")\n(run \"<<EOF\")\n(run \"echo after\")"), &[(1, &[("# not a comment\necho a \\\nFROM x\n", true)])]),
    p(L16, "$((1 <<2)) starts an unterminated heredoc [v13]", "FROM a\nRUN echo $((1 <<2))\nRUN echo next\n", Fail),
    h(L16, "fd prefix 3<<EOF", "FROM a\nRUN 3<<EOF cat /dev/fd/3\nhi\nEOF\n",
        Dump("(from \"a\")\n(run \"3<<EOF cat /dev/fd/3\")"), &[(1, &[("hi\n", true)])]),
    h(L16, "heredoc after a command word", "FROM a\nRUN python3 <<EOF\nprint(1)\nEOF\n",
        Dump("(from \"a\")\n(run \"python3 <<EOF\")"), &[(1, &[("print(1)\n", true)])]),
    p(L16, "unterminated heredoc", "FROM a\nRUN <<EOF\necho hi\n", Fail),
    h(L16, "JSON form has no heredocs", "FROM a\nRUN [\"<<EOF\"]\nRUN echo next\n",
        Dump("(from \"a\")\n(run \"<<EOF\")\n(run \"echo next\")"), &[(1, &[])]),
    // ---- L23/L24
    p(L23, "legacy ENV keeps '=' in value", "FROM a\nENV ONE TWO= THREE=world\n", Dump("(from \"a\")\n(env \"ONE\" \"TWO= THREE=world\" \"\")")),
    p(L23, "ENV quoted values kept raw", "FROM a\nENV A=\"x y\" B=z C='q r'\n",
        Dump("(from \"a\")\n(env \"A\" \"\\\"x y\\\"\" \"=\" \"B\" \"z\" \"=\" \"C\" \"'q r'\" \"=\")")),
    p(L23, "ENV escaped space", "FROM a\nENV A=x\\ y B=2\n", Dump("(from \"a\")\n(env \"A\" \"x\\\\ y\" \"=\" \"B\" \"2\" \"=\")")),
    p(L23, "ENV unquoted NBSP is an error [v18]", "FROM a\nENV A=x\u{a0}y\n", Fail),
    p(L23, "ENV unquoted TAB is an error [v76]", "FROM a\nENV A=x\ty\n", Fail),
    p(L23, "ENV without value is an error [v31]", "FROM a\nENV K\n", Fail),
    p(L23, "LABEL several pairs", "FROM a\nLABEL org.opencontainers.image.title=\"My App\" version=1.0\n",
        Dump("(from \"a\")\n(label \"org.opencontainers.image.title\" \"\\\"My App\\\"\" \"=\" \"version\" \"1.0\" \"=\")")),
    p(L23, "LABEL quoted key", "FROM a\nLABEL \"com.example.key\"=\"v\"\n", Dump("(from \"a\")\n(label \"\\\"com.example.key\\\"\" \"\\\"v\\\"\" \"=\")")),
    p(L23, "\\n in double quotes stays backslash-n", "FROM a\nENV A=\"a\\nb\"\n", Dump("(from \"a\")\n(env \"A\" \"\\\"a\\\\nb\\\"\" \"=\")")),
    p(L23, "ENV value containing '='", "FROM a\nENV A=b=c\n", Dump("(from \"a\")\n(env \"A\" \"b=c\" \"=\")")),
    p(L23, "ARG several names [v30]", "FROM a\nARG A=a b\nARG C=\"x y\" D\n", Dump("(from \"a\")\n(arg \"A=a\" \"b\")\n(arg \"C=\\\"x y\\\"\" \"D\")")),
    p(L23, "global ARG then FROM", "ARG VERSION=1.0\nFROM alpine:$VERSION\nARG VERSION\n",
        Dump("(arg \"VERSION=1.0\")\n(from \"alpine:$VERSION\")\n(arg \"VERSION\")")),
    // ---- L25-L28
    p(L25, "COPY escaped space = two sources [v20]", "FROM a\nCOPY my\\ file.txt /dst/\n", Dump("(from \"a\")\n(copy \"my\\\\\" \"file.txt\" \"/dst/\")")),
    p(L25, "COPY quoted path split on space [v20]", "FROM a\nCOPY \"my file.txt\" /dst/\n", Dump("(from \"a\")\n(copy \"\\\"my\" \"file.txt\\\"\" \"/dst/\")")),
    p(L25, "COPY JSON form", "FROM a\nCOPY [\"a b.txt\", \"/dst/\"]\n", Dump("(from \"a\")\n(copy \"a b.txt\" \"/dst/\")")),
    p(L25, "WORKDIR/USER keep spaces [v64]", "FROM a\nWORKDIR /my dir\nUSER app user\n", Dump("(from \"a\")\n(workdir \"/my dir\")\n(user \"app user\")")),
    p(L25, "FROM AS / as", "FROM alpine:3.20 AS build\nFROM --platform=linux/amd64 alpine as b2\n",
        Dump("(from \"alpine:3.20\" \"AS\" \"build\")\n(from [\"--platform=linux/amd64\"] \"alpine\" \"as\" \"b2\")")),
    p(L25, "EXPOSE several", "FROM a\nEXPOSE 80/tcp 443 53/udp\n", Dump("(from \"a\")\n(expose \"80/tcp\" \"443\" \"53/udp\")")),
    p(L25, "ONBUILD", "FROM a\nONBUILD RUN echo hi\nONBUILD COPY --from=b /x /y\n",
        Dump("(from \"a\")\n(onbuild (run \"echo hi\"))\n(onbuild (copy [\"--from=b\"] \"/x\" \"/y\"))")),
    p(L25, "STOPSIGNAL, MAINTAINER", "FROM a\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane Doe <j@example.com>\n",
        Dump("(from \"a\")\n(stopsignal \"SIGTERM\")\n(maintainer \"Jane Doe <j@example.com>\")")),
    p(L25, "VOLUME JSON", "FROM a\nVOLUME [\"/data\", \"/var/log\"]\n", Dump("(from \"a\")\n(volume \"/data\" \"/var/log\")")),
    p(L25, "HEALTHCHECK NONE", "FROM a\nHEALTHCHECK NONE\n", Dump("(from \"a\")\n(healthcheck \"NONE\")")),
    p(L25, "HEALTHCHECK flags + continuation", "FROM a\nHEALTHCHECK --interval=30s \\\n  CMD curl -f http://localhost/ || exit 1\n",
        Dump("(from \"a\")\n(healthcheck [\"--interval=30s\"] \"CMD\" \"curl -f http://localhost/ || exit 1\")")),
    p(L25, "trailing blanks trimmed", "FROM a\nWORKDIR /app   \n", Dump("(from \"a\")\n(workdir \"/app\")")),
    // ---- line numbers
    l(LN, "continuation with comment line", "FROM a\n\nRUN a \\\n  b \\\n# c\n  d\nENV X=1\n",
        Dump("(from \"a\")\n(run \"a   b   d\")\n(env \"X\" \"1\" \"=\")"), &[(1, 1), (3, 6), (7, 7)]),
    l(LN, "JSON over two lines", "FROM a\nCMD [\"a\", \\\n  \"b\"]\n\n\nUSER x\n",
        Dump("(from \"a\")\n(cmd \"a\" \"b\")\n(user \"x\")"), &[(1, 1), (2, 3), (6, 6)]),
    l(LN, "leading comments and indentation", "# c1\n# c2\n\nFROM a\n  RUN x\n", Dump("(from \"a\")\n(run \"x\")"), &[(4, 4), (5, 5)]),
];
