//! The report's page: one self-contained HTML file (its style inline, its
//! figures inline SVG, nothing fetched from anywhere), printable.

use std::fmt::Write as _;

/// Text made safe for HTML (element content and quoted attributes).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A footnote number in superscript digits (¹, ², …, ¹²).
pub fn sup(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// Marks a row of [`table`] as a heading inside the table ([`subhead`]).
const SUBHEAD: &str = "\u{1}";

/// A row of column names inside a table's body.
pub fn subhead(cells: Vec<String>) -> Vec<String> {
    let mut row = vec![SUBHEAD.to_owned()];
    row.extend(cells);
    row
}

/// A table: `head` rows of column names, then `rows`; a row of one cell
/// is a group heading across the table, a [`subhead`] row one of column
/// names. Every cell is escaped.
pub fn table(head: &[Vec<String>], rows: &[Vec<String>], class: &str) -> String {
    let width = head.iter().map(Vec::len).max().unwrap_or(1);
    let mut s = format!(
        "<div class=\"scroll\"><table class=\"{}\">\n<thead>\n",
        esc(class)
    );
    for h in head {
        s.push_str("<tr>");
        for c in h {
            let _ = write!(s, "<th scope=\"col\">{}</th>", esc(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</thead>\n<tbody>\n");
    for r in rows {
        if r.len() == 1 && width > 1 {
            let _ = writeln!(
                s,
                "<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"{width}\">{}</th></tr>",
                esc(&r[0])
            );
            continue;
        }
        if r.first().is_some_and(|c| c == SUBHEAD) {
            s.push_str("<tr class=\"sub\">");
            for c in &r[1..] {
                let _ = write!(s, "<th scope=\"col\">{}</th>", esc(c));
            }
            s.push_str("</tr>\n");
            continue;
        }
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i == 0 {
                let _ = write!(s, "<th scope=\"row\">{}</th>", esc(c));
            } else {
                let _ = write!(s, "<td>{}</td>", esc(c));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}

pub fn h3(text: &str) -> String {
    format!("<h3>{}</h3>\n", esc(text))
}

pub fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(text))
}

/// A figure (its SVG as drawn) with its caption and an optional remark.
pub fn figure(svg: &str, caption: &str, extra: Option<&str>) -> String {
    format!(
        "<figure>\n{svg}\n<figcaption>{}{}</figcaption>\n</figure>\n",
        esc(caption),
        esc(extra.unwrap_or_default())
    )
}

/// A part shown when opened.
pub fn details(summary: &str, inner: &str) -> String {
    format!(
        "<details>\n<summary>{}</summary>\n{inner}</details>\n",
        esc(summary)
    )
}

/// A list of items, each escaped.
pub fn list(items: &[String]) -> String {
    let mut s = String::from("<ul>\n");
    for i in items {
        let _ = writeln!(s, "<li>{}</li>", esc(i));
    }
    s.push_str("</ul>\n");
    s
}

const STYLE: &str = r#"
:root { --ink: #222; --muted: #666; --line: #d8d8d8; --head: #f3f5f7; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; }
header h1 { font-size: 26px; margin: 8px 0 4px; color: var(--accent); }
header p { margin: 2px 0; color: var(--muted); }
nav { margin: 14px 0 8px; padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; font-weight: 600; }
section { margin-top: 34px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-bottom: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 12px 0 6px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 9px; vertical-align: top; }
thead th { background: var(--head); text-align: right; font-weight: 600; border-bottom: 2px solid #bbb; }
thead th:first-child { text-align: left; }
tbody th { text-align: left; font-weight: normal; }
td { text-align: right; white-space: nowrap; }
tr.group th { background: #fafafa; font-weight: 700; padding-top: 10px; }
table.change { width: 100%; }
tr.sub th { background: var(--head); font-weight: 600; text-align: right; }
table.change td:last-child, table.change thead th:last-child { color: var(--muted); }
h3 { font-size: 17px; margin: 26px 0 6px; }
figure { margin: 16px 0; }
figure svg.fig { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13.5px; color: var(--muted); margin-top: 4px; }
p.note { font-size: 13px; color: var(--muted); margin: 4px 0; }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 8px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
ul { padding-left: 22px; }
li { margin: 3px 0; }
@media print { nav { display: none; } section { break-inside: avoid-page; } details { display: block; } }
"#;

/// The whole page.
pub fn page(lang: &str, title: &str, subtitle: &str, nav: &[(&str, String)], body: &str) -> String {
    let mut links = String::new();
    for (id, name) in nav {
        let _ = write!(links, "<a href=\"#{}\">{}</a>", esc(id), esc(name));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header>\n<h1>{}</h1>\n<p>{}</p>\n</header>\n<nav>{links}</nav>\n{body}</main>\n</body>\n</html>\n",
        esc(lang),
        esc(title),
        esc(title),
        esc(subtitle),
    )
}
